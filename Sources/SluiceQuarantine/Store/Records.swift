import Foundation
import GRDB
import SluiceChecking
import SluiceEngine
import SluiceMessage

/// Where one recipient's copy stands (the reference's "Release status", §4.6).
public enum ReleaseStatus: String, Sendable, Codable, CaseIterable {
    case needsReview = "needs-review"
    case releaseRequested = "release-requested"
    case released
    case denied
    case deleted

    /// The portal's wording.
    public var displayName: String {
        switch self {
        case .needsReview: "Needs review"
        case .releaseRequested: "Release requested"
        case .released: "Released"
        case .denied: "Denied"
        case .deleted: "Deleted"
        }
    }
}

/// One recipient's quarantined copy of a stored message, with what is needed to list and act on it.
public struct QuarantinedCopy: Sendable, Codable {
    /// The message's id: what `show`, `release` and the other commands take.
    public var id: Int64
    public var copyID: Int64
    public var recipient: String
    public var sender: String?
    public var subject: String?
    public var messageIDHeader: String?
    public var receivedAt: Timestamp
    public var expiresAt: Timestamp
    /// `Spam`, `Bulk`, `Phishing`, `High confidence phishing`, `Malware`, `Transport rule` (§4.6).
    public var reason: String
    /// `Anti-spam policy`, `Anti-phishing policy`, `Anti-malware policy`, `Transport rule`.
    public var policyType: String
    public var verdict: String?
    public var category: String
    public var quarantinePolicy: String
    /// This recipient's effective permissions (after the hard rules).
    public var permissions: [QuarantinePermission]
    public var notify: Bool
    public var status: ReleaseStatus
    public var statusAt: Timestamp?
    public var statusBy: String?
    public var notifiedIn: Int64?
    public var policyHash: String
    public var size: Int

    static let columns = """
        q.id AS copyID, q.messageId, q.recipient, m.sender, m.subject, m.messageID AS messageIDHeader, m.receivedAt,
        q.expiresAt, q.reason, q.policyType, q.verdict, q.category, q.quarantinePolicy, q.permissions, q.notify,
        q.status, q.statusAt, q.statusBy, q.notifiedIn, q.policyHash, m.size
        """

    init(row: Row) {
        id = row["messageId"]
        copyID = row["copyID"]
        recipient = row["recipient"]
        sender = row["sender"]
        subject = row["subject"]
        messageIDHeader = row["messageIDHeader"]
        receivedAt = Timestamp(seconds: row["receivedAt"])
        expiresAt = Timestamp(seconds: row["expiresAt"])
        reason = row["reason"]
        policyType = row["policyType"]
        verdict = row["verdict"]
        category = row["category"]
        quarantinePolicy = row["quarantinePolicy"]
        permissions = (row["permissions"] as String).split(separator: ",").compactMap { QuarantinePermission(rawValue: String($0)) }
        notify = row["notify"]
        status = ReleaseStatus(rawValue: row["status"]) ?? .needsReview
        statusAt = (row["statusAt"] as Int64?).map(Timestamp.init(seconds:))
        statusBy = row["statusBy"]
        notifiedIn = row["notifiedIn"]
        policyHash = row["policyHash"]
        size = row["size"]
    }

    /// Whether the recipient sees the copy at all: with no access and no notification it is
    /// invisible to them (§4.2).
    public var visibleToRecipient: Bool { notify || permissions.contains { $0 != .viewHeaders } }
}

/// A stored message: the bytes as received, the envelope it was decided with and the
/// authserv-ids trusted beyond the policy's.
public struct StoredMessage: Sendable {
    public var id: Int64
    public var raw: [UInt8]
    public var sha256: String
    public var envelope: Envelope
    public var trustedAuthservIDs: Set<String>
    public var source: String?
    public var receivedAt: Timestamp
}

extension QuarantineStore {
    /// One message's bytes and envelope.
    public func message(_ id: Int64) throws(QuarantineError) -> StoredMessage {
        let found: StoredMessage? = try read { db in try Self.message(id, in: db) }
        guard let found else { throw .noSuchMessage(id) }
        return found
    }

    static func message(_ id: Int64, in db: Database) throws -> StoredMessage? {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, raw, sha256, envelope, trustedAuthservIDs, source, receivedAt FROM message WHERE id = ?", arguments: [id])
        else { return nil }
        let envelope = try JSONDecoder().decode(Envelope.self, from: Data((row["envelope"] as String).utf8))
        return StoredMessage(id: id, raw: [UInt8](row["raw"] as Data), sha256: row["sha256"], envelope: envelope,
                             trustedAuthservIDs: Set((row["trustedAuthservIDs"] as String).split(separator: ",").map(String.init)),
                             source: row["source"], receivedAt: Timestamp(seconds: row["receivedAt"]))
    }

    /// Every recipient's copy of a message.
    public func copies(of id: Int64) throws(QuarantineError) -> [QuarantinedCopy] {
        let copies = try read { db in
            try Row.fetchAll(db, sql: "SELECT \(QuarantinedCopy.columns) FROM quarantine q JOIN message m ON m.id = q.messageId WHERE q.messageId = ? ORDER BY q.id",
                             arguments: [id]).map(QuarantinedCopy.init(row:))
        }
        if copies.isEmpty { throw .noSuchMessage(id) }
        return copies
    }

    /// The decision stored for one copy.
    public func decision(messageID: Int64, recipient: String) throws(QuarantineError) -> Decision {
        let json: String? = try read { db in
            try String.fetchOne(db, sql: "SELECT decision FROM quarantine WHERE messageId = ? AND recipient = ?", arguments: [messageID, recipient])
        }
        guard let json else { throw .notARecipient(messageID, recipient) }
        do {
            return try JSONDecoder().decode(Decision.self, from: Data(json.utf8))
        } catch {
            throw .database(path, "the stored decision of message \(messageID) does not decode: \(error)")
        }
    }
}

extension StoredMessage {
    /// The stored envelope as input for a fresh resolution (explanations resolve their own).
    public var envelopeInput: EnvelopeInput {
        EnvelopeInput(mailFrom: envelope.mailFrom?.value, rcptTo: envelope.recipients?.value, clientIP: envelope.clientIP.map { "\($0.value)" },
                      helo: envelope.helo?.value, ptr: envelope.ptr?.value)
    }
}
