import SluiceDiagnostics

/// An allow entry keyed on a sender or domain in the organization's own accepted domains. The
/// From address is forgeable, and these are the senders attackers forge first; since 2022
/// Microsoft requires such allows to pass authentication (§3.2). Use an authenticated rule or a
/// spoof pair for the real infrastructure instead.
public struct OwnDomainAllow: LintRule {
    public static let id = "own-domain-allow"
    public static let severity = Severity.warning
    public static let summary = "an allow keyed on the organization's own domain, which anyone can forge"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.entries.compactMap { entry in
            guard entry.action == .allow else { return nil }
            let domain: String? = switch entry.target {
            case .sender(let address): address.domain
            case .domain(let pattern): pattern.domain
            default: nil
            }
            guard let domain, let own = context.policy.organization.acceptedDomain(containing: domain) else { return nil }
            return finding("`\(entry.target.key)` is in your own domain `\(own)`: anyone can write that From address",
                           at: entry.span, help: "allow the sending infrastructure with `allow spoof \(domain) via …`, or a rule that also requires `dmarc is pass`")
        }
    }
}
