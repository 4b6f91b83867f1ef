import Foundation
import GRDB
import SluiceChecking
import SluiceEngine
import SluiceMessage

/// One message as decided for its recipients, ready to be kept.
public struct IngestRequest: Sendable {
    public var bytes: [UInt8]
    public var message: Message
    public var envelope: Envelope
    public var decisions: [Decision]
    /// The file it came from, for `show`.
    public var source: String?
    public var arrival: Timestamp
    /// Authserv-ids trusted beyond the policy's for this evaluation, kept for re-evaluation.
    public var trustedAuthservIDs: Set<String>

    public init(bytes: [UInt8], message: Message, envelope: Envelope, decisions: [Decision], source: String?, arrival: Timestamp,
                trustedAuthservIDs: Set<String> = []) {
        self.trustedAuthservIDs = trustedAuthservIDs
        self.bytes = bytes
        self.message = message
        self.envelope = envelope
        self.decisions = decisions
        self.source = source
        self.arrival = arrival
    }
}

public enum IngestOutcome: Sendable, Equatable {
    /// Stored now: the message id and the recipients whose copies were quarantined (those who
    /// did not hold a copy of the same bytes already).
    case stored(Int64, recipients: [String])
    /// Every quarantined recipient already holds a copy of the same bytes: nothing written.
    case alreadyStored(Int64)
    /// No recipient's decision is quarantine.
    case notQuarantined
}

extension QuarantineStore {
    /// Keeps the message if any recipient's decision quarantines it, and records the last use of
    /// every entry the decisions matched — in one transaction, so when this returns `.stored`
    /// the message is on disk.
    @discardableResult
    public func ingest(_ request: IngestRequest, policy: CheckedPolicy) throws(QuarantineError) -> IngestOutcome {
        // One copy per recipient, even when a recipient was named twice.
        var seen: Set<String> = []
        let decided = request.decisions.filter { $0.action == .quarantine && $0.quarantine != nil && seen.insert($0.recipient).inserted }
        let sha256 = sha256Hex(request.bytes)
        return try write { db in
            if decided.isEmpty {
                try Self.recordUsage(of: request.decisions, at: request.arrival, in: db)
                return .notQuarantined
            }
            // A recipient who already holds a copy of these bytes gets no second one (it could be
            // notified and released twice).
            var existing: Int64?
            var quarantined: [Decision] = []
            for decision in decided {
                if let held = try Int64.fetchOne(db, sql: """
                    SELECT m.id FROM message m JOIN quarantine q ON q.messageId = m.id WHERE m.sha256 = ? AND q.recipient = ?
                    """, arguments: [sha256, decision.recipient]) {
                    existing = existing ?? held
                } else {
                    quarantined.append(decision)
                }
            }
            if quarantined.isEmpty, let existing { return .alreadyStored(existing) }
            let recipients = quarantined.map(\.recipient).sorted()
            let fingerprint = sha256 + "|" + recipients.joined(separator: ",")
            // Kept for a pending submission after its copies were purged: the same message again.
            if let kept = try Int64.fetchOne(db, sql: "SELECT id FROM message WHERE fingerprint = ?", arguments: [fingerprint]) {
                return .alreadyStored(kept)
            }
            try Self.recordUsage(of: request.decisions, at: request.arrival, in: db)
            let envelope = String(decoding: try JSONEncoder().encode(request.envelope), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO message (fingerprint, sha256, raw, size, sender, envelope, trustedAuthservIDs, subject, messageID, dateHeader, source, receivedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [fingerprint, sha256, Data(request.bytes), request.bytes.count, request.message.author?.address.lowercased(), envelope,
                            request.trustedAuthservIDs.sorted().joined(separator: ","),
                            request.message.subject, request.message.messageID, request.message.headers["Date"]?.trimmingCharacters(in: .whitespaces),
                            request.source, request.arrival.seconds])
            let messageID = db.lastInsertedRowID
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            for decision in quarantined {
                let outcome = decision.quarantine!
                let classification = QuarantineReason(decision)
                // Retention counts from arrival; the decision's `expires` day is the same count.
                let expires = request.arrival.adding(seconds: Int64(outcome.retentionDays) * 86_400)
                try db.execute(
                    sql: """
                        INSERT INTO quarantine (messageId, recipient, decision, policyHash, verdict, category, reason, policyType,
                          quarantinePolicy, permissions, notify, cadenceHours, digestSender, expiresAt, status)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [messageID, decision.recipient, String(decoding: try encoder.encode(decision), as: UTF8.self), decision.policyHash,
                                decision.verdict?.rawValue, decision.category, classification.reason, classification.policyType,
                                outcome.policy, outcome.permissions.map(\.rawValue).joined(separator: ","), outcome.notify,
                                policy.notifications.cadence.value.hours, policy.notifications.sender.value, expires.seconds,
                                ReleaseStatus.needsReview.rawValue])
                try audit(db, at: request.arrival, actor: .system, action: "quarantined", messageID: messageID, recipient: decision.recipient,
                          detail: "\(classification.reason) (\(decision.decidedBy.description)); policy \(outcome.policy)")
            }
            return .stored(messageID, recipients: recipients)
        }
    }

    /// Counts a hit and moves the last-use day of every entry the decisions matched.
    static func recordUsage(of decisions: [Decision], at time: Timestamp, in db: Database) throws {
        var seen: Set<String> = []
        for reference in decisions.flatMap(\.usedEntries) where seen.insert(reference.usageKey).inserted {
            try db.execute(
                sql: """
                    INSERT INTO entryUsage (entryId, file, action, kind, key, hits, firstUsed, lastUsed) VALUES (?, ?, ?, ?, ?, 1, ?, ?)
                    ON CONFLICT (entryId) DO UPDATE SET hits = hits + 1, lastUsed = max(lastUsed, excluded.lastUsed)
                    """,
                arguments: [reference.usageKey, reference.span.file, reference.action, reference.kind, reference.key, time.seconds, time.seconds])
        }
    }
}

/// The reference's quarantine reason and policy type for a quarantined decision (§4.6).
struct QuarantineReason {
    var reason: String
    var policyType: String

    init(_ decision: Decision) {
        if decision.decidedBy.kind == .organizationOverride && decision.decidedBy.description.hasPrefix("rule ") {
            (reason, policyType) = ("Transport rule", "Transport rule")
            return
        }
        switch decision.verdict {
        case .malware: (reason, policyType) = ("Malware", "Anti-malware policy")
        case .highConfidencePhish: (reason, policyType) = ("High confidence phishing", "Anti-spam policy")
        case .phish: (reason, policyType) = ("Phishing", "Anti-spam policy")
        case .spoof, .spoofDMARCReject, .spoofDMARCQuarantine: (reason, policyType) = ("Phishing", "Anti-phishing policy")
        case .highConfidenceSpam, .spam: (reason, policyType) = ("Spam", "Anti-spam policy")
        case .bulk: (reason, policyType) = ("Bulk", "Anti-spam policy")
        case nil: (reason, policyType) = ("Transport rule", "Transport rule")
        }
    }
}
