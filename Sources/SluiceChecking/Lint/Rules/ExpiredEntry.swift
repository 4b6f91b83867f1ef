import SluiceDiagnostics

/// An entry whose last day has passed (`--now` sets the day): it no longer applies, and keeping
/// it misleads whoever reads the policy. Entries expired more than 30 days ago carry a safe
/// fix that `--fix` applies: removing them.
public struct ExpiredEntry: LintRule {
    public static let id = "expired-entry"
    public static let severity = Severity.warning
    public static let summary = "an entry that has expired"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.entries.compactMap { entry in
            guard let last = entry.lastDay, last < context.today else { return nil }
            let stale = context.today.dayNumber - last.dayNumber > context.removeExpiredAfterDays
            return finding("`\(entry.summary)` expired on \(last)", at: entry.span,
                           help: "remove it, or extend it with a new `expires` date if it is still needed",
                           fixes: stale ? [FixIt("remove the expired entry", replacing: entry.span, with: "")] : [])
        }
    }
}
