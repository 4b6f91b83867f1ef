import SluiceDiagnostics

/// The same key both allowed and blocked. Inside the tenant list the block wins (reference §1),
/// so the allow never applies; one of the two is a mistake.
public struct AllowAndBlock: LintRule {
    public static let id = "allow-and-block"
    public static let severity = Severity.warning
    public static let summary = "a key is both allowed and blocked (the block wins)"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var blocks: [String: ListEntry] = [:]
        for entry in context.policy.entries where entry.action == .block { blocks["\(entry.target.kind) \(entry.target.key)"] = blocks["\(entry.target.kind) \(entry.target.key)"] ?? entry }
        return context.policy.entries.compactMap { entry in
            guard entry.action == .allow, let block = blocks["\(entry.target.kind) \(entry.target.key)"] else { return nil }
            return finding("`\(entry.target.kind) \(entry.target.key)` is allowed here and blocked elsewhere; the block wins",
                           at: entry.span, labels: [Label(block.span, "the block that wins")], notes: ["reference §1: inside the tenant list a block beats an allow for the same entity"],
                           help: "remove the allow, or the block if the sender is now trusted")
        }
    }
}
