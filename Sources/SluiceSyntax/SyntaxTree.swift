import SluiceDiagnostics

/// The syntax tree of one policy file (grammar/sluice.ebnf, "syntax"). Nodes keep byte ranges
/// into the file for diagnostics; `dump` gives a canonical text without ranges, which is what
/// tests compare ("same tree"), so ranges stay out of equality.
public struct PolicyFile: Sendable {
    public var source: SourceFile
    public var statements: [Statement]
    /// Comments after the last statement.
    public var trailingComments: [Comment]
}

public struct Comment: Sendable, Hashable {
    /// The text after `#`, as written.
    public var text: String
    public var range: Range<Int>
    /// Whether a blank line stood before it (kept by the formatter).
    public var blankLineBefore: Bool
}

public struct Statement: Sendable {
    public var keyword: Word
    public var arguments: [SyntaxArgument]
    public var block: Block?
    public var range: Range<Int>
    public var leadingComments: [Comment]
    /// A comment on the same line, after the statement.
    public var trailingComment: Comment?
    /// Whether a blank line stood before the statement (or its leading comments).
    public var blankLineBefore: Bool
}

public struct Block: Sendable {
    public var statements: [Statement]
    /// Comments after the last statement, before `}`.
    public var closingComments: [Comment]
    public var range: Range<Int>
}

public struct Word: Sendable, Hashable {
    public var text: String
    public var range: Range<Int>
}

public enum SyntaxArgument: Sendable {
    case word(Word)
    case string(StringLiteral)
    case regex(RegexLiteral)
    case list([SyntaxArgument], range: Range<Int>)
    case condition(Condition)

    public var range: Range<Int> {
        switch self {
        case .word(let word): word.range
        case .string(let string): string.range
        case .regex(let regex): regex.range
        case .list(_, let range): range
        case .condition(let condition): condition.range
        }
    }
}

public struct StringLiteral: Sendable, Hashable {
    public var value: String
    public var range: Range<Int>
}

public struct RegexLiteral: Sendable, Hashable {
    public var pattern: String
    public var flags: String
    public var range: Range<Int>
    /// Byte offset of the pattern's first byte in the file, to point inside it.
    public var patternStart: Int { range.lowerBound + 1 }
}

public indirect enum Condition: Sendable {
    case or([Condition], range: Range<Int>)
    case and([Condition], range: Range<Int>)
    case not(Condition, range: Range<Int>)
    case group(Condition, range: Range<Int>)
    case test(Test)

    public var range: Range<Int> {
        switch self {
        case .or(_, let range), .and(_, let range), .not(_, let range), .group(_, let range): range
        case .test(let test): test.range
        }
    }
}

/// `[any|all] subject [argument] predicate`, e.g. `any attachment.name matches /\.html?$/i`.
public struct Test: Sendable {
    public var quantifier: Word?
    public var subject: Word
    /// The argument some subjects take: `header "X-Mailer"`.
    public var subjectArgument: StringLiteral?
    /// `matches`, `like`, `is`, `is not`, `in`, `contains`, `exists`, `<`, `<=`, `>`, `>=`.
    public var predicate: Word
    public var negated: Bool
    public var value: SyntaxArgument?
    public var range: Range<Int>
}
