/// One problem report, shared by every stage of Sluice: the policy language (parse, check, lint),
/// the message reader and the engine. Tests match on `code`, people read `message` and `help`.
///
/// Conventions: `message` is lower case, has no final period, and puts user input in backticks;
/// advice goes in `help`, never in `message`.
public struct Diagnostic: Sendable, Hashable, Codable {
    public var code: DiagnosticCode
    public var severity: Severity
    public var message: String
    public var location: Location?
    /// Secondary places that explain the primary one ("first defined here").
    public var labels: [Label]
    public var notes: [String]
    public var help: String?
    /// Edits that would resolve the problem, for editors and `--fix`.
    public var fixes: [FixIt]

    public init(
        _ code: DiagnosticCode,
        _ severity: Severity,
        _ message: String,
        at location: Location? = nil,
        labels: [Label] = [],
        notes: [String] = [],
        help: String? = nil,
        fixes: [FixIt] = []
    ) {
        self.code = code
        self.severity = severity
        self.message = message
        self.location = location
        self.labels = labels
        self.notes = notes
        self.help = help
        self.fixes = fixes
    }
}

/// A secondary span with a short message of its own.
public struct Label: Sendable, Hashable, Codable {
    public var span: SourceSpan
    public var message: String

    public init(_ span: SourceSpan, _ message: String) {
        self.span = span
        self.message = message
    }
}

/// One suggested edit: replace the bytes of `span` with `replacement` (an empty replacement
/// deletes, an empty span inserts).
public struct FixIt: Sendable, Hashable, Codable {
    public var message: String
    public var span: SourceSpan
    public var replacement: String

    public init(_ message: String, replacing span: SourceSpan, with replacement: String) {
        self.message = message
        self.span = span
        self.replacement = replacement
    }
}

/// A stable, documented identifier such as `mime.unterminated-multipart`. Codes never change meaning
/// once released; new problems get new codes.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Something was lost or could not be read; the result is less than the input.
    case error
    /// Something is odd or broken but was read leniently.
    case warning
    /// Worth knowing; nothing is wrong.
    case info

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// Where a diagnostic points.
public enum Location: Sendable, Hashable, Codable {
    /// A place in an email message: a header, a MIME part, or a byte offset.
    case message(MessageLocation)
    /// A range of a policy file.
    case source(SourceSpan)

    // Encoded as `{"message": {...}}` or `{"source": {...}}`: one key naming the kind of place.
    private enum CodingKeys: String, CodingKey { case message, source }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let span = try container.decodeIfPresent(SourceSpan.self, forKey: .source) {
            self = .source(span)
        } else {
            self = .message(try container.decode(MessageLocation.self, forKey: .message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .message(let location): try container.encode(location, forKey: .message)
        case .source(let span): try container.encode(span, forKey: .source)
        }
    }
}

/// A place in a message. `part` is the MIME path as in IMAP (`1.2` is the second child of the first
/// part; the empty string is the whole message).
public struct MessageLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var part: String
    public var header: String?
    public var byteOffset: Int?

    public init(part: String = "", header: String? = nil, byteOffset: Int? = nil) {
        self.part = part
        self.header = header
        self.byteOffset = byteOffset
    }

    public var description: String {
        var pieces: [String] = []
        pieces.append(part.isEmpty ? "message" : "part \(part)")
        if let header { pieces.append("header `\(header)`") }
        if let byteOffset { pieces.append("byte \(byteOffset)") }
        return pieces.joined(separator: ", ")
    }
}
