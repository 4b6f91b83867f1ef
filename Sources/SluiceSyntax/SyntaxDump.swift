extension PolicyFile {
    /// The tree as indented text, one node a line, without byte ranges or blank lines: two
    /// parses that found the same statements, arguments, conditions and comments dump the same.
    /// Strings and comment texts are shown as Swift literals, so escapes and spaces are visible.
    ///
    /// ```
    /// policy
    ///   statement rule
    ///     string "lure"
    ///     block
    ///       statement when
    ///         condition
    ///           and
    ///             test subject:subject predicate:matches
    ///               regex /invoice/i
    ///             test quantifier:any subject:header argument:"X-Mailer" predicate:is negated
    ///               word sender
    ///       closing-comment " end"
    /// ```
    public func dump() -> String {
        var lines = ["policy"]
        SyntaxDump.statements(statements, closingComments: trailingComments, depth: 1, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }
}

private enum SyntaxDump {
    static func statements(_ statements: [Statement], closingComments: [Comment], depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        for statement in statements {
            lines.append(indent + "statement " + statement.keyword.text)
            for comment in statement.leadingComments {
                lines.append(indent + "  comment " + comment.text.debugDescription)
            }
            for argument in statement.arguments { self.argument(argument, depth: depth + 1, into: &lines) }
            if let block = statement.block {
                lines.append(indent + "  block")
                self.statements(block.statements, closingComments: block.closingComments, depth: depth + 2, into: &lines)
            }
            if let comment = statement.trailingComment {
                lines.append(indent + "  trailing-comment " + comment.text.debugDescription)
            }
        }
        for comment in closingComments {
            lines.append(indent + "closing-comment " + comment.text.debugDescription)
        }
    }

    static func argument(_ argument: SyntaxArgument, depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        switch argument {
        case .word(let word):
            lines.append(indent + "word " + word.text)
        case .string(let string):
            lines.append(indent + "string " + string.value.debugDescription)
        case .regex(let regex):
            lines.append(indent + "regex /" + regex.pattern + "/" + regex.flags)
        case .list(let items, _):
            lines.append(indent + "list")
            for item in items { self.argument(item, depth: depth + 1, into: &lines) }
        case .condition(let condition):
            lines.append(indent + "condition")
            self.condition(condition, depth: depth + 1, into: &lines)
        }
    }

    static func condition(_ condition: Condition, depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        switch condition {
        case .or(let operands, _):
            lines.append(indent + "or")
            for operand in operands { self.condition(operand, depth: depth + 1, into: &lines) }
        case .and(let operands, _):
            lines.append(indent + "and")
            for operand in operands { self.condition(operand, depth: depth + 1, into: &lines) }
        case .not(let operand, _):
            lines.append(indent + "not")
            self.condition(operand, depth: depth + 1, into: &lines)
        case .group(let inner, _):
            lines.append(indent + "group")
            self.condition(inner, depth: depth + 1, into: &lines)
        case .test(let test):
            var line = indent + "test"
            if let quantifier = test.quantifier { line += " quantifier:" + quantifier.text }
            line += " subject:" + test.subject.text
            if let argument = test.subjectArgument { line += " argument:" + argument.value.debugDescription }
            line += " predicate:" + test.predicate.text
            if test.negated { line += " negated" }
            lines.append(line)
            if let value = test.value { self.argument(value, depth: depth + 1, into: &lines) }
        }
    }
}
