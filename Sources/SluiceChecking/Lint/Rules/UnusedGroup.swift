import SluiceDiagnostics

/// A group that no policy's `applies-to` or `except` names: its members get no special
/// treatment, whatever the group's name suggests.
public struct UnusedGroup: LintRule {
    public static let id = "unused-group"
    public static let severity = Severity.info
    public static let summary = "a group nothing uses"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let policy = context.policy
        let headers = policy.antiSpam.map(\.header) + policy.antiPhishing.map(\.header) + policy.antiMalware.map(\.header)
        let used = Set(headers.flatMap { $0.appliesTo.groups + $0.except.groups })
        return policy.groups.values.sorted { $0.name < $1.name }.compactMap { group in
            used.contains(group.name) ? nil : finding("no policy applies to or excepts the group `\(group.name)`", at: group.span)
        }
    }
}
