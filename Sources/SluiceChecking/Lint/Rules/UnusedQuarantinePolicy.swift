import SluiceDiagnostics

/// A quarantine policy that no action or rule uses (the built-in ones excepted): dead text that
/// suggests it protects something.
public struct UnusedQuarantinePolicy: LintRule {
    public static let id = "unused-quarantine-policy"
    public static let severity = Severity.info
    public static let summary = "a quarantine policy nothing uses"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let policy = context.policy
        var used: Set<String> = []
        func note(_ action: PolicyAction) { if case .quarantine(let name?) = action { used.insert(name) } }
        for antiSpam in policy.antiSpam { antiSpam.actions.values.forEach { note($0.value) } }
        for antiPhishing in policy.antiPhishing {
            [antiPhishing.dmarcRejectAction, antiPhishing.dmarcQuarantineAction, antiPhishing.spoofAction].forEach { note($0.value) }
        }
        for antiMalware in policy.antiMalware { note(antiMalware.action.value) }
        for rule in policy.rules { for case .quarantine(let name?) in rule.actions { used.insert(name) } }
        let builtIn = Set(QuarantinePolicy.builtIn.map(\.name))
        return policy.quarantinePolicies.values.sorted { $0.name < $1.name }.compactMap { quarantine in
            guard let span = quarantine.span, !used.contains(quarantine.name), !builtIn.contains(quarantine.name) else { return nil }
            return finding("no action or rule uses the quarantine policy `\(quarantine.name)`", at: span)
        }
    }
}
