/// A domain entry (reference §1.6): `contoso.com` is that domain only; `*.contoso.com` is every
/// subdomain but not the apex; `*.com` is a whole top-level domain.
public struct DomainPattern: Sendable, Codable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Codable, Hashable { case exact, subdomains }
    public var kind: Kind
    /// Lower case, without the `*.`.
    public var domain: String

    public init(kind: Kind, domain: String) {
        self.kind = kind
        self.domain = domain
    }

    public static func parse(_ text: String) -> Result<DomainPattern, ValueProblem> {
        if text.hasPrefix("*.") {
            let rest = String(text.dropFirst(2))
            if !rest.contains(".") {
                return DomainName.validateTopLevel(rest).map { DomainPattern(kind: .subdomains, domain: $0) }
                    .mapError { ValueProblem($0.message, help: $0.help, range: $0.range.map { $0.lowerBound + 2..<$0.upperBound + 2 }) }
            }
            return DomainName.validate(rest).map { DomainPattern(kind: .subdomains, domain: $0) }
                .mapError { ValueProblem($0.message, help: $0.help, range: $0.range.map { $0.lowerBound + 2..<$0.upperBound + 2 }) }
        }
        if text.hasPrefix("*") {
            return .failure(ValueProblem(
                "a domain wildcard must be followed by a dot", help: "write `*.\(text.dropFirst())` for its subdomains",
                range: 0..<1))
        }
        if !text.contains("."), case .success = DomainName.validateTopLevel(text) {
            return .failure(ValueProblem(
                "the domain `\(text)` has no dot", help: "write a full name such as `\(text).example`; to cover the whole top-level domain write `*.\(text)`"))
        }
        return DomainName.validate(text).map { DomainPattern(kind: .exact, domain: $0) }
    }

    public func matches(_ host: String) -> Bool {
        let host = host.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? DomainName.lowercased(host) : host
        return switch kind {
        case .exact: host == domain
        case .subdomains: host != domain && DomainName.host(host, isWithin: domain)
        }
    }

    public var description: String { kind == .exact ? domain : "*.\(domain)" }
}
