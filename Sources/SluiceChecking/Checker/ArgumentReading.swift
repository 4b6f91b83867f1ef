import SluiceDiagnostics
import SluiceSyntax

/// Reading typed arguments, each failure reported once at the argument it concerns.
extension PolicyChecker {
    static let statementKeywords = Set(topLevelKeywords).union(homes.keys)

    mutating func missing(_ cursor: ArgumentCursor, _ what: String, help: String? = nil) {
        let offset = cursor.endOffset
        report("check.missing-argument", .error, "`\(cursor.statement.keyword.text)` needs \(what) here",
               at: span(offset..<offset), help: help)
    }

    /// Reports what is left of a statement after its last expected argument.
    mutating func expectEnd(_ cursor: ArgumentCursor) {
        guard let first = cursor.peek else { return }
        let last = cursor.remaining.last!.argument.range
        report("check.unexpected-argument", .error,
               "unexpected \(first.argument.kindNoun) after the arguments of `\(cursor.statement.keyword.text)`",
               at: span(first.argument.range.lowerBound..<last.upperBound),
               help: "remove it, or start a new statement on its own line")
    }

    mutating func requireBlock(_ statement: Statement, example: String) -> Block? {
        if let block = statement.block { return block }
        let end = statement.range.upperBound
        report("check.missing-block", .error, "`\(statement.keyword.text)` needs a block of settings", at: span(end..<end),
               help: "write `\(example)`")
        return nil
    }

    mutating func forbidBlock(_ statement: Statement) {
        guard let block = statement.block else { return }
        report("check.unexpected-block", .error, "`\(statement.keyword.text)` takes no block", at: span(block.range))
    }

    mutating func word(_ cursor: inout ArgumentCursor, _ what: String) -> Word? {
        guard let item = cursor.next() else {
            missing(cursor, what)
            return nil
        }
        guard case .word(let word) = item.argument else {
            report("check.expected-word", .error, "expected \(what), found \(item.argument.kindName)", at: span(item.argument.range))
            return nil
        }
        return word
    }

    /// One of a fixed set of words, with a suggestion for a misspelling.
    mutating func keyword(_ cursor: inout ArgumentCursor, oneOf expected: [String], _ what: String) -> Word? {
        let hint = "expected " + expected.map { "`\($0)`" }.joined(separator: ", ")
        guard let item = cursor.next() else {
            missing(cursor, what, help: hint)
            return nil
        }
        guard case .word(let word) = item.argument, expected.contains(word.text) else {
            let range = item.argument.range
            let written = item.argument.text ?? ""
            let suggestion = Suggestions.closest(to: written, in: expected)
            report("check.unexpected-word", .error,
                   item.argument.text.map { "`\($0)` is not \(what)" } ?? "expected \(what), found \(item.argument.kindName)",
                   at: span(range), notes: suggestion == nil ? [hint] : [],
                   help: suggestion.map { "did you mean `\($0)`?" },
                   fixes: suggestion.map { [FixIt("replace with `\($0)`", replacing: span(range), with: $0)] } ?? [])
            return nil
        }
        return word
    }

    /// A quoted string; a bare word is refused with a fix-it, since names may contain spaces.
    mutating func string(_ cursor: inout ArgumentCursor, _ what: String) -> StringLiteral? {
        guard let item = cursor.next() else {
            missing(cursor, what)
            return nil
        }
        switch item.argument {
        case .string(let string): return string
        case .word(let word):
            report("check.expected-string", .error, "\(what) is written in quotes", at: span(word.range),
                   fixes: [FixIt("quote it", replacing: span(word.range), with: "\"\(word.text)\"")])
        default:
            report("check.expected-string", .error, "expected \(what), found \(item.argument.kindName)", at: span(item.argument.range))
        }
        return nil
    }

    /// Parses one word or string with `parse`, pointing inside the word at the part to blame.
    mutating func value<T>(_ argument: SyntaxArgument, _ code: DiagnosticCode, _ what: String,
                           _ parse: (String) -> Result<T, ValueProblem>) -> T? {
        guard let text = argument.text else {
            report(code, .error, "expected \(what), found \(argument.kindName)", at: span(argument.range))
            return nil
        }
        switch parse(text) {
        case .success(let value): return value
        case .failure(let problem):
            var range = argument.range
            if case .word = argument, let inner = problem.range {
                let lower = min(range.lowerBound + inner.lowerBound, range.upperBound)
                range = lower..<max(lower, min(range.lowerBound + inner.upperBound, range.upperBound))
            }
            report(code, .error, problem.message, at: characterSpan(range), help: problem.help)
            return nil
        }
    }

    /// A value or a comma-separated list of values, each parsed; invalid ones are reported and
    /// left out. A list whose trailing comma swallowed the next line's statement is caught here.
    mutating func values<T>(_ cursor: inout ArgumentCursor, _ code: DiagnosticCode, _ what: String,
                            _ parse: (String) -> Result<T, ValueProblem>) -> [Setting<T>] {
        if cursor.isAtEnd {
            missing(cursor, what)
            return []
        }
        var list = cursor.nextList()
        if let swallowed = reportSwallowed(list) {
            list = Array(list[..<swallowed])
            while !cursor.isAtEnd { _ = cursor.next() }
        }
        return list.compactMap { argument in value(argument, code, what, parse).map { Setting($0, span: span(argument.range)) } }
    }

    /// A comma-separated list whose trailing comma ran on into the next line's statement
    /// (`accepted-domains a.example,` then `trust …`): reported at the swallowed keyword, with
    /// a fix-it removing the comma. Returns the index where the list really ended.
    mutating func reportSwallowed(_ list: [SyntaxArgument]) -> Int? {
        for position in list.indices.dropFirst() {
            guard case .word(let word) = list[position], Self.statementKeywords.contains(word.text),
                file.position(of: word.range.lowerBound).line != file.position(of: list[position - 1].range.upperBound).line
            else { continue }
            swallowedStatement = true
            let comma = commaOffset(after: list[position - 1].range.upperBound)
            report("check.list-swallowed-statement", .error,
                   "this list ends with a comma, so it runs on into the `\(word.text)` statement on the next line",
                   at: span(word.range),
                   labels: [Label(span(comma..<comma + 1), "the list continues after this comma")],
                   help: "remove the comma after the list's last value",
                   fixes: [FixIt("remove the trailing comma", replacing: span(comma..<comma + 1), with: "")])
            return position
        }
        return nil
    }

    /// The offset of the first `,` at or after `offset` (lists put it right after a value, but
    /// spaces may stand between).
    private func commaOffset(after offset: Int) -> Int {
        var index = offset
        while index < file.bytes.count && file.bytes[index] != UInt8(ascii: ",") { index += 1 }
        return min(index, file.bytes.count)
    }

    mutating func boolean(_ cursor: inout ArgumentCursor) -> Bool? {
        guard let word = keyword(&cursor, oneOf: ["on", "off", "yes", "no"], "`on`, `off`, `yes` or `no`") else { return nil }
        return word.text == "on" || word.text == "yes"
    }

    mutating func integer(_ cursor: inout ArgumentCursor, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let word = word(&cursor, what) else { return nil }
        guard let number = Self.asciiInteger(word.text), range.contains(number) else {
            report("check.invalid-number", .error, "`\(word.text)` is not \(what) from \(range.lowerBound) to \(range.upperBound)",
                   at: span(word.range))
            return nil
        }
        return number
    }

    /// An integer written in ASCII digits with an optional leading `-` (no `+`, hex or
    /// other scripts' digits, which `Int(_:)` or `Character.isNumber` would let through).
    static func asciiInteger(_ text: String) -> Int? {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.count <= 9, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    /// Notes a quarantine policy or group name to resolve once every file has been read.
    mutating func reference(_ kind: NameKind, _ literal: StringLiteral) {
        references.append((kind, literal.value, span(literal.range)))
    }

    /// Walks a block's statements, warning when a setting appears twice in it.
    mutating func forEachSetting(in block: Block, repeatable: Set<String> = [], _ body: (inout PolicyChecker, Statement) -> Void) {
        var seen: [String: SourceSpan] = [:]
        for statement in block.statements {
            let key = settingKey(statement)
            if !repeatable.contains(statement.keyword.text), let earlier = seen[key] {
                report("check.duplicate-setting", .warning, "`\(key)` is set twice in this block; the later one wins",
                       at: span(statement.range), labels: [Label(earlier, "first set here")])
            }
            if seen[key] == nil { seen[key] = span(statement.range) }
            body(&self, statement)
        }
    }

    /// `spam action` and `allow senders` are different settings from `spam` and `allow`.
    private func settingKey(_ statement: Statement) -> String {
        let keyword = statement.keyword.text
        let qualified: Set = ["spam", "high-confidence-spam", "phish", "high-confidence-phish", "bulk", "allow", "block",
                              "applies-to", "except", "phishing-simulation", "dmarc-reject", "dmarc-quarantine", "spoof"]
        if qualified.contains(keyword), case .word(let next)? = statement.arguments.first { return "\(keyword) \(next.text)" }
        if ["every", "daily", "weekly"].contains(keyword) { return "cadence" }
        return keyword
    }
}
