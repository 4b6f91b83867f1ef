import SluiceDiagnostics

/// An entry whose last day has passed (`--now` sets the day): it no longer applies, and keeping
/// it misleads whoever reads the policy.
public struct ExpiredEntry: LintRule {
    public static let id = "expired-entry"
    public static let severity = Severity.warning
    public static let summary = "an entry that has expired"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.entries.compactMap { entry in
            guard let last = entry.lastDay, last < context.today else { return nil }
            return finding("`\(entry.action.rawValue) \(entry.target.kind) \(entry.target.key)` expired on \(last)", at: entry.span,
                           help: "remove it, or extend it with a new `expires` date if it is still needed",
                           fixes: [FixIt("remove the expired entry", replacing: entry.span, with: "")])
        }
    }
}
