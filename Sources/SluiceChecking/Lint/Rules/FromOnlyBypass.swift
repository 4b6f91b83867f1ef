import SluiceDiagnostics

/// A rule that bypasses filtering (`set-scl -1`) on the From address or domain alone. Anyone
/// can forge those; require authentication too (`and dmarc is pass`), as Microsoft advises for
/// allow rules (§2.6).
public struct FromOnlyBypass: LintRule {
    public static let id = "from-only-bypass"
    public static let severity = Severity.warning
    public static let summary = "a rule bypasses filtering (SCL -1) on the forgeable From alone"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.rules.compactMap { rule in
            guard rule.actions.contains(.setSCL(-1)) else { return nil }
            let subjects = Set(rule.condition.tests.map(\.subject))
            let forgeable: Set<RuleSubject> = [.from, .fromDomain, .sender, .replyTo]
            guard !subjects.isEmpty, subjects.isSubset(of: forgeable) else { return nil }
            return finding("rule \"\(rule.name)\" skips filtering for anyone who writes the right From address", at: rule.span,
                           help: "add an authentication test: `and dmarc is pass` (or `and client-ip in …`)")
        }
    }

}
