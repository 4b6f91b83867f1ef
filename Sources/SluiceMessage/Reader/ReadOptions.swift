/// How deep the reader goes. A policy about senders and subjects needs only the headers; one
/// about attachments needs the MIME tree and decoded content. Reading less is faster.
public struct ReadFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The MIME tree: part headers, types, file names, byte ranges.
    public static let structure = ReadFeatures(rawValue: 1 << 0)
    /// Decoded leaf content: sizes, detected file types, text, and the SHA-256 of attachments.
    public static let decodedContent: ReadFeatures = [.structure, ReadFeatures(rawValue: 1 << 1)]
    /// The SHA-256 of leaves that are not attachments too (the body text and its alternatives):
    /// `inspect` shows it, but no policy looks at it.
    public static let bodyHashes: ReadFeatures = [.decodedContent, ReadFeatures(rawValue: 1 << 2)]
    /// The URLs in the decoded text.
    public static let urls: ReadFeatures = [.decodedContent, ReadFeatures(rawValue: 1 << 3)]
    /// Everything about leaf content: decoded content, every leaf's SHA-256, URLs.
    public static let content: ReadFeatures = [.bodyHashes, .urls]

    public static let headersOnly: ReadFeatures = []
    public static let all: ReadFeatures = .content
}

public struct ReadOptions: Sendable, Hashable {
    public var limits: ReadLimits
    public var features: ReadFeatures
    /// Authentication-Results authserv-ids whose results are believed (lower case). Results from
    /// any other id are kept but marked untrusted: anyone can write such a header.
    public var trustedAuthservIDs: Set<String>

    public init(
        limits: ReadLimits = .standard, features: ReadFeatures = .all, trustedAuthservIDs: Set<String> = []
    ) {
        self.limits = limits
        self.features = features
        self.trustedAuthservIDs = Set(trustedAuthservIDs.map { $0.lowercased() })
    }
}
