import SluiceDiagnostics

/// An allow entry for a whole top-level domain (`allow domain *.com`, `allow url *.com/*`):
/// nothing that broad is trustworthy.
public struct TopLevelDomainAllow: LintRule {
    public static let id = "tld-allow"
    public static let severity = Severity.error
    public static let summary = "an allow for a whole top-level domain"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.entries.compactMap { entry in
            guard entry.action == .allow else { return nil }
            let domain: String? = switch entry.target {
            case .domain(let pattern) where pattern.kind == .subdomains: pattern.domain
            case .url(let pattern) where pattern.hostForm == .subdomains: pattern.host
            default: nil
            }
            guard let domain, !domain.contains(".") else { return nil }
            return finding("`\(entry.target.key)` allows every sender or site under `.\(domain)`", at: entry.span,
                           help: "allow the sender or site you mean")
        }
    }
}
