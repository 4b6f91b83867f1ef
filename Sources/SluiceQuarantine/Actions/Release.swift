import Foundation
import GRDB

/// Where released messages go: files in an outbox directory, or a sendmail-style command that
/// reads the message on standard input and gets the recipient as its last argument.
public enum ReleaseDestination: Sendable, CustomStringConvertible {
    case outbox(String)
    case command(String)

    public var description: String {
        switch self {
        case .outbox(let directory): "outbox `\(directory)`"
        case .command(let command): "command `\(command)`"
        }
    }
}

public struct ReleasedCopy: Sendable, Codable, Equatable {
    public var messageID: Int64
    public var recipient: String
    /// The outbox file, or the command it was piped to.
    public var destination: String
}

extension QuarantineStore {
    /// Releases message `id` to `recipients` (a recipient acting releases only their own copy;
    /// an admin all copies when `recipients` is empty). Each copy is released at most once:
    /// copies already released are refused, and two processes releasing the same copy at once
    /// meet at the release table's unique key inside one immediate transaction.
    public func release(_ id: Int64, recipients: [String] = [], by actor: Actor, to destination: ReleaseDestination,
                        at now: Timestamp) throws(QuarantineError) -> [ReleasedCopy] {
        try write { db in
            let copies = try targetCopies(id, actor: actor, recipients: recipients, in: db)
            for copy in copies {
                try authorize(copy, actor: actor, .release, action: "release",
                              hint: copy.permissions.contains(.requestRelease)
                                  ? "request release instead (`sluice quarantine request-release \(id) --as \(copy.recipient)`)" : nil)
            }
            // An admin releasing "all" skips the copies already released or deleted; naming a
            // copy that was released is an error, as is a recipient releasing twice.
            let eligible = copies.filter { copy in
                !(actor == .admin && recipients.isEmpty && (copy.status == .released || copy.status == .deleted))
            }
            if eligible.isEmpty, let first = copies.first { throw QuarantineError.alreadyReleased(id, first.recipient) }
            return try eligible.map { try release(copy: $0, by: actor, to: destination, at: now, note: "released", in: db) }
        }
    }

    /// Delivers one copy and records it, inside the caller's transaction. The delivery happens
    /// before the commit: a crash in between leaves the copy unreleased, and a retry writes the
    /// same outbox file again (its name is fixed by message and recipient).
    func release(copy: QuarantinedCopy, by actor: Actor, to destination: ReleaseDestination, at now: Timestamp, note: String,
                 in db: Database) throws -> ReleasedCopy {
        let releasedBefore = try Bool.fetchOne(db, sql: "SELECT 1 FROM release WHERE quarantineId = ?", arguments: [copy.copyID]) == true
        if copy.status == .released || releasedBefore {
            throw QuarantineError.alreadyReleased(copy.id, copy.recipient)
        }
        if copy.status == .deleted { throw QuarantineError.wrongStatus(copy.id, copy.recipient, status: "deleted", action: "released") }
        guard let stored = try Self.message(copy.id, in: db) else { throw QuarantineError.noSuchMessage(copy.id) }
        let bytes = Self.releasedBytes(stored.raw, recipient: copy.recipient, by: actor, at: now, id: copy.id)
        let delivered = try Self.deliver(bytes, messageID: copy.id, recipient: copy.recipient, to: destination)
        try db.execute(sql: "INSERT INTO release (quarantineId, releasedAt, releasedBy, destination) VALUES (?, ?, ?, ?)",
                       arguments: [copy.copyID, now.seconds, actor.description, delivered])
        try db.execute(sql: "UPDATE quarantine SET status = ?, statusAt = ?, statusBy = ? WHERE id = ?",
                       arguments: [ReleaseStatus.released.rawValue, now.seconds, actor.description, copy.copyID])
        try audit(db, at: now, actor: actor, action: note, messageID: copy.id, recipient: copy.recipient, detail: "to \(delivered)")
        return ReleasedCopy(messageID: copy.id, recipient: copy.recipient, destination: delivered)
    }

    /// The message as received with one header on top recording the release, in the message's
    /// own line ending.
    static func releasedBytes(_ raw: [UInt8], recipient: String, by actor: Actor, at now: Timestamp, id: Int64) -> [UInt8] {
        let crlf = raw.firstIndex(of: UInt8(ascii: "\n")).map { $0 > 0 && raw[$0 - 1] == UInt8(ascii: "\r") } ?? true
        let header = "X-Sluice-Released: to=\(recipient); by=\(actor); at=\(now.iso8601); quarantine-id=\(id)" + (crlf ? "\r\n" : "\n")
        return Array(header.utf8) + raw
    }

    static func deliver(_ bytes: [UInt8], messageID: Int64, recipient: String, to destination: ReleaseDestination) throws -> String {
        switch destination {
        case .outbox(let directory):
            let url = URL(fileURLWithPath: directory).appendingPathComponent("released-\(messageID)-\(recipient).eml")
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(bytes).write(to: url, options: .atomic)
            } catch {
                throw QuarantineError.delivery("cannot write `\(url.path)`: \(error.localizedDescription)")
            }
            return url.path
        case .command(let command):
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command + " \"$1\"", "sluice-release", recipient]
            let input = Pipe()
            process.standardInput = input
            // A command that exits without reading all of its input must not kill sluice with
            // SIGPIPE: the write fails instead, and the command's exit status says why.
            signal(SIGPIPE, SIG_IGN)
            do {
                try process.run()
            } catch {
                throw QuarantineError.delivery("cannot run `\(command)`: \(error.localizedDescription)")
            }
            var writeError: (any Error)?
            do {
                try input.fileHandleForWriting.write(contentsOf: Data(bytes))
            } catch {
                writeError = error
            }
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw QuarantineError.delivery("`\(command)` exited with status \(process.terminationStatus) for `\(recipient)`")
            }
            if let writeError {
                throw QuarantineError.delivery("`\(command)` did not read the whole message: \(writeError.localizedDescription)")
            }
            return "command `\(command)`"
        }
    }
}
