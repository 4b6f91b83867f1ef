import SluiceDiagnostics

/// An entry that expires within the warning window (14 days by default): decide now whether it
/// should be renewed, before mail starts being blocked or let through again.
public struct ExpiringEntry: LintRule {
    public static let id = "expiring-entry"
    public static let severity = Severity.info
    public static let summary = "an entry that expires soon"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.entries.compactMap { entry in
            guard let last = entry.lastDay, last >= context.today, last.dayNumber - context.today.dayNumber <= context.expiryWarningDays else { return nil }
            let days = last.dayNumber - context.today.dayNumber
            return finding("`\(entry.summary)` expires \(days == 0 ? "today" : "in \(days) day\(days == 1 ? "" : "s")") (\(last))",
                           at: entry.span)
        }
    }
}
