import SluiceDiagnostics

/// The same tenant entry written twice (same action, same key). The second adds nothing and
/// hides which of the two an admin meant to edit.
public struct DuplicateEntry: LintRule {
    public static let id = "duplicate-entry"
    public static let severity = Severity.warning
    public static let summary = "the same entry is written twice"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var first: [String: ListEntry] = [:]
        var findings: [Diagnostic] = []
        for entry in context.policy.entries {
            let key = entry.summary
            if let earlier = first[key] {
                findings.append(finding(
                    "`\(key)` is already an entry", at: entry.span, labels: [Label(earlier.span, "first written here")],
                    help: "remove this one", fixes: [FixIt("remove the duplicate", replacing: entry.span, with: "")]))
            } else {
                first[key] = entry
            }
        }
        return findings
    }
}
