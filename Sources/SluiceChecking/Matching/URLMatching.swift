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
            return Self.appears(self.host, in: path, after: ["/"])
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
            return Self.appears(self.host, in: tail, after: ["/", "="])
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
    static func appears(_ name: String, in text: String, after boundaries: [Character]) -> Bool {
        let lowered = text.lowercased()
        var searchStart = lowered.startIndex
        while let range = lowered.range(of: name, range: searchStart..<lowered.endIndex) {
            let before = range.lowerBound > lowered.startIndex ? lowered[lowered.index(before: range.lowerBound)] : nil
            let after = range.upperBound < lowered.endIndex ? lowered[range.upperBound] : nil
            if let before, boundaries.contains(before), after.map({ !($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) ?? true {
                return true
            }
            searchStart = lowered.index(after: range.lowerBound)
        }
        return false
    }
}
