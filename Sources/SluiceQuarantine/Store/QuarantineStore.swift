import Foundation
import GRDB

/// The quarantine: one SQLite file (WAL journal) holding the messages exactly as received, each
/// recipient's copy with its decision and status, releases, digests, submissions, entry usage
/// and an audit log. Every change is one immediate transaction, so a process killed at any point
/// leaves the store as it was before or after the change, and two processes changing the same
/// copy take turns.
public final class QuarantineStore: Sendable {
    public let path: String
    let database: DatabaseQueue

    /// Where a store lives when a command is not told: `$SLUICE_STORE`, else
    /// `sluice-quarantine.sqlite` in the working directory.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["SLUICE_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sluice-quarantine.sqlite"
    }

    /// Opens (creating when `create` and missing) and migrates the store at `path`.
    public init(path: String, create: Bool = true) throws(QuarantineError) {
        self.path = path
        if !create && !FileManager.default.fileExists(atPath: path) { throw .noStore(path) }
        var configuration = Configuration()
        configuration.journalMode = .wal
        // Other sluice processes may hold the write lock; wait for them rather than fail.
        configuration.busyMode = .timeout(30)
        configuration.label = "sluice-quarantine"
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = Schema.migrator
            if try database.read({ try migrator.hasBeenSuperseded($0) }) { throw QuarantineError.newerSchema(path) }
            do {
                try migrator.migrate(database)
            } catch {
                // Two processes creating the same new store race to migrate it; the loser finds
                // the migration applied when it looks again.
                try migrator.migrate(database)
            }
        } catch let error as QuarantineError {
            throw error
        } catch {
            throw .database(path, String(describing: error))
        }
    }

    /// Runs `body` in one immediate transaction: all of it lands, or none of it.
    func write<T>(_ body: (Database) throws -> T) throws(QuarantineError) -> T {
        do {
            return try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as QuarantineError {
            throw error
        } catch {
            throw .database(path, String(describing: error))
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(QuarantineError) -> T {
        do {
            return try database.read { try body($0) }
        } catch let error as QuarantineError {
            throw error
        } catch {
            throw .database(path, String(describing: error))
        }
    }

    /// Appends to the audit log, inside the caller's transaction.
    func audit(_ db: Database, at: Timestamp, actor: Actor, action: String, messageID: Int64?, recipient: String?, detail: String) throws {
        try db.execute(
            sql: "INSERT INTO audit (at, actor, action, messageId, recipient, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [at.seconds, actor.description, action, messageID, recipient, detail])
    }

    /// The audit log, oldest first, optionally for one message.
    public func auditLog(messageID: Int64? = nil) throws(QuarantineError) -> [AuditEvent] {
        try read { db in
            let filter = messageID == nil ? "" : " WHERE messageId = ?"
            return try Row.fetchAll(db, sql: "SELECT * FROM audit\(filter) ORDER BY id", arguments: StatementArguments(messageID.map { [$0] } ?? []))
                .map { row in
                    AuditEvent(id: row["id"], at: Timestamp(seconds: row["at"]), actor: row["actor"], action: row["action"],
                               messageID: row["messageId"], recipient: row["recipient"], detail: row["detail"])
                }
        }
    }
}

/// Who acts on the quarantine: an admin (everything) or a recipient (their own copies, within
/// their quarantine policy's permissions).
public enum Actor: Sendable, Hashable, CustomStringConvertible {
    case admin
    case recipient(String)
    /// Actions Sluice takes itself (re-evaluation releases, expiry).
    case system

    public var description: String {
        switch self {
        case .admin: "admin"
        case .recipient(let address): address
        case .system: "system"
        }
    }
}

public struct AuditEvent: Sendable, Codable {
    public var id: Int64
    public var at: Timestamp
    public var actor: String
    public var action: String
    public var messageID: Int64?
    public var recipient: String?
    public var detail: String
}
