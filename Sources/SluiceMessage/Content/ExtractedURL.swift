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
        let separator = ASCII.isASCII(rest) ? ASCII.range(of: "://", in: rest) : rest.range(of: "://")
        if let range = separator, Self.isScheme(rest[..<range.lowerBound]) {
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
            if after.hasPrefix(":") { port = Self.port(after.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            hostText = authority[..<colon]
            port = Self.port(authority[authority.index(after: colon)...])
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

    /// RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`. A `://` further on in a
    /// scheme-less link (`www.a.example/?u=http://b.example/`) is in its query, not after a scheme.
    private static func isScheme(_ text: Substring) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        guard let first = text.utf8.first, isLetter(first) else { return false }
        return text.utf8.allSatisfy {
            isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
    }

    /// RFC 3986 §3.2.3: a port is digits only (`Int` alone would take `-1` and `+80`).
    private static func port(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int(text)
    }
}
