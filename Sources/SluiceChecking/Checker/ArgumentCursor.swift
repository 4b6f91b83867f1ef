import SluiceSyntax

/// Walks a statement's arguments left to right. Lists are flattened into their values, with
/// the comma that stood before each kept, because some statements read a list as one value
/// (`permissions preview, delete`) and others as a sequence (`then set-scl -1, stop`).
struct ArgumentCursor {
    struct Item {
        var argument: SyntaxArgument
        /// Whether a comma separated this item from the previous one.
        var afterComma: Bool
    }

    let statement: Statement
    private(set) var items: [Item]
    private(set) var index = 0

    init(_ statement: Statement) {
        self.statement = statement
        items = []
        for argument in statement.arguments {
            if case .list(let values, _) = argument {
                for (position, value) in values.enumerated() { items.append(Item(argument: value, afterComma: position > 0)) }
            } else {
                items.append(Item(argument: argument, afterComma: false))
            }
        }
    }

    var isAtEnd: Bool { index >= items.count }
    var peek: Item? { isAtEnd ? nil : items[index] }
    var remaining: ArraySlice<Item> { items[index...] }

    mutating func next() -> Item? {
        defer { index += 1 }
        return peek
    }

    /// The next value and every value joined to it by commas.
    mutating func nextList() -> [SyntaxArgument] {
        guard let first = next() else { return [] }
        var values = [first.argument]
        while let item = peek, item.afterComma {
            values.append(item.argument)
            index += 1
        }
        return values
    }

    /// The word text of the next item when it is a word.
    var peekWord: String? {
        if case .word(let word)? = peek?.argument { return word.text }
        return nil
    }

    /// Where a missing argument would have stood: just after the last one (or the keyword).
    var endOffset: Int {
        (statement.arguments.last?.range.upperBound ?? statement.keyword.range.upperBound)
    }
}

extension SyntaxArgument {
    /// The text of a word or string; nil for regexes, lists and conditions.
    var text: String? {
        switch self {
        case .word(let word): word.text
        case .string(let string): string.value
        default: nil
        }
    }

    /// `word`, `string`…, for "unexpected word".
    var kindNoun: String { String(kindName.split(separator: " ", maxSplits: 1).last ?? "") }

    var kindName: String {
        switch self {
        case .word: "a word"
        case .string: "a string"
        case .regex: "a regular expression"
        case .list: "a list"
        case .condition: "a condition"
        }
    }
}
