#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        // In ASCII text every byte is a whole character (a CR LF pair holds no delimiter), so
        // its bytes can be searched instead of its grapheme clusters, which is several times
        // faster and finds the same places.
        let isASCII = ASCII.withBytes(of: text, ASCII.isASCII)
        guard let found = isASCII ? ASCII.withBytes(of: text, Self.parse(ascii:)) : Self.parse(characters: text) else {
            return nil
        }
        (scheme, host, port, path, query) = found
        url = text
        // Room for a second part: most links are in both the text and the HTML alternative.
        parts = []
        parts.reserveCapacity(2)
        parts.append(part)
    }

    private typealias Components = (scheme: String, host: String, port: Int?, path: String, query: String?)

    /// `parse(characters:)` on ASCII text, where every byte is a character: the same split, made on
    /// the bytes by index, with a String made only for each component kept.
    private static func parse(ascii bytes: UnsafeBufferPointer<UInt8>) -> Components? {
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
        func lowercasedText(_ range: Range<Int>) -> String {
            // Most hosts are written in lower case: then the bytes are taken as they stand.
            guard range.contains(where: { isUpper(bytes[$0]) }) else { return text(range) }
            return ASCII.lowercasedString(UnsafeBufferPointer(rebasing: bytes[range]))
        }
        // The usual schemes as literals, which need no storage or validation.
        func schemeText(_ range: Range<Int>) -> String {
            let scheme = UnsafeBufferPointer(rebasing: bytes[range])
            func isScheme(_ name: StaticString) -> Bool {
                scheme.count == name.utf8CodeUnitCount
                    && scheme.indices.allSatisfy { scheme[$0] | 0x20 == name.utf8Start[$0] }
            }
            if isScheme("https") { return "https" }
            if isScheme("http") { return "http" }
            return lowercasedText(range)
        }
        func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
            range.first { bytes[$0] == byte }
        }
        func lastIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
            range.last { bytes[$0] == byte }
        }

        var start = 0
        let scheme: String
        if let separator = schemeSeparator(bytes), isScheme(UnsafeBufferPointer(rebasing: bytes[..<separator])) {
            scheme = schemeText(0..<separator)
            start = separator + 3
        } else if bytes.count >= 2 && bytes[0] == UInt8(ascii: "/") && bytes[1] == UInt8(ascii: "/") {
            scheme = "https"
            start = 2
        } else {
            scheme = "http"
        }

        // `[userinfo@]host[:port][/path][?query][#fragment]`
        var authorityEnd = start
        while authorityEnd < bytes.count {
            let byte = bytes[authorityEnd]
            if byte == 0x2F || byte == 0x3F || byte == 0x23 || byte == 0x5C { break }  // / ? # \
            authorityEnd += 1
        }
        var authority = start..<authorityEnd
        if let at = lastIndex(of: UInt8(ascii: "@"), in: authority) { authority = (at + 1)..<authority.upperBound }
        var host = authority
        var port: Int? = nil
        if !authority.isEmpty, bytes[authority.lowerBound] == UInt8(ascii: "["),
            let close = firstIndex(of: UInt8(ascii: "]"), in: authority)
        {
            host = authority.lowerBound..<(close + 1)
            if close + 1 < authority.upperBound, bytes[close + 1] == UInt8(ascii: ":") {
                port = Self.port(bytes, (close + 2)..<authority.upperBound)
            }
        } else if let colon = lastIndex(of: UInt8(ascii: ":"), in: authority) {
            host = authority.lowerBound..<colon
            port = Self.port(bytes, (colon + 1)..<authority.upperBound)
        }
        var hostEnd = host.upperBound
        while hostEnd > host.lowerBound && bytes[hostEnd - 1] == UInt8(ascii: ".") { hostEnd -= 1 }
        guard hostEnd > host.lowerBound else { return nil }

        var remainder = authorityEnd..<bytes.count
        if let hash = firstIndex(of: UInt8(ascii: "#"), in: remainder) { remainder = remainder.lowerBound..<hash }
        let hostText = lowercasedText(host.lowerBound..<hostEnd)
        if let question = firstIndex(of: UInt8(ascii: "?"), in: remainder) {
            return (scheme, hostText, port, text(remainder.lowerBound..<question), text((question + 1)..<remainder.upperBound))
        }
        return (scheme, hostText, port, text(remainder), nil)
    }

    /// `port(_:)` on bytes: digits only, nil when there are none or they overflow an `Int`.
    private static func port(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        var value = 0
        for index in range {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, shiftOverflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, sumOverflow) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !shiftOverflow && !sumOverflow else { return nil }
            value = sum
        }
        return value
    }

    /// Where the first `://` is.
    private static func schemeSeparator(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var colon = ASCII.index(of: UInt8(ascii: ":"), in: bytes, from: 0)
        while colon + 2 < bytes.count {
            if bytes[colon + 1] == UInt8(ascii: "/") && bytes[colon + 2] == UInt8(ascii: "/") { return colon }
            colon = ASCII.index(of: UInt8(ascii: ":"), in: bytes, from: colon + 1)
        }
        return nil
    }

    private static func parse(characters text: String) -> Components? {
        var rest = Substring(text)
        let scheme: String
        if let range = rest.range(of: "://"), Self.isScheme(rest[..<range.lowerBound].utf8) {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        } else if rest.hasPrefix("//") {
            scheme = "https"
            rest = rest.dropFirst(2)
        } else {
            scheme = "http"
        }
        // `[userinfo@]host[:port][/path][?query][#fragment]`, split on characters.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var remainder = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        var hostText = authority
        var port: Int? = nil
        if authority.first == "[", let close = authority.firstIndex(of: "]") {
            hostText = authority[...close]
            let after = authority[authority.index(after: close)...]
            if after.first == ":" { port = Self.port(String(after.dropFirst())) }
        } else if let colon = authority.lastIndex(of: ":") {
            hostText = authority[..<colon]
            port = Self.port(String(authority[authority.index(after: colon)...]))
        }
        var host = ASCII.unicodeLowercased(String(hostText))
        while host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { return nil }
        if let hash = remainder.firstIndex(of: "#") { remainder = remainder[..<hash] }
        if let question = remainder.firstIndex(of: "?") {
            return (scheme, host, port, String(remainder[..<question]), String(remainder[remainder.index(after: question)...]))
        }
        return (scheme, host, port, String(remainder), nil)
    }

    /// RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`. A `://` further on in a
    /// scheme-less link (`www.a.example/?u=http://b.example/`) is in its query, not after a scheme.
    private static func isScheme(_ utf8: some Collection<UInt8>) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        guard let first = utf8.first, isLetter(first) else { return false }
        return utf8.allSatisfy {
            isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
    }

    /// RFC 3986 §3.2.3: a port is digits only (`Int` alone would take `-1` and `+80`).
    private static func port(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { port($0, 0..<$0.count) }
    }
}

/// Gathers the URLs found in a message's text parts: each URL once, with every part it is found
/// in, up to a limit. A value of its own, so adding a part's URLs touches no captured state.
struct URLCollector {
    let limit: Int
    private(set) var urls: [ExtractedURL] = []
    /// The distinct URLs past the limit, which are counted, not listed.
    private(set) var dropped = Set<String>()
    private var byText: [String: Int] = [:]

    /// Whether every URL kept so far is ASCII: then an ASCII candidate equals one only when their
    /// bytes do.
    private var allASCII = true

    init(limit: Int) { self.limit = limit }

    /// Adds one URL found in the part at `path`, given as UTF-8 bytes.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, part path: String) {
        let isLinear = urls.count <= Self.linearSearchLimit
        // Byte-identical text is the same URL whatever it holds: most repeats are found so, with
        // no String made. Other text may still be canonically equivalent unless all is ASCII.
        var index = isLinear ? byteIdenticalIndex(bytes) : nil
        var candidate: String? = nil
        if index == nil && !(isLinear && allASCII && ASCII.isASCII(bytes)) {
            candidate = String(decoding: bytes, as: UTF8.self)
            index = self.index(of: candidate!)
        }
        if let index {
            if !urls[index].parts.contains(path) { urls[index].parts.append(path) }
            return
        }
        let text = candidate ?? String(decoding: bytes, as: UTF8.self)
        guard urls.count < limit else {
            dropped.insert(text)
            return
        }
        guard let url = ExtractedURL(text, part: path) else { return }
        if !byText.isEmpty { byText[text] = urls.count }
        if allASCII && !ASCII.isASCII(bytes) { allASCII = false }
        // Room for the usual handful at once, rather than growing one URL at a time.
        if urls.isEmpty { urls.reserveCapacity(8) }
        urls.append(url)
    }

    private func byteIdenticalIndex(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        // By index, reading only `url`: a closure over the elements would copy every URL.
        for index in urls.indices where urls[index].url.utf8.count == bytes.count {
            // The stored bytes are read in place, without a closure per URL.
            let isIdentical = urls[index].url.utf8.withContiguousStorageIfAvailable { stored in
                // Of equal length, only empty buffers lack a base address.
                guard let storedStart = stored.baseAddress, let start = bytes.baseAddress else { return true }
                return memcmp(storedStart, start, bytes.count) == 0
            } ?? urls[index].url.utf8.elementsEqual(bytes)
            if isIdentical { return index }
        }
        return nil
    }

    /// Most messages link to a handful of URLs, which a linear search finds faster than hashing;
    /// past this many the URLs are indexed by text.
    private static var linearSearchLimit: Int { 16 }

    /// The URL that equals `candidate` as a String (canonical equivalence).
    private mutating func index(of candidate: String) -> Int? {
        guard urls.count > Self.linearSearchLimit else { return urls.firstIndex { $0.url == candidate } }
        if byText.isEmpty {
            for (index, url) in urls.enumerated() { byText[url.url] = index }
        }
        return byText[candidate]
    }
}
