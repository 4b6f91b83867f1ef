import SluiceChecking
import SluiceDiagnostics

/// What happens to one message for one recipient, and why. Everything an admin needs to read
/// the outcome (the explanation, the quarantine, test expectations) comes from here.
public struct Decision: Sendable, Codable {
    public var recipient: String
    public var action: FinalAction
    public var location: DeliveryLocation
    /// The verdict the processing order picked (nil: no threat found).
    public var verdict: ThreatVerdict?
    /// `CAT`-style category: `MALW`, `HPHSH`, `PHSH`, `SPOOF`, `HSPM`, `SPM`, `BULK`, `NONE`.
    public var category: String
    public var decidedBy: DecidingSource
    /// Spam confidence level, −1 when filtering was bypassed.
    public var scl: Int
    public var bcl: Int?
    /// `SFV`-style filter verdict code: `SPM`, `NSPM`, `SFE`, `BLK`, `SKA`, `SKB`, `SKN`, `SKS`…
    public var sfv: String
    public var authentication: AuthenticationSummary
    /// The policy of each type that applied to this recipient (`default` or its name).
    public var appliedPolicies: [String: String]
    public var quarantine: QuarantineOutcome?
    /// Headers the action adds, and the subject prefix, in order.
    public var modifications: [String]
    /// Allow entries with `N days after last use` that this hit keeps alive.
    public var refreshedEntries: [EntryReference]
    /// Every active allow/block entry that matched this message: the quarantine store records
    /// their last use.
    public var usedEntries: [EntryReference]
    public var trace: [TraceStage]
    /// SHA-256 of the policy's sources: a stored decision can be matched to its policy.
    public var policyHash: String
}

public enum ThreatVerdict: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case malware
    case highConfidencePhish = "high-confidence-phish"
    case phish
    case spoofDMARCReject = "spoof-dmarc-reject"
    case spoofDMARCQuarantine = "spoof-dmarc-quarantine"
    case spoof
    case highConfidenceSpam = "high-confidence-spam"
    case spam
    case bulk

    /// The fixed processing order (reference §2.1): earlier wins.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.processingRank < rhs.processingRank }

    /// The position in the processing order, which is the order of the cases.
    private var processingRank: Int {
        switch self {
        case .malware: 0
        case .highConfidencePhish: 1
        case .phish: 2
        case .spoofDMARCReject: 3
        case .spoofDMARCQuarantine: 4
        case .spoof: 5
        case .highConfidenceSpam: 6
        case .spam: 7
        case .bulk: 8
        }
    }

    public var category: String {
        switch self {
        case .malware: "MALW"
        case .highConfidencePhish: "HPHSH"
        case .phish: "PHSH"
        case .spoofDMARCReject, .spoofDMARCQuarantine, .spoof: "SPOOF"
        case .highConfidenceSpam: "HSPM"
        case .spam: "SPM"
        case .bulk: "BULK"
        }
    }

    /// Malware and high confidence phish, which ordinary allows never override (§2.3).
    public var isSecureByDefault: Bool { self == .malware || self == .highConfidencePhish }

    public var isSpoof: Bool { self == .spoofDMARCReject || self == .spoofDMARCQuarantine || self == .spoof }

    /// The anti-spam verdict whose action applies, for the verdicts anti-spam policies handle.
    public var antiSpamVerdict: Verdict? {
        switch self {
        case .highConfidencePhish: .highConfidencePhish
        case .phish: .phish
        case .highConfidenceSpam: .highConfidenceSpam
        case .spam: .spam
        case .bulk: .bulk
        default: nil
        }
    }

    public init(_ verdict: Verdict) {
        switch verdict {
        case .spam: self = .spam
        case .highConfidenceSpam: self = .highConfidenceSpam
        case .phish: self = .phish
        case .highConfidencePhish: self = .highConfidencePhish
        case .bulk: self = .bulk
        }
    }

    public var displayName: String {
        switch self {
        case .malware: "malware"
        case .highConfidencePhish: "high confidence phishing"
        case .phish: "phishing"
        case .spoofDMARCReject: "spoofing (DMARC p=reject)"
        case .spoofDMARCQuarantine: "spoofing (DMARC p=quarantine)"
        case .spoof: "spoofing"
        case .highConfidenceSpam: "high confidence spam"
        case .spam: "spam"
        case .bulk: "bulk"
        }
    }
}

public enum FinalAction: Sendable, Hashable, Codable {
    case deliver
    case junk
    case quarantine
    case reject(code: String, enhancedCode: String, text: String)
    case drop
    case delete
    case redirect([String])

    /// `deliver`, `junk`, `quarantine`, `reject`, `drop`, `delete`, `redirect`.
    public var name: String {
        switch self {
        case .deliver: "deliver"
        case .junk: "junk"
        case .quarantine: "quarantine"
        case .reject: "reject"
        case .drop: "drop"
        case .delete: "delete"
        case .redirect: "redirect"
        }
    }

    // Encoded flat: `{"name": "reject", "code": "550", "enhancedCode": "5.7.509", "text": "…"}`.
    private enum CodingKeys: String, CodingKey { case name, code, enhancedCode, text, to }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        if case .reject(let code, let enhanced, let text) = self {
            try container.encode(code, forKey: .code)
            try container.encode(enhanced, forKey: .enhancedCode)
            try container.encode(text, forKey: .text)
        }
        if case .redirect(let addresses) = self { try container.encode(addresses, forKey: .to) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .name) {
        case "deliver": self = .deliver
        case "junk": self = .junk
        case "quarantine": self = .quarantine
        case "drop": self = .drop
        case "delete": self = .delete
        case "redirect": self = .redirect(try container.decode([String].self, forKey: .to))
        case "reject":
            self = .reject(code: try container.decode(String.self, forKey: .code),
                           enhancedCode: try container.decode(String.self, forKey: .enhancedCode),
                           text: try container.decode(String.self, forKey: .text))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .name, in: container, debugDescription: "unknown action `\(other)`")
        }
    }
}

public enum DeliveryLocation: String, Sendable, Hashable, Codable {
    case inbox = "Inbox"
    case junk = "Junk"
    case quarantine = "Quarantine"
    case rejected = "Rejected"
    case dropped = "Dropped"
    case redirected = "Redirected"
}

/// Who decided: the filter's verdict stood, or an organization or user override changed it.
public struct DecidingSource: Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case filter
        case organizationOverride = "organization-override"
        case userOverride = "user-override"
        case advancedDelivery = "advanced-delivery"
        case upstream
    }

    public var kind: Kind
    /// One line in the admin's terms: "tenant block entry `*.spam.example`".
    public var description: String
    public var span: SourceSpan?
    /// For upstream verdicts: the header and the host that set it.
    public var header: String?
}

public struct QuarantineOutcome: Sendable, Codable {
    public var policy: String
    public var policySpan: SourceSpan?
    /// What this recipient may do, after the hard rules (malware and high confidence phish can
    /// at most be requested for release).
    public var permissions: [QuarantinePermission]
    public var retentionDays: Int
    /// The day the message is deleted from quarantine, counted from the evaluation date.
    public var expires: CalendarDate
    public var notify: Bool
    /// When the recipient's next digest goes out, as the cadence says (nil when not notified).
    public var notificationCadence: String?
    public var hardRuleApplied: Bool
}

public struct EntryReference: Sendable, Codable, Hashable {
    public var action: String
    public var key: String
    public var kind: String
    public var span: SourceSpan
    /// `ListEntry.usageKey` of the entry.
    public var usageKey: String

    /// `absoluteFile`: the entry's file made absolute (`ListEntry.absolutePath`). The key's
    /// text is made once for both fields that hold it.
    public init(_ entry: ListEntry, absoluteFile: String) {
        action = entry.action.rawValue
        key = entry.target.key
        kind = entry.target.kind
        span = entry.span
        usageKey = entry.usageKey(inFile: absoluteFile, key: key)
    }
}

public struct AuthenticationSummary: Sendable, Codable {
    public var fromDomain: String?
    public var spf: String
    public var spfDomain: String?
    public var dkim: String
    public var dkimDomains: [String]
    public var dmarc: String
    public var dmarcPolicy: String?
    /// Whether the From domain aligns (relaxed: same organizational domain) with SPF's or
    /// DKIM's passing domain.
    public var spfAligned: Bool
    public var dkimAligned: Bool
    public var compauth: String
    public var reason: String
    /// The authserv-id the results were taken from, or nil when no trusted header was found.
    public var trustedFrom: String?
    /// Headers ignored because their authserv-id is not trusted.
    public var untrustedIDs: [String]
}
