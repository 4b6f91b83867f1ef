/// Bounds on what the reader accepts from one message. Going past a bound is reported as a
/// diagnostic and reading goes on as far as it safely can; nothing past a bound is silently kept.
public struct ReadLimits: Sendable, Hashable, Codable {
    /// Bytes read from a message; the rest is not inspected (Exchange Online's largest default is 36 MB).
    public var maxMessageBytes: Int
    /// Header fields kept per header block; later fields are counted but not kept.
    public var maxHeaderFields: Int
    /// Bytes kept of one header field (folded lines included); the rest is cut.
    public var maxHeaderFieldBytes: Int
    /// RFC 5322 §2.1.1: lines must be at most 998 characters; longer ones are reported, not cut.
    public var maxLineLength: Int
    /// Nesting of multipart and message/rfc822 parts; deeper parts are kept as opaque leaves.
    public var maxMIMEDepth: Int
    /// MIME parts in the whole message; later parts are not read.
    public var maxParts: Int
    /// Decoded bytes of one text part that are turned into text and searched for URLs.
    public var maxTextBytes: Int
    /// URLs kept per message.
    public var maxURLs: Int

    public init(
        maxMessageBytes: Int = 36 * 1024 * 1024,
        maxHeaderFields: Int = 1_000,
        maxHeaderFieldBytes: Int = 64 * 1024,
        maxLineLength: Int = 998,
        maxMIMEDepth: Int = 32,
        maxParts: Int = 1_000,
        maxTextBytes: Int = 4 * 1024 * 1024,
        maxURLs: Int = 1_000
    ) {
        self.maxMessageBytes = maxMessageBytes
        self.maxHeaderFields = maxHeaderFields
        self.maxHeaderFieldBytes = maxHeaderFieldBytes
        self.maxLineLength = maxLineLength
        self.maxMIMEDepth = maxMIMEDepth
        self.maxParts = maxParts
        self.maxTextBytes = maxTextBytes
        self.maxURLs = maxURLs
    }

    public static let standard = ReadLimits()
}
