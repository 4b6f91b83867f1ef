import SluiceDiagnostics

/// A directly created allow whose note or ticket says it is meant to let malware or high
/// confidence phish through. Direct allows never override those verdicts (secure by default,
/// §2.3; decision 3); only an entity allow created from a reviewed submission can.
public struct IneffectiveAllow: LintRule {
    public static let id = "ineffective-allow"
    public static let severity = Severity.warning
    public static let summary = "a direct allow meant to override malware or high confidence phish, which it cannot"

    static let intents = ["malware", "high confidence phish", "high-confidence-phish", "hphish", "hphsh", "malw"]

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.entries.compactMap { entry in
            guard entry.action == .allow, !entry.fromSubmission else { return nil }
            let words = [entry.note, entry.ticket].compactMap { $0?.lowercased() }.joined(separator: " ")
            guard let intent = Self.intents.first(where: { words.contains($0) }) else { return nil }
            return finding("this allow mentions `\(intent)`, but a directly created allow never overrides malware or high confidence phish",
                           at: entry.span, notes: ["reference §1.3, §2.3: only allows created from a reviewed submission can"],
                           help: "submit the message for review, then mark the entry `from-submission`")
        }
    }
}
