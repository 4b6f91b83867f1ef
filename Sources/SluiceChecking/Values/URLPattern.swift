import SluiceMessage

/// A URL entry in Microsoft's syntax (reference §1.6): `contoso.com`, `*.contoso.com`,
/// `contoso.com/a/*`, `~contoso.com`, `~contoso.com~`, `1.2.3.4/*`, `*.TLD/*`.
public struct URLPattern: Sendable, Codable, Hashable, CustomStringConvertible {
    public enum HostForm: Sendable, Codable, Hashable {
        /// `contoso.com`: the host as written.
        case exact
        /// `*.contoso.com`: subdomains, not the apex.
        case subdomains
        /// `~contoso.com`: the domain and its subdomains, without paths.
        case domainAndSubdomains
        /// `~contoso.com~`: domain, subdomains, any path, and the name inside other URLs' paths.
        case anywhere
    }

    public var hostForm: HostForm
    /// Lower case, without wildcards or tildes; an IP address in its canonical text.
    public var host: String
    public var isIPAddress: Bool
    /// The path after the host's `/`, without a final `*`; nil when the entry has no path.
    public var path: String?
    /// Whether the path ends in `/*` (or is `/*`): anything below it, not the path itself.
    public var pathWildcard: Bool

    public static let maxLength = 250

    public init(hostForm: HostForm, host: String, isIPAddress: Bool, path: String?, pathWildcard: Bool) {
        self.hostForm = hostForm
        self.host = host
        self.isIPAddress = isIPAddress
        self.path = path
        self.pathWildcard = pathWildcard
    }

    public var description: String {
        switch hostForm {
        case .domainAndSubdomains: return "~\(host)"
        case .anywhere: return "~\(host)~"
        case .exact, .subdomains:
            var text = (hostForm == .subdomains ? "*." : "") + host
            if let path { text += "/" + path + (pathWildcard ? "*" : "") }
            return text
        }
    }

    /// Whether the entry starts with a left wildcard or a left tilde, the forms that allow
    /// entries may only use through advanced delivery.
    public var hasLeftWildcard: Bool { hostForm == .subdomains || hostForm == .domainAndSubdomains }

    public static func parse(_ written: String) -> Result<URLPattern, ValueProblem> {
        if written.utf8.count > maxLength {
            return .failure(ValueProblem("a URL entry is at most \(maxLength) characters, this one has \(written.utf8.count)"))
        }
        if let index = written.utf8.firstIndex(where: { $0 >= 0x80 }) {
            let offset = written.utf8.distance(from: written.utf8.startIndex, to: index)
            return .failure(ValueProblem(
                "a URL entry cannot contain raw Unicode", help: "write the host in Punycode (`xn--`) and percent-encode the path",
                range: offset..<offset + 1))
        }
        if let quote = written.utf8.firstIndex(of: UInt8(ascii: "\"")) {
            let offset = written.utf8.distance(from: written.utf8.startIndex, to: quote)
            return .failure(ValueProblem("a URL entry cannot contain quotes", range: offset..<offset + 1))
        }
        var text = Substring(written)
        var offset = 0
        // A scheme stands before the first `/`; a `://` later is part of a redirect's path.
        if let scheme = text.range(of: "://"), !text[..<scheme.lowerBound].contains("/") {
            let name = text[..<scheme.lowerBound].lowercased()
            guard name == "http" || name == "https" else {
                return .failure(ValueProblem("a URL entry covers web addresses only, not `\(name)://`", range: 0..<name.utf8.count))
            }
            offset = text.utf8.distance(from: text.startIndex, to: scheme.upperBound)
            text = text[scheme.upperBound...]
        }
        func fail(_ message: String, help: String? = nil, at index: Substring.Index, length: Int = 1) -> Result<URLPattern, ValueProblem> {
            let position = offset + text.utf8.distance(from: text.startIndex, to: index)
            return .failure(ValueProblem(message, help: help, range: position..<position + length))
        }

        if text.hasPrefix("~") {
            let anywhere = text.count > 1 && text.hasSuffix("~")
            let host = text.dropFirst().dropLast(anywhere ? 1 : 0)
            if let slash = host.firstIndex(of: "/") {
                return fail("a `~` entry names a host, not a path", help: "`~contoso.com~` already covers every path", at: slash)
            }
            if let star = host.firstIndex(of: "*") { return fail("a `~` entry takes no `*`", at: star) }
            return validateHost(String(host), offset: offset + 1).flatMap { host in
                host.isIP
                    ? .failure(ValueProblem("an IP address takes no wildcards or `~`", help: "name the address alone: `\(host.host)`", range: offset..<offset + 1))
                    : .success(URLPattern(hostForm: anywhere ? .anywhere : .domainAndSubdomains, host: host.host, isIPAddress: false, path: nil, pathWildcard: false))
            }
        }

        let slash = text.firstIndex(of: "/")
        var hostPart = text[..<(slash ?? text.endIndex)]
        let pathPart = slash.map { text[text.index(after: $0)...] }
        if let at = hostPart.firstIndex(of: "@") {
            return fail("a URL entry cannot contain a user name or password", help: "remove everything up to and including `@`", at: at)
        }
        var form = HostForm.exact
        if hostPart.hasPrefix("*") {
            if hostPart == "*" { return fail("`*` alone would match every URL", at: hostPart.startIndex) }
            guard hostPart.dropFirst().hasPrefix(".") else {
                return fail("a left wildcard must be followed by a dot",
                            help: "write `*.\(hostPart.dropFirst())` for its subdomains, or `~\(hostPart.dropFirst())` for the domain and its subdomains",
                            at: hostPart.startIndex)
            }
            form = .subdomains
            hostPart = hostPart.dropFirst(2)
            if hostPart.hasPrefix("*") {
                return fail("`*.*` would match every host", help: "name the domain: `*.contoso.com`", at: hostPart.startIndex)
            }
        }
        if let star = hostPart.firstIndex(of: "*") {
            if hostPart.index(after: star) == hostPart.endIndex && !hostPart.hasSuffix(".*") {
                return fail("a right wildcard must follow `/`", help: "write `\(hostPart.dropLast())/*` for every path under the host", at: star)
            }
            return fail("a host takes a wildcard only at its start, as `*.`", at: star)
        }
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]"), hostPart.index(after: close) < hostPart.endIndex {
            let rest = hostPart[hostPart.index(after: close)...]
            if rest.hasPrefix(":") {
                return fail("a URL entry cannot name a port", help: "drop `\(rest)`", at: rest.startIndex, length: rest.utf8.count)
            }
        }
        if !hostPart.hasPrefix("["), let colon = hostPart.firstIndex(of: ":"), IPRange.address(String(hostPart)) == nil {
            return fail("a URL entry cannot name a port", help: "drop `\(hostPart[colon...])`", at: colon, length: hostPart[colon...].utf8.count)
        }
        let hostOffset = offset + text.utf8.distance(from: text.startIndex, to: hostPart.startIndex)
        let host: (host: String, isIP: Bool)
        switch validateHost(String(hostPart), offset: hostOffset, allowTopLevel: form == .subdomains) {
        case .success(let value): host = value
        case .failure(let problem): return .failure(problem)
        }
        if form == .subdomains && host.isIP {
            return .failure(ValueProblem("an IP address takes no wildcards", range: offset..<offset + 1))
        }

        var path: String? = nil
        var pathWildcard = false
        if let pathPart {
            let stars = pathPart.indices.filter { pathPart[$0] == "*" }
            if stars.count > 1 {
                return fail("double wildcards are not allowed", help: "one final `/*` covers every path below", at: stars[1])
            }
            if let star = stars.first {
                if pathPart.index(after: star) != pathPart.endIndex {
                    return fail("wildcards are allowed only at the end of a path, after `/`", at: star)
                }
                if star != pathPart.startIndex && pathPart[pathPart.index(before: star)] != "/" {
                    return fail("a right wildcard must follow `/`",
                                help: "`\(pathPart[..<star])` is not a path segment; write `\(hostPart)/\(pathPart[..<star])/*` for the paths below it",
                                at: star)
                }
                pathWildcard = true
            }
            path = String(pathPart.dropLast(pathWildcard ? 1 : 0))
        }
        if form == .subdomains && !host.host.contains(".") && !pathWildcard {
            return .failure(ValueProblem(
                "`*.\(host.host)` alone is not accepted", help: "a whole top-level domain is written `*.\(host.host)/*`",
                range: offset..<offset + written.utf8.count - offset))
        }
        return .success(URLPattern(hostForm: form, host: host.host, isIPAddress: host.isIP, path: path, pathWildcard: pathWildcard))
    }

    private static func validateHost(_ text: String, offset: Int, allowTopLevel: Bool = false) -> Result<(host: String, isIP: Bool), ValueProblem> {
        if let address = IPRange.address(text) ?? (text.hasPrefix("[") && text.hasSuffix("]") ? IPRange.address(String(text.dropFirst().dropLast())) : nil) {
            return .success((address.description, true))
        }
        if allowTopLevel && !text.contains(".") {
            return DomainName.validateTopLevel(text).map { ($0, false) }
                .mapError { ValueProblem($0.message, help: $0.help, range: $0.range.map { $0.lowerBound + offset..<$0.upperBound + offset }) }
        }
        return DomainName.validate(text, what: "host").map { ($0, false) }
            .mapError { ValueProblem($0.message, help: $0.help, range: $0.range.map { $0.lowerBound + offset..<$0.upperBound + offset }) }
    }
}
