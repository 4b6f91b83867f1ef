import SluiceDiagnostics

/// A quarantine policy that grants `release`, used for malware or high confidence phish.
/// Recipients can never release those themselves: `release` degrades to `request-release`
/// (§4.3), so the policy promises what it cannot give.
public struct ReleaseWhereRequestOnly: LintRule {
    public static let id = "release-where-request-only"
    public static let severity = Severity.warning
    public static let summary = "a quarantine policy grants release for verdicts only an admin may release"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var uses: [(policy: String, verdict: String, span: SourceSpan?)] = []
        for antiSpam in context.policy.antiSpam {
            if let setting = antiSpam.actions[.highConfidencePhish], case .quarantine(let name?) = setting.value {
                uses.append((name, "high confidence phish", setting.span))
            }
        }
        for antiMalware in context.policy.antiMalware {
            if case .quarantine(let name?) = antiMalware.action.value { uses.append((name, "malware", antiMalware.action.span)) }
        }
        return uses.compactMap { use in
            guard let span = use.span, let policy = context.policy.quarantinePolicies[use.policy], policy.permissions.contains(.release) else { return nil }
            return finding("`\(use.policy)` grants release, but recipients can only request the release of \(use.verdict)", at: span,
                           labels: policy.span.map { [Label($0, "the policy granting release")] } ?? [],
                           notes: ["reference §4.3: the permission degrades to request-release"],
                           help: "use a policy with `request-release` for \(use.verdict)")
        }
    }
}
