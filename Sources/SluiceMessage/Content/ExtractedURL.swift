/// A URL found in a message body: what a Safe Links style check or a tenant URL entry matches on.
public struct ExtractedURL: Sendable, Hashable, Codable {
    /// The URL as found, HTML entities decoded.
    public var url: String
    /// Lower-case scheme; `http` for scheme-less `www.` links.
    public var scheme: String
    /// Lower-case host without userinfo, port or trailing dot (the part after `@` in
    /// `http://bank.example@evil.example/`, which is where the link really goes).
    public var host: String
    public var port: Int?
    /// Path, starting with `/` (empty when the URL has none).
    public var path: String
    public var query: String?
    /// Where it was found: the MIME paths of the parts.
    public var parts: [String]

    /// Parses `scheme://[userinfo@]host[:port][/path][?query][#fragment]`, or a scheme-less
    /// `www.` link; nil when there is no host.
    public init?(_ text: String, part: String) {
        var rest = Substring(text)
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        } else if rest.hasPrefix("//") {
            scheme = "https"
            rest = rest.dropFirst(2)
        } else {
            scheme = "http"
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var remainder = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        var hostText = authority
        port = nil
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            hostText = authority[...close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            hostText = authority[..<colon]
            port = Int(authority[authority.index(after: colon)...])
        }
        var host = hostText.lowercased()
        while host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { return nil }
        self.host = host
        if let hash = remainder.firstIndex(of: "#") { remainder = remainder[..<hash] }
        if let question = remainder.firstIndex(of: "?") {
            query = String(remainder[remainder.index(after: question)...])
            path = String(remainder[..<question])
        } else {
            query = nil
            path = String(remainder)
        }
        url = text
        parts = [part]
    }
}
