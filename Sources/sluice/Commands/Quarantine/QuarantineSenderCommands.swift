import ArgumentParser
import SluiceChecking
import SluiceQuarantine

/// `block-sender` and `allow-sender`: the message's From address goes on the recipient's
/// blocked or safe senders, where that recipient's lists are written (reference §8).
struct SenderListOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: "The message id.")
    var id: Int64

    @Option(help: "The policy whose user lists change (its user-lists files, inline blocks, or a new block at its end).")
    var policy: String

    @Option(help: "Change this recipient's list (admin; repeatable; default every recipient of the message).")
    var to: [String] = []

    func run(_ list: SenderList, permission: QuarantinePermission, verb: String) throws {
        let opened = try store.open()
        let now = try store.moment()
        let (copies, sender) = try storeAction { () throws(QuarantineError) in
            try opened.senderListTargets(id, recipients: to, as: actor.actor, permission)
        }
        guard let sender else {
            Terminal.writeError("error: message \(id) has no From address to \(verb)")
            throw ExitStatus.failure
        }
        for copy in copies {
            guard case .success(let recipient) = EmailAddress.parse(copy.recipient) else { continue }
            // Read, edit and audit under the store's lock: two processes editing lists take turns.
            let change = try opened.exclusively { audit -> FileChange? in
                let checked = try PolicyInput.checked(policy)
                let change = try storeAction { () throws(QuarantineError) in
                    try UserListEdit.adding(sender, to: list, of: recipient, policy: checked, root: policy, date: now.day)
                }
                guard let change else { return nil }
                try storeAction { () throws(QuarantineError) in
                    try UserListEdit.apply(change) { PolicyChecker.load(policy).diagnostics.allSatisfy { $0.severity != .error } }
                }
                audit(verb == "block" ? "sender blocked" : "sender allowed", id, copy.recipient, actor.actor,
                          "`\(sender)` added to \(list.rawValue) in `\(change.path)`", now)
                return change
            }
            if let change {
                print("added \(sender) to \(copy.recipient)'s \(list.rawValue) in \(change.path)")
            } else {
                print("\(sender) is already on \(copy.recipient)'s \(list.rawValue)")
            }
        }
    }
}

struct QuarantineBlockSenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block-sender", abstract: "Put the message's sender on the recipient's blocked senders (needs block-sender).")

    @OptionGroup var options: SenderListOptions

    func run() throws { try options.run(.blockedSenders, permission: .blockSender, verb: "block") }
}

struct QuarantineAllowSenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow-sender", abstract: "Put the message's sender on the recipient's safe senders (needs allow-sender).")

    @OptionGroup var options: SenderListOptions

    func run() throws { try options.run(.safeSenders, permission: .allowSender, verb: "allow") }
}
