import SluiceDiagnostics

/// A quarantine policy with notifications on whose recipients can do nothing but view headers:
/// the digest can only say "review message", which sends them to a page with nothing to do.
public struct NotifyWithoutPermissions: LintRule {
    public static let id = "notify-without-permissions"
    public static let severity = Severity.warning
    public static let summary = "notifications on for a quarantine policy whose recipients can do nothing"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.quarantinePolicies.values.sorted { $0.name < $1.name }.compactMap { policy in
            guard policy.notify, let span = policy.span, policy.permissions.subtracting([.viewHeaders]).isEmpty else { return nil }
            return finding("`\(policy.name)` notifies recipients who can only view headers", at: span,
                           notes: ["reference §4.2: with no access, the digest's only action is \"Review message\""],
                           help: "turn `notify` off, or grant `preview` and `request-release`")
        }
    }
}
