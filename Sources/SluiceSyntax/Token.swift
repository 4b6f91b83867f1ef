/// A lexical token of a policy file. `range` is in bytes of the file.
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case word
        case string
        case regex
        case comment
        case leftBrace, rightBrace, leftParen, rightParen, comma, semicolon
        case newline
        case end
    }

    public var kind: Kind
    /// The text as written (for a string, with its quotes; for a comment, with its `#`).
    public var text: Substring
    public var range: Range<Int>
    /// For strings: the value with escapes resolved. For regexes: the pattern between the slashes.
    public var value: String?
    /// For regexes: the flags after the closing slash.
    public var flags: String?

    public var describe: String {
        switch kind {
        case .word: "`\(text)`"
        case .string: "string \(text)"
        case .regex: "regex \(text)"
        case .comment: "comment"
        case .leftBrace: "`{`"
        case .rightBrace: "`}`"
        case .leftParen: "`(`"
        case .rightParen: "`)`"
        case .comma: "`,`"
        case .semicolon: "`;`"
        case .newline: "end of line"
        case .end: "end of file"
        }
    }
}
