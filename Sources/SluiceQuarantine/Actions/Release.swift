import Foundation
import GRDB
import Synchronization

/// Where released messages go: files in an outbox directory, or a sendmail-style command that
/// reads the message on standard input and gets the recipient as its last argument, stopped
/// when it takes longer than `timeout` seconds.
public enum ReleaseDestination: Sendable, CustomStringConvertible {
    case outbox(String)
    case command(String, timeout: Int)

    public var description: String {
        switch self {
        case .outbox(let directory): "outbox `\(directory)`"
        case .command(let command, _): "command `\(command)`"
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
    /// an admin all copies not yet released when `recipients` is empty). Every named copy is
    /// checked before anything is delivered, so a refusal delivers nothing.
    public func release(_ id: Int64, recipients: [String] = [], by actor: Actor, to destination: ReleaseDestination,
                        at now: Timestamp) throws(QuarantineError) -> [ReleasedCopy] {
        try deliverCopies(by: actor, to: destination, at: now, note: "released") { db in
            let copies = try targetCopies(id, actor: actor, recipients: recipients, in: db)
            for copy in copies {
                try authorize(copy, actor: actor, .release, action: "release",
                              hint: copy.permissions.contains(.requestRelease)
                                  ? "request release instead (`sluice quarantine request-release \(id) --as \(copy.recipient)`)" : nil)
            }
            // An admin releasing "all" skips the copies that cannot be released any more; a copy
            // named (or a recipient's own) that cannot be is an error.
            let all = actor == .admin && recipients.isEmpty
            var eligible: [QuarantinedCopy] = []
            for copy in copies {
                if let refusal = try releaseRefusal(copy, at: now, in: db) {
                    if !all { throw refusal }
                } else {
                    eligible.append(copy)
                }
            }
            if eligible.isEmpty, let first = copies.first, let refusal = try releaseRefusal(first, at: now, in: db) { throw refusal }
            return eligible
        }
    }

    /// Why a copy cannot be released now: released before, deleted, or past its retention.
    func releaseRefusal(_ copy: QuarantinedCopy, at now: Timestamp, in db: Database) throws -> QuarantineError? {
        let releasedBefore = try Bool.fetchOne(db, sql: "SELECT 1 FROM release WHERE quarantineId = ?", arguments: [copy.copyID]) == true
        if copy.status == .released || releasedBefore { return .alreadyReleased(copy.id, copy.recipient) }
        if copy.status == .deleted { return .wrongStatus(copy.id, copy.recipient, status: "deleted", action: "released") }
        if copy.expiresAt <= now { return .wrongStatus(copy.id, copy.recipient, status: "past its retention", action: "released") }
        return nil
    }

    /// Releases the copies `select` picks (and vets) inside a transaction. To an outbox, all of
    /// them in that one transaction: the files' names are fixed by message and recipient, so a
    /// rollback or crash before the commit leaves files that a retry rewrites, not duplicates.
    /// To a command, which cannot be taken back, each copy in its own transaction, re-checked
    /// under the lock: what was piped is recorded at once, and a failure stops the rest.
    func deliverCopies(by actor: Actor, to destination: ReleaseDestination, at now: Timestamp, note: String,
                       select: (Database) throws -> [QuarantinedCopy]) throws(QuarantineError) -> [ReleasedCopy] {
        if case .outbox = destination {
            return try write { db in try select(db).map { try release(copy: $0, by: actor, to: destination, at: now, note: note, in: db) } }
        }
        let copies = try write { db in try select(db) }
        var released: [ReleasedCopy] = []
        for copy in copies {
            do {
                released.append(try write { db in
                    let current = try targetCopies(copy.id, actor: .admin, recipients: [copy.recipient], in: db)[0]
                    return try release(copy: current, by: actor, to: destination, at: now, note: note, in: db)
                })
            } catch {
                guard !released.isEmpty else { throw error }
                throw .delivery("\(error); released before it: \(released.map(\.recipient).joined(separator: ", "))")
            }
        }
        return released
    }

    /// Delivers one copy and records it, inside the caller's transaction.
    func release(copy: QuarantinedCopy, by actor: Actor, to destination: ReleaseDestination, at now: Timestamp, note: String,
                 in db: Database) throws -> ReleasedCopy {
        if let refusal = try releaseRefusal(copy, at: now, in: db) { throw refusal }
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
            let url = URL(fileURLWithPath: directory).appendingPathComponent("released-\(messageID)-\(Self.fileSafe(recipient)).eml")
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(bytes).write(to: url, options: .atomic)
            } catch {
                throw QuarantineError.delivery("cannot write `\(url.path)`: \(error.localizedDescription)")
            }
            return url.path
        case .command(let command, let timeout):
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command + " \"$1\"", "sluice-release", recipient]
            let input = Pipe()
            process.standardInput = input
            // What the command prints is not sluice's output (which may be JSON).
            process.standardOutput = FileHandle.standardError
            // A command that exits without reading all of its input must not kill sluice with
            // SIGPIPE: the write fails instead, and the command's exit status says why.
            signal(SIGPIPE, SIG_IGN)
            let finished = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in finished.signal() }
            do {
                try process.run()
            } catch {
                throw QuarantineError.delivery("cannot run `\(command)`: \(error.localizedDescription)")
            }
            // Written from another thread, so a command that neither reads nor exits cannot hold
            // sluice (and the store's lock) past the deadline.
            let writer = input.fileHandleForWriting
            let written = Mutex<(any Error)?>(nil)
            DispatchQueue.global().async {
                do { try writer.write(contentsOf: Data(bytes)) } catch { written.withLock { $0 = error } }
                try? writer.close()
            }
            if finished.wait(timeout: .now() + .seconds(timeout)) == .timedOut {
                // Foundation starts the command as a process group leader: stopping the group stops
                // what the shell started too, which would otherwise live on.
                kill(-process.processIdentifier, SIGTERM)
                if finished.wait(timeout: .now() + .seconds(1)) == .timedOut { kill(-process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                throw QuarantineError.delivery("`\(command)` did not finish within \(timeout) s for `\(recipient)`; stopped")
            }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw QuarantineError.delivery("`\(command)` exited with status \(process.terminationStatus) for `\(recipient)`")
            }
            if let writeError = written.withLock({ $0 }) {
                throw QuarantineError.delivery("`\(command)` did not read the whole message: \(writeError.localizedDescription)")
            }
            return "command `\(command)`"
        }
    }

    /// A recipient address as part of a file name (`/` is legal in a local part).
    static func fileSafe(_ address: String) -> String {
        address.replacingOccurrences(of: "/", with: "_")
    }
}
