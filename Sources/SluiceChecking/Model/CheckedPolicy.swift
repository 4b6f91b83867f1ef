import SluiceDiagnostics

/// A policy after checking: every name resolved, every value parsed, defaults filled in from
/// the reference where nothing was written. This is what the compiler and the reference
/// evaluator take; every part keeps the span it came from.
public struct CheckedPolicy: Sendable, Codable {
    /// The file the policy was checked from (its includes are in `sources`).
    public var root: String
    public var sources: [String: SourceFile]
    public var organization = Organization()
    public var entries: [ListEntry] = []
    public var groups: [String: RecipientGroup] = [:]
    public var userLists: [EmailAddress: UserLists] = [:]
    /// The default policy first, then custom policies in priority order.
    public var antiSpam: [AntiSpamPolicy] = []
    public var antiPhishing: [AntiPhishingPolicy] = []
    public var antiMalware: [AntiMalwarePolicy] = []
    public var connectionFilter = ConnectionFilter()
    public var advancedDelivery = AdvancedDelivery()
    public var quarantinePolicies: [String: QuarantinePolicy] = [:]
    public var notifications = NotificationSettings()
    public var upstream: [UpstreamTrust] = []
    /// In file order (includes in place), which is evaluation order.
    public var rules: [Rule] = []

    public init(root: String, sources: [String: SourceFile]) {
        self.root = root
        self.sources = sources
    }
}
