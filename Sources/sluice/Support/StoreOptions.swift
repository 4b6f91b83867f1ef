import ArgumentParser
import SluiceQuarantine

/// `--store PATH`: the quarantine database (default `$SLUICE_STORE`, else
/// `sluice-quarantine.sqlite` in the working directory).
struct StoreOptions: ParsableArguments {
    @Option(help: "The quarantine store (SQLite file); default $SLUICE_STORE, else ./sluice-quarantine.sqlite.")
    var store: String?

    @Option(help: "The time to act at (YYYY-MM-DD or RFC 3339, e.g. 2026-11-29T14:00:00Z); now by default.")
    var now: String?

    var path: String { store ?? QuarantineStore.defaultPath }

    /// Opens an existing store; commands that only read or act never create one by accident.
    func open(create: Bool = false) throws -> QuarantineStore { try Self.open(path, create: create) }

    static func open(_ path: String, create: Bool) throws -> QuarantineStore {
        do {
            return try QuarantineStore(path: path, create: create)
        } catch {
            Terminal.writeError("error: \(error)")
            throw ExitStatus.usageOrInput
        }
    }

    func moment() throws -> Timestamp { try EvaluationDate.moment(now) }
}

/// Who acts: `--as ADDRESS` (a recipient, within their permissions) or `--admin`.
struct ActorOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "Act as this recipient, within their quarantine policy's permissions.")
    var recipient: String?

    @Flag(help: "Act as an admin: every message, every action.")
    var admin = false

    func validate() throws {
        if (recipient == nil) == !admin { throw ValidationError("give exactly one of --as ADDRESS and --admin") }
    }

    var actor: Actor { recipient.map { .recipient($0.lowercased()) } ?? .admin }
}

/// Where released messages go: `--outbox DIR` (default `outbox`) or `--sendmail COMMAND`.
struct DestinationOptions: ParsableArguments {
    @Option(help: "Directory released messages are written to (default: ./outbox).")
    var outbox: String?

    @Option(help: "A sendmail-style command to pipe each released message to; the recipient is appended as its last argument.")
    var sendmail: String?

    @Option(help: "Seconds the --sendmail command may take for one message before it is stopped and the release fails.")
    var sendmailTimeout = 60

    func validate() throws {
        if outbox != nil && sendmail != nil { throw ValidationError("give at most one of --outbox and --sendmail") }
        if sendmailTimeout < 1 { throw ValidationError("--sendmail-timeout must be at least 1 second") }
    }

    var destination: ReleaseDestination {
        sendmail.map { ReleaseDestination.command($0, timeout: sendmailTimeout) } ?? .outbox(outbox ?? "outbox")
    }
}

/// Runs a store operation, printing its refusal as an error: exit 1 when the quarantine refused
/// (not permitted, already released), 2 when the store itself failed.
func storeAction<T>(_ body: () throws(QuarantineError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        Terminal.writeError("error: \(error)")
        switch error {
        case .noStore, .newerSchema, .database, .noSuchMessage, .noSuchSubmission: throw ExitStatus.usageOrInput
        default: throw ExitStatus.failure
        }
    }
}
