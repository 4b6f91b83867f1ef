import SluiceDiagnostics

/// A custom (mail flow) rule: a condition and the actions taken when it holds.
public struct Rule: Sendable, Codable {
    public enum Mode: String, Sendable, Codable, Hashable { case enforce, audit }

    public var name: String
    public var condition: RuleCondition
    public var actions: [RuleAction]
    /// `audit` records what the rule would have done without doing it.
    public var mode: Mode
    public var span: SourceSpan
}

public indirect enum RuleCondition: Sendable, Codable {
    case all([RuleCondition])
    case any([RuleCondition])
    case not(RuleCondition)
    case test(RuleTest)

    /// Every test in the condition, left to right.
    public var tests: [RuleTest] {
        switch self {
        case .all(let parts), .any(let parts): parts.flatMap(\.tests)
        case .not(let inner): inner.tests
        case .test(let test): [test]
        }
    }
}

/// One test: `any attachment.name matches /\.html?$/i`.
public struct RuleTest: Sendable, Codable {
    public enum Quantifier: String, Sendable, Codable { case any, all }

    public var subject: RuleSubject
    /// How a test of a subject with several values (recipients, URLs, attachments) combines them.
    public var quantifier: Quantifier
    public var predicate: RulePredicate
    /// `is not`.
    public var negated: Bool
    public var span: SourceSpan
}

/// What a test looks at in the message (grammar: "Subjects").
public enum RuleSubject: Sendable, Codable, Hashable {
    case subject, from, fromDomain, sender, to, cc, recipient, replyTo
    case header(String)
    case body, url, urlHost
    case attachmentName, attachmentType, attachmentSize, attachmentSHA256
    case spf, dkim, dmarc, compauth
    case clientIP, helo
    case scl, bcl, spamAssassinScore, rspamdScore

    public enum ValueType: Sendable { case text, number, address, authentication }

    public static let byName: [String: RuleSubject] = [
        "subject": .subject, "from": .from, "from.domain": .fromDomain, "sender": .sender, "to": .to, "cc": .cc,
        "recipient": .recipient, "reply-to": .replyTo, "body": .body, "url": .url, "url.host": .urlHost,
        "attachment.name": .attachmentName, "attachment.type": .attachmentType, "attachment.size": .attachmentSize,
        "attachment.sha256": .attachmentSHA256, "spf": .spf, "dkim": .dkim, "dmarc": .dmarc, "compauth": .compauth,
        "client-ip": .clientIP, "helo": .helo, "scl": .scl, "bcl": .bcl,
        "spamassassin.score": .spamAssassinScore, "rspamd.score": .rspamdScore,
    ]

    public var name: String {
        if case .header(let field) = self { return "header \"\(field)\"" }
        return Self.byName.first { $0.value == self }!.key
    }

    /// Whether the message can give several values (so `any`/`all` mean something).
    public var isMultiValued: Bool {
        switch self {
        case .to, .cc, .recipient, .replyTo, .header, .body, .url, .urlHost, .attachmentName, .attachmentType,
            .attachmentSize, .attachmentSHA256, .dkim:
            true
        default: false
        }
    }

    public var valueType: ValueType {
        switch self {
        case .attachmentSize, .scl, .bcl, .spamAssassinScore, .rspamdScore: .number
        case .from, .sender, .to, .cc, .recipient, .replyTo: .address
        case .spf, .dkim, .dmarc, .compauth: .authentication
        default: .text
        }
    }
}

public enum ComparisonOperator: String, Sendable, Codable, Hashable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

public enum RulePredicate: Sendable, Codable {
    case matches(PolicyRegex)
    case like(PolicyRegex)
    /// `is` and `in` on text, addresses, hosts and authentication results, compared without
    /// case; for addresses and hosts an item that is a domain entry (`contoso.example`,
    /// `*.contoso.example`) matches as one.
    case equals([String])
    case contains(String)
    case exists
    case compare(ComparisonOperator, Double)
    case equalsNumber(Double)
    case inNetworks([IPRange])
}

public enum RuleAction: Sendable, Codable, Hashable, CustomStringConvertible {
    /// −1 bypasses spam filtering; 0–4 not spam; 5–6 spam; 7–9 high confidence spam.
    case setSCL(Int)
    case mark(Verdict)
    case quarantine(String?)
    case junk
    case reject(code: String, enhancedCode: String, text: String)
    case delete
    case redirect([EmailAddress])
    case addHeader(name: String, value: String)
    case prependSubject(String)
    case stop

    public var description: String {
        switch self {
        case .setSCL(let scl): "set-scl \(scl)"
        case .mark(let verdict): "mark \(verdict.rawValue)"
        case .quarantine(let policy): policy.map { "quarantine \"\($0)\"" } ?? "quarantine"
        case .junk: "junk"
        case .reject(let code, let enhanced, let text): "reject \(code) \(enhanced) \"\(text)\""
        case .delete: "delete"
        case .redirect(let addresses): "redirect " + addresses.map(\.description).joined(separator: ", ")
        case .addHeader(let name, let value): "add-header \"\(name)\" \"\(value)\""
        case .prependSubject(let text): "prepend-subject \"\(text)\""
        case .stop: "stop"
        }
    }
}
