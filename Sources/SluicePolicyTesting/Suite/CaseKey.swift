import SluiceEngine

/// The keys of a case file (grammar/sluice-tests.md). Settings say how to decide the message,
/// `recipient` opens a block of expectations, `diagnostic` makes the file a must-fail check case.
public enum CaseKey: String, Sendable, Hashable, CaseIterable, Codable {
    case policy, message, now
    case mailFrom = "mail-from", rcptTo = "rcpt-to", clientIP = "client-ip", helo, ptr
    case trustAuthserv = "trust-authserv", trustHost = "trust-host"
    case recipient
    case action, location, verdict, category
    case decidedBy = "decided-by", deciding, decidingAt = "deciding-at", result
    case quarantinePolicy = "quarantine-policy"
    case diagnostic

    public enum Role: Sendable { case setting, recipient, expectation, diagnostic }

    public var role: Role {
        switch self {
        case .policy, .message, .now, .mailFrom, .rcptTo, .clientIP, .helo, .ptr, .trustAuthserv, .trustHost: .setting
        case .recipient: .recipient
        case .diagnostic: .diagnostic
        default: .expectation
        }
    }

    /// Keys that may be given more than once in one block.
    public var isRepeatable: Bool { self == .rcptTo || self == .trustAuthserv || self == .trustHost || self == .diagnostic }

    /// The expectations in the order `--update` writes them.
    public static let expectations: [CaseKey] = allCases.filter { $0.role == .expectation }

    /// The values an expectation key accepts, when they form a closed set (compared as written
    /// after `canonical`).
    var allowedValues: [String]? {
        switch self {
        case .action: ["deliver", "junk", "quarantine", "reject", "drop", "delete", "redirect"]
        case .location: ["Inbox", "Junk", "Quarantine", "Rejected", "Dropped", "Redirected"]
        case .verdict: ["none"] + ThreatVerdict.allCases.map(\.rawValue)
        case .category: ["NONE", "MALW", "HPHSH", "PHSH", "SPOOF", "HSPM", "SPM", "BULK"]
        case .decidedBy: ["filter", "organization-override", "user-override", "advanced-delivery", "upstream"]
        default: nil
        }
    }

    /// `value` spelt as the decision spells it (`inbox` → `Inbox`), or nil when it is not allowed.
    func canonical(_ value: String) -> String? {
        guard let allowed = allowedValues else { return value }
        return allowed.first { $0.lowercased() == value.lowercased() }
    }
}
