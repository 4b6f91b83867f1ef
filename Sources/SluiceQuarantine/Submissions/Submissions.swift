import Foundation
import GRDB
import SluiceEngine
import SluiceMessage

/// What a recipient reports a message as (the reference's user-reported submissions, §7).
public enum SubmissionReason: String, Sendable, Codable, CaseIterable {
    case notJunk = "not-junk"
    case phishing
    case spam
    case malware

    /// A report that the message is good (an allow may follow) rather than bad (a block may).
    public var reportsGood: Bool { self == .notJunk }
}

public struct Submission: Sendable, Codable {
    public var id: Int64
    public var messageID: Int64
    public var reporter: String
    public var reason: SubmissionReason
    /// `quarantine` (reported from a quarantined copy) or `file` (a message the user held).
    public var origin: String
    public var submittedAt: Timestamp
    /// `pending` or `resolved`.
    public var status: String
    public var conclusion: String?
    public var resolvedBy: String?
    public var resolvedAt: Timestamp?
    /// The entry the admin added when resolving, as written.
    public var entryAdded: String?
    public var sender: String?
    public var subject: String?
}

extension QuarantineStore {
    /// A recipient reports their quarantined copy (an admin may report any).
    public func report(_ messageID: Int64, by actor: Actor, reason: SubmissionReason, at now: Timestamp) throws(QuarantineError) -> Int64 {
        try write { db in
            let copy = try targetCopies(messageID, actor: actor, recipients: [], in: db)[0]
            return try insertSubmission(db, messageID: messageID, reporter: actor == .admin ? "admin" : copy.recipient, reason: reason,
                                        origin: "quarantine", at: now)
        }
    }

    /// A user submits a message they hold (delivered, or from anywhere): the message is kept
    /// with the report, once per content and reporter.
    public func submit(bytes: [UInt8], message: Message, envelope: Envelope, reporter: String, reason: SubmissionReason,
                       source: String?, at now: Timestamp) throws(QuarantineError) -> Int64 {
        let sha256 = sha256Hex(bytes)
        let fingerprint = sha256 + "|submitted-by:" + reporter.lowercased()
        return try write { db in
            let messageID: Int64
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM message WHERE fingerprint = ?", arguments: [fingerprint]) {
                messageID = existing
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO message (fingerprint, sha256, raw, size, sender, envelope, trustedAuthservIDs, subject, messageID, dateHeader, source, receivedAt)
                        VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)
                        """,
                    arguments: [fingerprint, sha256, Data(bytes), bytes.count, message.author?.address.lowercased(),
                                String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self), message.subject, message.messageID,
                                message.headers["Date"]?.trimmingCharacters(in: .whitespaces), source, now.seconds])
                messageID = db.lastInsertedRowID
            }
            return try insertSubmission(db, messageID: messageID, reporter: reporter.lowercased(), reason: reason, origin: "file", at: now)
        }
    }

    private func insertSubmission(_ db: Database, messageID: Int64, reporter: String, reason: SubmissionReason, origin: String,
                                  at now: Timestamp) throws -> Int64 {
        try db.execute(sql: "INSERT INTO submission (messageId, reporter, reason, origin, submittedAt, status) VALUES (?, ?, ?, ?, ?, 'pending')",
                       arguments: [messageID, reporter, reason.rawValue, origin, now.seconds])
        let id = db.lastInsertedRowID
        try audit(db, at: now, actor: reporter == "admin" ? .admin : .recipient(reporter), action: "reported", messageID: messageID,
                  recipient: reporter, detail: "submission \(id): \(reason.rawValue) (from \(origin))")
        return id
    }

    /// Submissions, newest first; `pending` narrows to those waiting for an admin.
    public func submissions(pendingOnly: Bool = false) throws(QuarantineError) -> [Submission] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.*, m.sender, m.subject FROM submission s JOIN message m ON m.id = s.messageId
                \(pendingOnly ? "WHERE s.status = 'pending'" : "") ORDER BY s.id DESC
                """).map(Self.submission(row:))
        }
    }

    public func submission(_ id: Int64) throws(QuarantineError) -> Submission {
        let found = try read { db in
            try Row.fetchOne(db, sql: "SELECT s.*, m.sender, m.subject FROM submission s JOIN message m ON m.id = s.messageId WHERE s.id = ?",
                             arguments: [id]).map(Self.submission(row:))
        }
        guard let found else { throw .noSuchSubmission(id) }
        return found
    }

    /// Records the admin's conclusion (and the entry added, if any); a submission is resolved once.
    public func resolve(_ id: Int64, conclusion: String, entryAdded: String?, at now: Timestamp) throws(QuarantineError) {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT messageId, status FROM submission WHERE id = ?", arguments: [id]) else {
                throw QuarantineError.noSuchSubmission(id)
            }
            guard row["status"] as String == "pending" else {
                throw QuarantineError.wrongStatus(row["messageId"], "submission \(id)", status: "resolved", action: "resolved again")
            }
            try db.execute(sql: "UPDATE submission SET status = 'resolved', conclusion = ?, resolvedBy = 'admin', resolvedAt = ?, entryAdded = ? WHERE id = ?",
                           arguments: [conclusion, now.seconds, entryAdded, id])
            try audit(db, at: now, actor: .admin, action: "submission resolved", messageID: row["messageId"], recipient: nil,
                      detail: "submission \(id): \(conclusion)" + (entryAdded.map { "; added `\($0)`" } ?? ""))
        }
    }

    static func submission(row: Row) -> Submission {
        Submission(id: row["id"], messageID: row["messageId"], reporter: row["reporter"],
                   reason: SubmissionReason(rawValue: row["reason"]) ?? .spam, origin: row["origin"],
                   submittedAt: Timestamp(seconds: row["submittedAt"]), status: row["status"], conclusion: row["conclusion"],
                   resolvedBy: row["resolvedBy"], resolvedAt: (row["resolvedAt"] as Int64?).map(Timestamp.init(seconds:)),
                   entryAdded: row["entryAdded"], sender: row["sender"], subject: row["subject"])
    }
}
