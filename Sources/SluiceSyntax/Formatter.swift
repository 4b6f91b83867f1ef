import SluiceDiagnostics

/// Prints a policy file in its canonical layout, the one `sluice fmt` writes:
///
/// - one statement per line, its tokens separated by one space, two spaces of indentation per
///   block level; a block opens with `{` at the end of its statement's line and closes with `}`
///   on a line of its own;
/// - lists as `a, b, c`; conditions with `and`, `or` and `not` between single spaces and
///   parentheses where written;
/// - a line that would pass ``maxLineWidth`` columns (not counting a comment after it) goes on
///   after a list's comma, or after an `and` or `or` outside parentheses (where the parser allows
///   a line break), on continuation lines one level deeper, each filled as far as it fits;
/// - words, regexes and comment texts exactly as written; strings with the escapes the lexer
///   knows (`\"`, `\\`, `\n`, `\t`);
/// - comments above a statement on lines of their own at its indentation, a comment after a
///   statement two spaces after it, comments at the end of a block before its `}`;
/// - one blank line wherever the source had one or more, none at the start of a block or file;
/// - a line break after the last line (an empty file stays empty).
///
/// The layout depends only on what the parser read (the tree, and where blank lines stood), so
/// formatting is idempotent. Give it only trees parsed without errors: a statement the parser
/// abandoned is not in the tree, so it would be lost.
public enum PolicyFormatter {
    public static let maxLineWidth = 100
    static let indentation = "  "

    public static func format(_ file: PolicyFile) -> String {
        var printer = Printer(source: file.source)
        printer.printBody(file.statements, closingComments: file.trailingComments, depth: 0)
        return printer.lines.isEmpty ? "" : printer.lines.joined(separator: "\n") + "\n"
    }

    /// `value` as a string literal the lexer reads back to `value`. Characters without an escape
    /// stand as themselves: the lexer takes any character but a line break inside quotes.
    static func quoted(_ value: String) -> String {
        var literal = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\t": literal += "\\t"
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}

private struct Printer {
    let source: SourceFile
    var lines: [String] = []

    /// A token of a statement's line and how it joins the token before it.
    private struct Piece {
        enum Join { case none, space, spaceOrLineBreak }
        var text: String
        var join: Join
    }

    mutating func printBody(_ statements: [Statement], closingComments: [Comment], depth: Int) {
        let indent = String(repeating: PolicyFormatter.indentation, count: depth)
        let bodyStart = lines.count
        for statement in statements {
            for comment in statement.leadingComments {
                addBlankLine(if: comment.blankLineBefore, after: bodyStart)
                lines.append(indent + "#" + comment.text)
            }
            let blankLine = statement.leadingComments.last.map { blankLineBetween($0, and: statement) }
                ?? statement.blankLineBefore
            addBlankLine(if: blankLine, after: bodyStart)
            printStatement(statement, depth: depth, indent: indent)
        }
        for comment in closingComments {
            addBlankLine(if: comment.blankLineBefore, after: bodyStart)
            lines.append(indent + "#" + comment.text)
        }
    }

    /// Blank lines separate groups; none opens a block or the file.
    private mutating func addBlankLine(if wanted: Bool, after bodyStart: Int) {
        if wanted && lines.count > bodyStart { lines.append("") }
    }

    /// The tree folds a blank line between a statement's comments and the statement into the
    /// statement's flag (and drops it at the start of a block), so the source text says.
    private func blankLineBetween(_ comment: Comment, and statement: Statement) -> Bool {
        source.bytes[comment.range.upperBound..<statement.range.lowerBound].lazy.filter { $0 == 0x0A }.count >= 2
    }

    private mutating func printStatement(_ statement: Statement, depth: Int, indent: String) {
        var pieces = [Piece(text: statement.keyword.text, join: .none)]
        for argument in statement.arguments { pieces += self.pieces(of: argument, join: .space) }
        if statement.block != nil { pieces.append(Piece(text: "{", join: .space)) }
        lines += layOut(pieces, indent: indent)
        if let block = statement.block {
            printBody(block.statements, closingComments: block.closingComments, depth: depth + 1)
            lines.append(indent + "}")
        }
        if let comment = statement.trailingComment {
            lines[lines.count - 1] += "  #" + comment.text
        }
    }

    /// Joins the pieces into lines, breaking (after a list's comma or a condition's `and` or `or`)
    /// only where the text up to the next such place would pass the line width.
    private func layOut(_ pieces: [Piece], indent: String) -> [String] {
        var result: [String] = []
        var line = indent
        var width = indent.count
        for (index, piece) in pieces.enumerated() {
            switch piece.join {
            case .none:
                break
            case .space:
                line += " "
                width += 1
            case .spaceOrLineBreak:
                // What must share a line with this piece: everything up to the next place to break.
                var segmentWidth = piece.text.count
                for next in pieces[(index + 1)...] {
                    if next.join == .spaceOrLineBreak { break }
                    segmentWidth += (next.join == .space ? 1 : 0) + next.text.count
                }
                if width + 1 + segmentWidth > PolicyFormatter.maxLineWidth {
                    result.append(line)
                    line = indent + PolicyFormatter.indentation
                    width = line.count
                } else {
                    line += " "
                    width += 1
                }
            }
            line += piece.text
            width += piece.text.count
        }
        result.append(line)
        return result
    }

    private func pieces(of argument: SyntaxArgument, join: Piece.Join) -> [Piece] {
        switch argument {
        case .word(let word):
            return [Piece(text: word.text, join: join)]
        case .string(let string):
            return [Piece(text: PolicyFormatter.quoted(string.value), join: join)]
        case .regex(let regex):
            return [Piece(text: "/" + regex.pattern + "/" + regex.flags, join: join)]
        case .list(let items, _):
            var result: [Piece] = []
            for (index, item) in items.enumerated() {
                if index > 0 { result.append(Piece(text: ",", join: .none)) }
                result += pieces(of: item, join: index == 0 ? join : .spaceOrLineBreak)
            }
            return result
        case .condition(let condition):
            return pieces(of: condition, join: join, outsideParentheses: true)
        }
    }

    /// A long condition breaks only after an `and` or `or` outside parentheses, so what is
    /// grouped stays on one line.
    private func pieces(of condition: Condition, join: Piece.Join, outsideParentheses: Bool) -> [Piece] {
        switch condition {
        case .or(let operands, _):
            return pieces(of: operands, joinedBy: "or", join: join, outsideParentheses: outsideParentheses)
        case .and(let operands, _):
            return pieces(of: operands, joinedBy: "and", join: join, outsideParentheses: outsideParentheses)
        case .not(let operand, _):
            return [Piece(text: "not", join: join)]
                + pieces(of: operand, join: .space, outsideParentheses: outsideParentheses)
        case .group(let inner, _):
            return [Piece(text: "(", join: join)] + pieces(of: inner, join: .none, outsideParentheses: false)
                + [Piece(text: ")", join: .none)]
        case .test(let test):
            var result: [Piece] = []
            if let quantifier = test.quantifier { result.append(Piece(text: quantifier.text, join: join)) }
            result.append(Piece(text: test.subject.text, join: result.isEmpty ? join : .space))
            if let argument = test.subjectArgument {
                result.append(Piece(text: PolicyFormatter.quoted(argument.value), join: .space))
            }
            result.append(Piece(text: test.predicate.text, join: .space))
            if test.negated { result.append(Piece(text: "not", join: .space)) }
            if let value = test.value { result += pieces(of: value, join: .space) }
            return result
        }
    }

    private func pieces(
        of operands: [Condition], joinedBy word: String, join: Piece.Join, outsideParentheses: Bool
    ) -> [Piece] {
        var result: [Piece] = []
        for (index, operand) in operands.enumerated() {
            if index > 0 { result.append(Piece(text: word, join: .space)) }
            let operandJoin: Piece.Join = index == 0 ? join : outsideParentheses ? .spaceOrLineBreak : .space
            result += pieces(of: operand, join: operandJoin, outsideParentheses: outsideParentheses)
        }
        return result
    }
}
