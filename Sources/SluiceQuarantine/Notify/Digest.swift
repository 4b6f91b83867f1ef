import Foundation
import GRDB
import SluiceChecking

/// One recipient's digest as written.
public struct DigestResult: Sendable, Codable, Equatable {
    public var id: Int64
    public var recipient: String
    public var path: String
    public var messageIDs: [Int64]
}

extension QuarantineStore {
    /// Writes one digest per recipient with messages due by `now`: copies whose quarantine
    /// policy notifies, still in quarantine and not yet in a digest. The digests are written
    /// and their copies marked in one transaction, so each copy appears in exactly one digest;
    /// a crash before the commit leaves them due, and the retry rewrites the same files.
    public func notify(at now: Timestamp, outbox: String) throws(QuarantineError) -> [DigestResult] {
        try write { db in
            let pending = try Row.fetchAll(db, sql: """
                SELECT \(QuarantinedCopy.columns), q.cadenceHours, q.digestSender FROM quarantine q JOIN message m ON m.id = q.messageId
                WHERE q.notify = 1 AND q.notifiedIn IS NULL AND q.status IN (?, ?) AND q.expiresAt > ?
                ORDER BY q.recipient, m.receivedAt, q.id
                """, arguments: [ReleaseStatus.needsReview.rawValue, ReleaseStatus.releaseRequested.rawValue, now.seconds])
            let due = pending.filter { row in
                DigestSchedule.due(arrival: Timestamp(seconds: row["receivedAt"]), cadenceHours: row["cadenceHours"]) <= now
            }
            var results: [DigestResult] = []
            for (recipient, rows) in Dictionary(grouping: due, by: { $0["recipient"] as String }).sorted(by: { $0.key < $1.key }) {
                let copies = rows.map(QuarantinedCopy.init(row:))
                try db.execute(sql: "INSERT INTO digest (recipient, sentAt, path, messageCount) VALUES (?, ?, '', ?)",
                               arguments: [recipient, now.seconds, copies.count])
                let digestID = db.lastInsertedRowID
                let bytes = DigestMessage(id: digestID, recipient: recipient, sender: rows[0]["digestSender"], copies: copies, at: now).bytes
                let url = URL(fileURLWithPath: outbox).appendingPathComponent("digest-\(digestID)-\(recipient).eml")
                do {
                    try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
                    try Data(bytes).write(to: url, options: .atomic)
                } catch {
                    throw QuarantineError.delivery("cannot write `\(url.path)`: \(error.localizedDescription)")
                }
                try db.execute(sql: "UPDATE digest SET path = ? WHERE id = ?", arguments: [url.path, digestID])
                for copy in copies {
                    try db.execute(sql: "UPDATE quarantine SET notifiedIn = ? WHERE id = ?", arguments: [digestID, copy.copyID])
                }
                try audit(db, at: now, actor: .system, action: "notified", messageID: nil, recipient: recipient,
                          detail: "digest \(digestID) with message\(copies.count == 1 ? "" : "s") \(copies.map { "\($0.id)" }.joined(separator: ", "))")
                results.append(DigestResult(id: digestID, recipient: recipient, path: url.path, messageIDs: copies.map(\.id)))
            }
            return results
        }
    }
}

/// A quarantine notification (reference §4.4): sender, subject and date (UTC) of each message,
/// and only the actions the recipient's permissions allow — Review message always, Release,
/// Request release, Block sender. RFC 5322 with text and HTML alternatives.
struct DigestMessage {
    var id: Int64
    var recipient: String
    var sender: String
    var copies: [QuarantinedCopy]
    var at: Timestamp

    var subject: String {
        "Sluice quarantine: you have \(copies.count) new message\(copies.count == 1 ? "" : "s") in quarantine"
    }

    /// Each message's actions as the commands that perform them.
    func actions(_ copy: QuarantinedCopy) -> [(name: String, command: String)] {
        var actions = [("Review message", "sluice quarantine show \(copy.id) --as \(recipient)")]
        if copy.permissions.contains(.release) { actions.append(("Release", "sluice quarantine release \(copy.id) --as \(recipient)")) }
        if copy.permissions.contains(.requestRelease) {
            actions.append(("Request release", "sluice quarantine request-release \(copy.id) --as \(recipient)"))
        }
        if copy.permissions.contains(.blockSender) {
            actions.append(("Block sender", "sluice quarantine block-sender \(copy.id) --as \(recipient) --policy POLICY"))
        }
        return actions
    }

    var text: String {
        var lines = ["These messages were quarantined for you. They are kept until the date shown.", ""]
        for copy in copies {
            lines.append("Sender:  \(Self.oneLine(copy.sender ?? "(none)"))")
            lines.append("Subject: \(Self.oneLine(copy.subject ?? "(no subject)"))")
            lines.append("Date:    \(copy.receivedAt)")
            lines.append("Expires: \(copy.expiresAt.day)")
            for action in actions(copy) { lines.append("  \(action.name): \(action.command)") }
            lines.append("")
        }
        return lines.joined(separator: "\r\n")
    }

    var html: String {
        var rows = ""
        for copy in copies {
            let actionList = actions(copy).map { "<li>\(escape($0.name)): <code>\(escape($0.command))</code></li>" }.joined()
            rows += "<tr><td>\(escape(Self.oneLine(copy.sender ?? "(none)")))</td><td>\(escape(Self.oneLine(copy.subject ?? "(no subject)")))</td>"
                + "<td>\(escape(copy.receivedAt.description))</td><td><ul>\(actionList)</ul></td></tr>\r\n"
        }
        return """
            <!DOCTYPE html>\r
            <html><head><meta charset="utf-8"><title>\(escape(subject))</title></head><body>\r
            <p>These messages were quarantined for you. They are kept until the date shown.</p>\r
            <table><tr><th>Sender</th><th>Subject</th><th>Date (UTC)</th><th>Actions</th></tr>\r
            \(rows)</table></body></html>\r

            """
    }

    /// A sender's subject is theirs to choose: control characters (a decoded CR LF could forge
    /// a MIME part) become spaces.
    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
    }

    var bytes: [UInt8] {
        // Unguessable, so no subject can close the part it sits in.
        let boundary = "=_sluice-digest-\(id)-\(UUID().uuidString)"
        let domain = sender.split(separator: "@").last.map(String.init) ?? "sluice.invalid"
        let headers = [
            "From: \(sender)",
            "To: \(recipient)",
            "Subject: \(subject)",
            "Date: \(at.rfc5322)",
            "Message-ID: <digest-\(id).\(at.seconds)@\(domain)>",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
        ]
        let body = [
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(text),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(html),
            "--\(boundary)--",
            "",
        ]
        return Array((headers + [""] + body).joined(separator: "\r\n").utf8)
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// Quoted-printable (RFC 2045 §6.7) for the digest's parts: lines stay under 76 characters
/// whatever the subjects hold, and the bytes stay 7-bit.
enum QuotedPrintable {
    static func encode(_ text: String) -> String {
        var output: [String] = []
        for line in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast)
                let piece = literal ? String(UnicodeScalar(byte)) : "=" + hex(byte)
                if current.utf8.count + piece.utf8.count > 75 {
                    output.append(current + "=")
                    current = ""
                }
                current += piece
            }
            output.append(current)
        }
        return output.joined(separator: "\r\n")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
