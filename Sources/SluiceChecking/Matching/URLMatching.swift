import SluiceMessage

/// URL entry matching, row by row from the reference's §1.6 table. Block and allow entries
/// differ: a plain block entry covers subdomains, paths and the name inside other URLs' paths;
/// a plain allow entry covers only the URL written ("subpaths are not implied").
extension URLPattern {
    public func matches(_ url: ExtractedURL, as action: ListEntry.Action) -> Bool {
        let host = url.host.hasPrefix("[") ? String(url.host.dropFirst().dropLast()) : url.host
        let hostIsApex = host == self.host
        let hostIsSubdomain = host != self.host && DomainName.host(host, isWithin: self.host)
        let path = url.path == "/" ? "" : url.path
        switch hostForm {
        case .domainAndSubdomains:
            return (hostIsApex || hostIsSubdomain) && path.isEmpty
        case .anywhere:
            if (hostIsApex || hostIsSubdomain) { return true }
            return Self.appears(self.host, in: path, after: [UInt8(ascii: "/")])
        case .subdomains:
            guard hostIsSubdomain else { return false }
            return matchesPath(path, query: url.query, action: action, emptyWhenNoPath: true)
        case .exact:
            if self.path != nil {
                guard hostIsApex else { return false }
                return matchesPath(path, query: url.query, action: action, emptyWhenNoPath: false)
            }
            if isIPAddress || action == .allow { return hostIsApex && path.isEmpty }
            if hostIsApex || hostIsSubdomain { return true }
            let tail = path + (url.query.map { "?" + $0 } ?? "")
            return Self.appears(self.host, in: tail, after: [UInt8(ascii: "/"), UInt8(ascii: "=")])
        }
    }

    private func matchesPath(_ path: String, query: String?, action: ListEntry.Action, emptyWhenNoPath: Bool) -> Bool {
        guard let entryPath = self.path else { return emptyWhenNoPath ? path.isEmpty : true }
        let prefix = "/" + entryPath
        if pathWildcard {
            // `/a/*` covers what lies below `/a/`, and `/a/?q=…`, never `/a` itself.
            return path.hasPrefix(prefix) && (path.count > prefix.count || (query != nil && prefix.hasSuffix("/")))
                && !(prefix == "/" && path.isEmpty)
        }
        if action == .allow { return path == prefix }
        return path == prefix || path.hasPrefix(prefix + "/")
    }

    /// Whether `name` stands in `text` right after one of `boundaries` and ends at a
    /// non-name character, so `contoso.com` is found in `/contoso.com/x` but not `/abc-contoso.com`.
    /// `boundaries`: ASCII characters.
    static func appears(_ name: String, in text: String, after boundaries: [UInt8]) -> Bool {
        // `name` is a validated, lower-case ASCII host: in ASCII text it is found byte by byte,
        // without a lower-cased copy of the text or a Unicode-aware search.
        if let found = text.utf8.withContiguousStorageIfAvailable({ bytes in
            bytes.allSatisfy({ $0 < 0x80 })
                ? name.utf8.withContiguousStorageIfAvailable { appearsInASCII($0, in: bytes, after: boundaries) } : nil
        }) ?? nil {
            return found
        }
        let lowered = text.lowercased()
        var searchStart = lowered.startIndex
        while let range = lowered.range(of: name, range: searchStart..<lowered.endIndex) {
            let before = range.lowerBound > lowered.startIndex ? lowered[lowered.index(before: range.lowerBound)] : nil
            let after = range.upperBound < lowered.endIndex ? lowered[range.upperBound] : nil
            if let before, boundaries.contains(where: { before == Character(Unicode.Scalar($0)) }), after.map({ !($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) ?? true {
                return true
            }
            searchStart = lowered.index(after: range.lowerBound)
        }
        return false
    }

    /// `appears` for ASCII text: each byte is a character (a CR LF pair is one, but no name
    /// holds either byte, and neither is a boundary or a name character).
    private static func appearsInASCII(_ name: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>, after boundaries: [UInt8]) -> Bool {
        guard !name.isEmpty, text.count > name.count else { return false }
        func lowered(_ byte: UInt8) -> UInt8 { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte }
        for start in 1...(text.count - name.count) where boundaries.contains(text[start - 1]) {
            guard (0..<name.count).allSatisfy({ lowered(text[start + $0]) == name[$0] }) else { continue }
            let end = start + name.count
            guard end < text.count else { return true }
            switch lowered(text[end]) {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): continue
            default: return true
            }
        }
        return false
    }
}
