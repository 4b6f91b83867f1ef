import SluiceDiagnostics

/// The five anti-spam verdicts an action can be set for (reference §3.1).
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    case spam
    case highConfidenceSpam = "high-confidence-spam"
    case phish
    case highConfidencePhish = "high-confidence-phish"
    case bulk
}

/// What a policy does with a verdict (reference §3.1, §3.4).
public enum PolicyAction: Sendable, Codable, Hashable, CustomStringConvertible {
    case junk
    /// With the quarantine policy named (nil: the verdict's default policy).
    case quarantine(String?)
    case delete
    case redirect([EmailAddress])
    case addHeader(String)
    case prependSubject(String)
    case noAction
    /// DMARC `p=reject` only: `550 5.7.509`.
    case reject

    public var description: String {
        switch self {
        case .junk: "junk"
        case .quarantine(let policy): policy.map { "quarantine \"\($0)\"" } ?? "quarantine"
        case .delete: "delete"
        case .redirect(let addresses): "redirect " + addresses.map(\.description).joined(separator: ", ")
        case .addHeader(let name): "add-header \(name)"
        case .prependSubject(let text): "prepend-subject \"\(text)\""
        case .noAction: "no-action"
        case .reject: "reject"
        }
    }
}

/// A value together with the statement that set it, so a decision can point at its source.
/// Defaults (not written anywhere) have no span.
public struct Setting<Value: Sendable>: Sendable {
    public var value: Value
    public var span: SourceSpan?

    public init(_ value: Value, span: SourceSpan? = nil) {
        self.value = value
        self.span = span
    }
}

/// Who a scoped policy applies to (reference §2.2): several values of one condition are OR,
/// different conditions are AND; any exception excludes.
public struct RecipientScope: Sendable, Codable {
    public var users: [EmailAddress] = []
    public var groups: [String] = []
    public var domains: [String] = []

    public init() {}
    public var isEmpty: Bool { users.isEmpty && groups.isEmpty && domains.isEmpty }
}

/// What every scoped policy type shares: a name, priority and recipient conditions.
public struct PolicyHeader: Sendable, Codable {
    /// Nil for the `default` policy, which applies to everyone and cannot be scoped.
    public var name: String?
    public var priority: Int?
    public var appliesTo = RecipientScope()
    public var except = RecipientScope()
    /// Every block that defined or refined this policy (a preset and the tenant's changes).
    public var spans: [SourceSpan]

    public init(name: String?, spans: [SourceSpan]) {
        self.name = name
        self.spans = spans
    }

    public var isDefault: Bool { name == nil }
    public var displayName: String { name.map { "\"\($0)\"" } ?? "default" }
}

public struct AntiSpamPolicy: Sendable, Codable {
    public var header: PolicyHeader
    public var actions: [Verdict: Setting<PolicyAction>]
    public var bulkThreshold: Setting<Int>
    public var retentionDays: Setting<Int>
    public var allowedSenders: [Setting<EmailAddress>] = []
    public var allowedDomains: [Setting<DomainPattern>] = []
    public var blockedSenders: [Setting<EmailAddress>] = []
    public var blockedDomains: [Setting<DomainPattern>] = []

    /// Microsoft's Default policy values (reference §3.3).
    public static func microsoftDefault(_ header: PolicyHeader) -> AntiSpamPolicy {
        AntiSpamPolicy(
            header: header,
            actions: [
                .spam: Setting(.junk), .highConfidenceSpam: Setting(.junk), .phish: Setting(.junk),
                .highConfidencePhish: Setting(.quarantine(QuarantinePolicy.adminOnly)), .bulk: Setting(.junk),
            ],
            bulkThreshold: Setting(7), retentionDays: Setting(15))
    }
}

public struct AntiPhishingPolicy: Sendable, Codable {
    public var header: PolicyHeader
    public var spoofIntelligence: Setting<Bool>
    public var honorDMARC: Setting<Bool>
    public var dmarcRejectAction: Setting<PolicyAction>
    public var dmarcQuarantineAction: Setting<PolicyAction>
    public var spoofAction: Setting<PolicyAction>

    /// Microsoft's Default policy values (reference §3.4).
    public static func microsoftDefault(_ header: PolicyHeader) -> AntiPhishingPolicy {
        AntiPhishingPolicy(
            header: header, spoofIntelligence: Setting(true), honorDMARC: Setting(true),
            dmarcRejectAction: Setting(.reject), dmarcQuarantineAction: Setting(.quarantine(nil)),
            spoofAction: Setting(.junk))
    }
}

public struct AntiMalwarePolicy: Sendable, Codable {
    public var header: PolicyHeader
    public var commonAttachmentsFilter: Setting<Bool>
    /// File extensions, lower case, without the dot.
    public var fileTypes: Setting<[String]>
    public var action: Setting<PolicyAction>

    /// The common attachments filter's default types (Microsoft's list for new policies).
    public static let defaultFileTypes = [
        "ace", "ani", "apk", "app", "appx", "arj", "bat", "cab", "cmd", "com", "deb", "dex", "dll", "docm",
        "elf", "exe", "hta", "img", "iso", "jar", "jnlp", "kext", "lha", "lib", "library", "lnk", "lzh",
        "macho", "msc", "msi", "msix", "msp", "mst", "pif", "ppa", "ppam", "reg", "rev", "scf", "scr", "sct",
        "sys", "uif", "vb", "vbe", "vbs", "vxd", "wsc", "wsf", "wsh", "xll", "xz", "z",
    ]

    public static func microsoftDefault(_ header: PolicyHeader) -> AntiMalwarePolicy {
        AntiMalwarePolicy(
            header: header, commonAttachmentsFilter: Setting(true), fileTypes: Setting(defaultFileTypes),
            action: Setting(.quarantine(QuarantinePolicy.adminOnly)))
    }
}

/// What recipients may do with a message in quarantine (reference §4.1).
public enum QuarantinePermission: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case viewHeaders = "view-headers"
    case preview
    case release
    case requestRelease = "request-release"
    case delete
    case blockSender = "block-sender"
    case allowSender = "allow-sender"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public struct QuarantinePolicy: Sendable, Codable {
    public var name: String
    public var permissions: Set<QuarantinePermission>
    public var notify: Bool
    /// Nil for the built-in policies nobody wrote down.
    public var span: SourceSpan?

    public static let adminOnly = "AdminOnlyAccessPolicy"
    public static let defaultFullAccess = "DefaultFullAccessPolicy"
    public static let defaultFullAccessWithNotification = "DefaultFullAccessWithNotificationPolicy"

    /// Microsoft's built-in policies (reference §4.3), which exist in every tenant.
    public static let builtIn: [QuarantinePolicy] = {
        let full: Set<QuarantinePermission> = [.viewHeaders, .preview, .release, .delete, .allowSender]
        return [
            QuarantinePolicy(name: adminOnly, permissions: [.viewHeaders], notify: false),
            QuarantinePolicy(name: defaultFullAccess, permissions: full, notify: false),
            QuarantinePolicy(name: defaultFullAccessWithNotification, permissions: full, notify: true),
            QuarantinePolicy(name: "NotificationEnabledPolicy", permissions: full, notify: true),
        ]
    }()
}

public enum NotificationCadence: Sendable, Codable, Hashable, CustomStringConvertible {
    case everyHours(Int)
    case daily
    case weekly

    public var hours: Int {
        switch self {
        case .everyHours(let hours): hours
        case .daily: 24
        case .weekly: 168
        }
    }

    public var description: String {
        switch self {
        case .everyHours(let hours): "every \(hours) hours"
        case .daily: "daily"
        case .weekly: "weekly"
        }
    }
}

public struct NotificationSettings: Sendable, Codable {
    /// Daily where the policy does not say (brief §5, decision 8).
    public var cadence = Setting(NotificationCadence.daily)
    public var sender = Setting("quarantine@messaging.microsoft.com")
    public var language = Setting("en-US")
}

public struct Organization: Sendable, Codable {
    public var acceptedDomains: [Setting<String>] = []
    public var trustedAuthservIDs: [Setting<String>] = []
    /// The MX does not point at Sluice's host: secure-by-default exceptions apply (§2.3).
    public var mxElsewhere = Setting(false)
    /// Tenant sender blocks give high confidence phish, or high confidence spam (decision 1).
    public var senderBlockVerdict = Setting(Verdict.highConfidencePhish)

    /// The accepted domain `domain` is, or lies under.
    public func acceptedDomain(containing domain: String) -> String? {
        acceptedDomains.first { DomainName.host(domain, isWithin: $0.value) }?.value
    }

    public func accepts(_ domain: String) -> Bool { acceptedDomain(containing: domain) != nil }
}

/// Header families whose verdicts Sluice can take from upstream filters.
public enum UpstreamHeader: String, Sendable, Codable, Hashable, CaseIterable {
    case forefront = "x-forefront-antispam-report"
    case microsoftAntispam = "x-microsoft-antispam"
    case spamAssassin = "x-spam-status"
    case rspamd = "x-spamd-result"
}

public struct UpstreamTrust: Sendable, Codable {
    public var header: UpstreamHeader
    public var hosts: [String]
    public var span: SourceSpan
}

public struct ConnectionFilter: Sendable, Codable {
    public var allow: [Setting<IPRange>] = []
    public var block: [Setting<IPRange>] = []
}

public struct AdvancedDelivery: Sendable, Codable {
    public var secOpsMailboxes: [Setting<EmailAddress>] = []
    public var simulationDomains: [Setting<DomainPattern>] = []
    public var simulationIPs: [Setting<IPRange>] = []
    public var simulationURLs: [Setting<URLPattern>] = []
}

public struct RecipientGroup: Sendable, Codable {
    public var name: String
    public var members: [EmailAddress]
    public var span: SourceSpan
}

/// One key of an Outlook-style safe or blocked senders list (reference §8).
public enum SenderKey: Sendable, Codable, Hashable, CustomStringConvertible {
    case address(EmailAddress)
    case domain(String)

    public var description: String {
        switch self {
        case .address(let address): address.description
        case .domain(let domain): domain
        }
    }
}

/// A recipient's junk email settings (reference §8).
public struct UserLists: Sendable, Codable {
    public var recipient: EmailAddress
    public var safeSenders: [Setting<SenderKey>] = []
    public var blockedSenders: [Setting<SenderKey>] = []
    public var safeListsOnly = Setting(false)
    public var span: SourceSpan
}

extension Setting: Codable where Value: Codable {}
