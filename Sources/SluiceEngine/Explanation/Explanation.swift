import SluiceChecking
import SluiceDiagnostics

/// What `sluice explain` says about one message and recipient, in the shape of an admin
/// submission's result (reference §7.2) and more. Encoded as JSON under the schema
/// `sluice.explain/1` (docs/explain-json.md).
public struct Explanation: Sendable, Codable {
    public static let schema = "sluice.explain/1"

    public var schema = Explanation.schema
    public var message: MessageSummary
    public var recipient: String
    /// A §7.2 result: "Blocked due to organizational overrides", "Spam", "No threats found"…
    public var result: String
    /// One sentence in this message's terms.
    public var why: String
    public var decision: Decision
    /// The source lines of the deciding entry, rule or setting, as written.
    public var decidingLines: [SourceLine]
    /// `spf=pass (fabrikam.example) dkim=pass … compauth=pass reason=101`, Authentication-Results style.
    public var authenticationLine: String
    /// Each stage's findings that count: matches, overrides considered and declined.
    public var stages: [StageSummary]
    public var recommendations: [Recommendation]
    /// The smallest changes, checked by re-evaluating, that would have changed the outcome.
    public var whatWouldChange: [Counterfactual]
}

public struct MessageSummary: Sendable, Codable {
    public var file: String
    public var from: String?
    public var subject: String?
    public var date: String?
    public var messageID: String?
}

public struct SourceLine: Sendable, Codable {
    public var file: String
    public var line: Int
    public var text: String
}

public struct StageSummary: Sendable, Codable {
    public var stage: String
    public var findings: [String]
}

/// A change to the policy, with the outcome it gives once applied (re-evaluated, not guessed).
public struct Recommendation: Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case addEntry = "add-entry"
        case removeEntry = "remove-entry"
        case editRule = "edit-rule"
        case editUserList = "edit-user-list"
        case submit
        case fixAuthentication = "fix-authentication"
    }

    public var kind: Kind
    public var summary: String
    /// Policy text to add (for `add-entry`).
    public var policyText: String?
    /// The file it goes in (the policy's root file) or the span to change or remove.
    public var file: String?
    public var target: SourceSpan?
    /// What the change can override, and what it cannot.
    public var canOverride: String?
    public var cannotOverride: String?
    /// The decision after the change, re-evaluated: `Inbox (spam, SPM), …`.
    public var outcomeAfter: String?
    /// Whether the re-evaluated outcome is what the step promises.
    public var verified: Bool
}

public struct Counterfactual: Sendable, Codable {
    public var change: String
    public var outcomeAfter: String
}
