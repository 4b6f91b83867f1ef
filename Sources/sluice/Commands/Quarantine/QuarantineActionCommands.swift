import ArgumentParser
import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
import SluiceQuarantine

struct QuarantineReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release a message to its recipients (never twice to the same one).",
        discussion: """
            A recipient releases their own copy when their quarantine policy allows release (the \
            hard rules leave malware and high confidence phish at request-release at most). An \
            admin releases to every recipient not yet released, or to those named with --to, and \
            with --allow --policy FILE also adds the recommended tenant allow entry (the one \
            `sluice explain` verifies) to the policy file. The released message gets an \
            `X-Sluice-Released` header and goes to --outbox (default ./outbox) or --sendmail.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var destination: DestinationOptions

    @Argument(help: "The message id.")
    var id: Int64

    @Option(help: "Release only to this recipient (admin; repeatable).")
    var to: [String] = []

    @Flag(help: "Also add the recommended allow entry to --policy (admin), as `sluice explain --apply` would.")
    var allow = false

    @Option(help: "The policy file --allow edits.")
    var policy: String?

    func validate() throws {
        if !to.isEmpty && !actor.admin { throw ValidationError("--to chooses recipients for an admin release: give --admin") }
        if allow && (!actor.admin || policy == nil) { throw ValidationError("--allow adds a tenant allow entry: give --admin and --policy") }
    }

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let recipients = to.map { $0.lowercased() }
        // The allow is worked out before anything changes, and written only after the release
        // succeeded: a refused release leaves the policy as it was.
        let allowEntry = try allow ? policy.map { path in
            let copies = try storeAction { () throws(QuarantineError) in try opened.copies(of: id) }
            let recipient = recipients.first ?? copies[0].recipient
            return (path, try PolicyFileEdit.recommendedEntry(for: id, recipient: recipient, store: opened, policy: path, date: now.day))
        } : nil
        let released = try storeAction { () throws(QuarantineError) in
            try opened.release(id, recipients: recipients, by: actor.actor, to: destination.destination, at: now)
        }
        for copy in released { print("released message \(copy.messageID) to \(copy.recipient): \(copy.destination)") }
        if let (path, entry) = allowEntry {
            try PolicyFileEdit.add(entry, to: path, date: now.day)
            try storeAction { () throws(QuarantineError) in
                try opened.recordAction("allow added", messageID: id, recipient: nil, by: .admin, detail: "`\(entry)` added to `\(path)`", at: now)
            }
        }
    }
}

struct QuarantineRequestReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request-release", abstract: "Ask an admin to release your copy (needs the request-release permission).")

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("as"), help: "The recipient asking.")
    var recipient: String

    @Argument(help: "The message id.")
    var id: Int64

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        try storeAction { () throws(QuarantineError) in try opened.requestRelease(id, by: .recipient(recipient.lowercased()), at: now) }
        print("release of message \(id) requested for \(recipient.lowercased()); an admin approves or denies it")
    }
}

struct QuarantineApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve release requests (admin): the requesting copies are released.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var destination: DestinationOptions

    @Argument(help: "The message id.")
    var id: Int64

    @Option(help: "Approve only this recipient's request (repeatable).")
    var to: [String] = []

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let released = try storeAction { () throws(QuarantineError) in try opened.approve(id, recipients: to, to: destination.destination, at: now) }
        for copy in released { print("approved: released message \(copy.messageID) to \(copy.recipient): \(copy.destination)") }
    }
}

struct QuarantineDenyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny", abstract: "Deny a message's release requests (admin; applies to all its recipients).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The message id.")
    var id: Int64

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let denied = try storeAction { () throws(QuarantineError) in try opened.deny(id, at: now) }
        print("denied the release of message \(id) to \(denied.joined(separator: ", "))")
    }
}

struct QuarantineDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete copies (recoverable until purged); --permanently (admin) removes the message now.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: "The message id.")
    var id: Int64

    @Option(help: "Delete only this recipient's copy (admin; repeatable).")
    var to: [String] = []

    @Flag(help: "Remove the message and every copy from the store now (admin).")
    var permanently = false

    func validate() throws {
        if permanently && (!actor.admin || !to.isEmpty) { throw ValidationError("--permanently removes the message for every recipient: give --admin and no --to") }
        if !to.isEmpty && !actor.admin { throw ValidationError("--to chooses recipients for an admin: give --admin") }
    }

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let deleted = try storeAction { () throws(QuarantineError) in
            try opened.delete(id, recipients: to, by: actor.actor, permanently: permanently, at: now)
        }
        print("\(permanently ? "permanently deleted" : "deleted") message \(id) for \(deleted.joined(separator: ", "))")
    }
}

struct QuarantinePurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Remove every copy past its retention, and the messages left with none.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let (copies, messages) = try storeAction { () throws(QuarantineError) in try opened.purge(at: now) }
        print("purged \(copies) expired cop\(copies == 1 ? "y" : "ies") and \(messages) message\(messages == 1 ? "" : "s")")
    }
}
