import SluiceDiagnostics

// The normative grammar is grammar/sluice.ebnf; its syntax layer, repeated here, has one parse
// function per production:
//
//   policy        = { separator } , { statement , { separator } } ;          parsePolicy
//   statement     = keyword , { argument } , [ block ] ;                      parseStatement
//   argument      = word | string | regex | list | condition clause ;         parseArgument
//   list          = value , "," , value , { "," , value } ;                   parseArgument
//   block         = "{" , { separator } , { statement , { separator } } , "}" ;  parseBlock
//   condition     = or condition ;                                            parseCondition
//   or condition  = and condition , { "or" , and condition } ;                parseOr
//   and condition = not condition , { "and" , not condition } ;               parseAnd
//   not condition = "not" , not condition | primary ;                         parseNot
//   primary       = "(" , condition , ")" | test ;                            parsePrimary
//   test          = [ "any" | "all" ] , subject , predicate ;                 parseTest
//
// Recovery: an error abandons the statement it is in and reading resumes at the next line (or
// `;`, or the `}` that closes the block), so one run reports every independent error. Errors
// are capped, nesting is bounded, and every loop consumes a token, so no input can make the
// parser loop or overflow its stack.

/// Reads a policy file into its syntax tree, with every syntax error found.
public struct Parser {
    public static let maxErrors = 50
    public static let maxDepth = 64

    private var tokens: [Token]
    private var index = 0
    private let source: SourceFile
    public private(set) var diagnostics: [Diagnostic]
    private var errorCount = 0
    private var depth = 0

    private struct Abandon: Error {}

    public init(source: SourceFile) {
        self.source = source
        var lexer = Lexer(source: source)
        tokens = lexer.tokenize()
        diagnostics = lexer.diagnostics
        errorCount = diagnostics.filter { $0.severity == .error }.count
    }

    /// Parses `text` as the file at `path`.
    public static func parse(_ text: String, path: String) -> (PolicyFile, [Diagnostic]) {
        var parser = Parser(source: SourceFile(path: path, text: text))
        let file = parser.parsePolicy()
        return (file, parser.diagnostics)
    }

    public mutating func parsePolicy() -> PolicyFile {
        let (statements, trailing) = parseStatements(insideBlock: false)
        return PolicyFile(source: source, statements: statements, trailingComments: trailing)
    }

    // MARK: - Statements

    private var current: Token { tokens[index] }
    private var tooManyErrors: Bool { errorCount >= Self.maxErrors }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    /// Consumes line breaks, `;` and comments; returns the comments and whether a blank line
    /// stood right before the next token.
    private mutating func trivia() -> (comments: [Comment], blankLine: Bool) {
        var comments: [Comment] = []
        var newlines = 0
        var blankLine = false
        while true {
            switch current.kind {
            case .newline:
                newlines += 1
                if newlines >= 2 { blankLine = true }
                advance()
            case .semicolon:
                advance()
            case .comment:
                comments.append(Comment(text: String(current.text.dropFirst()), range: current.range, blankLineBefore: blankLine))
                blankLine = false
                newlines = 0
                advance()
            default:
                return (comments, blankLine)
            }
        }
    }

    private mutating func parseStatements(insideBlock: Bool) -> ([Statement], [Comment]) {
        var statements: [Statement] = []
        while true {
            let (comments, blankLine) = trivia()
            if tooManyErrors {
                while current.kind != .end { advance() }
            }
            switch current.kind {
            case .end:
                return (statements, comments)
            case .rightBrace:
                if insideBlock { return (statements, comments) }
                report("syntax.unmatched-brace", "`}` has no matching `{`", current.range, help: "remove it, or add the `{` it closes")
                advance()
            case .word:
                let blank = blankLine || (comments.first?.blankLineBefore ?? false)
                if let statement = parseStatement(leadingComments: comments, blankLine: blank && !statements.isEmpty) {
                    statements.append(statement)
                } else {
                    skipRestOfStatement()
                }
            default:
                report("syntax.expected-statement", "expected a statement, found \(current.describe)", current.range,
                       help: "a statement starts with a keyword such as `allow`, `block`, `rule` or `anti-spam`")
                skipRestOfStatement()
            }
        }
    }

    /// Skips to the end of the line (or `;`, or the `}` of the enclosing block), stepping over
    /// any nested braces so a broken block header does not leak its body as statements.
    private mutating func skipRestOfStatement() {
        var braces = 0
        while current.kind != .end {
            switch current.kind {
            case .newline, .semicolon:
                if braces == 0 { return }
            case .rightBrace:
                if braces == 0 { return }
                braces -= 1
            case .leftBrace: braces += 1
            default: break
            }
            advance()
        }
    }

    private mutating func parseStatement(leadingComments: [Comment], blankLine: Bool) -> Statement? {
        let keyword = Word(text: String(current.text), range: current.range)
        advance()
        var arguments: [SyntaxArgument] = []
        var block: Block? = nil
        do {
            if keyword.text == "when" {
                arguments.append(.condition(try parseCondition()))
            }
            argumentLoop: while true {
                switch current.kind {
                case .newline, .semicolon, .end, .rightBrace, .comment:
                    break argumentLoop
                case .leftBrace:
                    block = try parseBlock()
                    break argumentLoop
                case .word, .string, .regex:
                    arguments.append(try parseArgument())
                case .comma:
                    throw fail("syntax.unexpected-comma", "`,` must stand between two values", current.range)
                case .leftParen, .rightParen:
                    throw fail("syntax.unexpected-parenthesis", "parentheses only group the conditions after `when`",
                               current.range)
                }
            }
        } catch {
            return nil
        }
        var trailing: Comment? = nil
        if current.kind == .comment {
            trailing = Comment(text: String(current.text.dropFirst()), range: current.range, blankLineBefore: false)
            advance()
        }
        let end = block?.range.upperBound ?? arguments.last?.range.upperBound ?? keyword.range.upperBound
        return Statement(
            keyword: keyword, arguments: arguments, block: block, range: keyword.range.lowerBound..<end,
            leadingComments: leadingComments, trailingComment: trailing, blankLineBefore: blankLine)
    }

    private mutating func parseBlock() throws(Abandon) -> Block {
        let open = current.range
        guard depth < Self.maxDepth else {
            throw fail("syntax.too-deep", "blocks are nested more than \(Self.maxDepth) deep", open)
        }
        depth += 1
        defer { depth -= 1 }
        advance()
        let (statements, closing) = parseStatements(insideBlock: true)
        guard current.kind == .rightBrace else {
            report("syntax.unclosed-block", "block is not closed", open,
                   help: "add `}` after its last statement")
            return Block(statements: statements, closingComments: closing, range: open.lowerBound..<current.range.lowerBound)
        }
        let close = current.range
        advance()
        return Block(statements: statements, closingComments: closing, range: open.lowerBound..<close.upperBound)
    }

    // MARK: - Arguments

    private mutating func parseValue() throws(Abandon) -> SyntaxArgument {
        let token = current
        switch token.kind {
        case .word:
            advance()
            return .word(Word(text: String(token.text), range: token.range))
        case .string:
            advance()
            return .string(StringLiteral(value: token.value ?? "", range: token.range))
        case .regex:
            advance()
            return .regex(RegexLiteral(pattern: token.value ?? "", flags: token.flags ?? "", range: token.range))
        default:
            throw fail("syntax.expected-value", "expected a value, found \(token.describe)", token.range)
        }
    }

    private mutating func parseArgument() throws(Abandon) -> SyntaxArgument {
        let first = try parseValue()
        guard current.kind == .comma else { return first }
        var items = [first]
        while current.kind == .comma {
            advance()
            while current.kind == .newline { advance() }
            if current.kind == .comment {
                throw fail("syntax.comment-in-list", "a comment cannot stand inside a list", current.range,
                           help: "put the comment on its own line above the statement")
            }
            items.append(try parseValue())
        }
        return .list(items, range: first.range.lowerBound..<items.last!.range.upperBound)
    }

    // MARK: - Conditions

    private static let predicates: Set<String> = ["matches", "like", "is", "in", "contains", "exists", "<", "<=", ">", ">="]

    private mutating func parseCondition() throws(Abandon) -> Condition {
        try parseOr()
    }

    private mutating func skipLineBreaks() {
        while current.kind == .newline { advance() }
    }

    private mutating func parseOr() throws(Abandon) -> Condition {
        try parseChain(joinedBy: "or", operand: { parser throws(Abandon) in try parser.parseAnd() }, make: Condition.or)
    }

    private mutating func parseAnd() throws(Abandon) -> Condition {
        try parseChain(joinedBy: "and", operand: { parser throws(Abandon) in try parser.parseNot() }, make: Condition.and)
    }

    /// `operand { word operand }`: one operand stands for itself, several make a node.
    private mutating func parseChain(
        joinedBy word: String, operand: (inout Parser) throws(Abandon) -> Condition,
        make: ([Condition], Range<Int>) -> Condition
    ) throws(Abandon) -> Condition {
        var items = [try operand(&self)]
        while current.kind == .word && current.text == word {
            advance()
            skipLineBreaks()
            items.append(try operand(&self))
        }
        return items.count == 1 ? items[0] : make(items, items[0].range.lowerBound..<items.last!.range.upperBound)
    }

    private mutating func parseNot() throws(Abandon) -> Condition {
        guard current.kind == .word && current.text == "not" else { return try parsePrimary() }
        let start = current.range.lowerBound
        advance()
        skipLineBreaks()
        let inner = try parseNot()
        return .not(inner, range: start..<inner.range.upperBound)
    }

    private mutating func parsePrimary() throws(Abandon) -> Condition {
        guard current.kind == .leftParen else { return try parseTest() }
        let open = current.range
        guard depth < Self.maxDepth else {
            throw fail("syntax.too-deep", "conditions are nested more than \(Self.maxDepth) deep", open)
        }
        depth += 1
        defer { depth -= 1 }
        advance()
        skipLineBreaks()
        let inner = try parseOr()
        skipLineBreaks()
        guard current.kind == .rightParen else {
            throw fail("syntax.unclosed-parenthesis", "`(` is not closed", open,
                       notes: ["found \(current.describe) where `)` was expected"])
        }
        let close = current.range
        advance()
        return .group(inner, range: open.lowerBound..<close.upperBound)
    }

    private mutating func parseTest() throws(Abandon) -> Condition {
        guard current.kind == .word else {
            throw fail("syntax.expected-condition", "expected a condition, found \(current.describe)", current.range,
                       help: "a condition reads like `subject matches /invoice/i` or `spf is fail`")
        }
        let start = current.range.lowerBound
        var quantifier: Word? = nil
        if current.text == "any" || current.text == "all" {
            let next = tokens[min(index + 1, tokens.count - 1)]
            if next.kind == .word && !Self.predicates.contains(String(next.text)) {
                quantifier = Word(text: String(current.text), range: current.range)
                advance()
            }
        }
        let subject = Word(text: String(current.text), range: current.range)
        advance()
        var subjectArgument: StringLiteral? = nil
        if current.kind == .string {
            subjectArgument = StringLiteral(value: current.value ?? "", range: current.range)
            advance()
        }
        guard current.kind == .word, Self.predicates.contains(String(current.text)) else {
            throw fail("syntax.expected-predicate", "expected a test after `\(subject.text)`, found \(current.describe)",
                       current.range,
                       help: "use `matches`, `like`, `is`, `is not`, `in`, `contains`, `exists`, or `<`, `<=`, `>`, `>=`")
        }
        let predicate = Word(text: String(current.text), range: current.range)
        advance()
        var negated = false
        if predicate.text == "is" && current.kind == .word && current.text == "not" {
            negated = true
            advance()
        }
        var value: SyntaxArgument? = nil
        if predicate.text != "exists" {
            value = try parseArgument()
        }
        let end = value?.range.upperBound ?? predicate.range.upperBound
        return .test(Test(
            quantifier: quantifier, subject: subject, subjectArgument: subjectArgument, predicate: predicate,
            negated: negated, value: value, range: start..<end))
    }

    // MARK: - Diagnostics

    private mutating func report(_ code: DiagnosticCode, _ message: String, _ range: Range<Int>,
                                 notes: [String] = [], help: String? = nil) {
        errorCount += 1
        if errorCount == Self.maxErrors {
            diagnostics.append(Diagnostic(
                "syntax.too-many-errors", .error, "too many syntax errors; the rest of the file is not read",
                at: .source(source.span(range))))
            return
        }
        guard errorCount < Self.maxErrors else { return }
        diagnostics.append(Diagnostic(code, .error, message, at: .source(source.span(range)), notes: notes, help: help))
    }

    private mutating func fail(_ code: DiagnosticCode, _ message: String, _ range: Range<Int>,
                               notes: [String] = [], help: String? = nil) -> Abandon {
        report(code, message, range, notes: notes, help: help)
        return Abandon()
    }
}
