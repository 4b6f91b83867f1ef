import ArgumentParser
import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
import SluiceQuarantine

struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "The quarantine store: list, show, preview, release, request/approve/deny, delete, purge, digests, re-evaluation.",
        discussion: """
            Messages enter the store through `sluice eval --quarantine-store PATH`. Every command \
            takes --store (default $SLUICE_STORE, else ./sluice-quarantine.sqlite) and --now. \
            Acting --as a recipient is held to that recipient's quarantine-policy permissions; \
            --admin may do everything. Every action is recorded in the audit log. Exit status: 0 \
            done; 1 refused (not permitted, already released, wrong state); 2 usage error, unknown \
            id, or a store that cannot be used.
            """,
        subcommands: [
            QuarantineIngestCommand.self, QuarantineListCommand.self, QuarantineShowCommand.self, QuarantinePreviewCommand.self,
            QuarantineReleaseCommand.self, QuarantineRequestReleaseCommand.self, QuarantineApproveCommand.self,
            QuarantineDenyCommand.self, QuarantineDeleteCommand.self, QuarantinePurgeCommand.self,
            QuarantineBlockSenderCommand.self, QuarantineAllowSenderCommand.self, QuarantineReportCommand.self,
            QuarantineNotifyCommand.self, QuarantineReevaluateCommand.self, QuarantineAuditCommand.self,
        ]
    )
}

struct QuarantineIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Decide messages and keep the quarantined ones: `sluice eval --quarantine-store` under another name.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var source: PolicyOptions

    @Argument(help: "Message files or directories, or - for standard input.")
    var messages: [String]

    func run() throws {
        let policy = source.policy.map { ["--policy", $0] } ?? ["--compiled", source.compiled!]
        let eval = try EvalCommand.parse(policy + ["--quarantine-store", store.path] + (store.now.map { ["--now", $0] } ?? []) + messages)
        try eval.run()
    }
}

enum ListFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

struct QuarantineListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List quarantined copies, oldest first, with filters.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions

    @Option(help: "Only this recipient's copies.")
    var recipient: String?
    @Option(help: "Only messages from this sender address, or from any address in this domain.")
    var sender: String?
    @Option(help: "Only this quarantine reason (Spam, Bulk, Phishing, \"High confidence phishing\", Malware, \"Transport rule\").")
    var reason: String?
    @Option(name: .customLong("policy-type"), help: "Only this policy type (anti-spam, anti-phishing, anti-malware, transport rule).")
    var policyType: String?
    @Option(help: "Only messages received at or after this time (YYYY-MM-DD or RFC 3339).")
    var since: String?
    @Option(help: "Only messages received before this time.")
    var until: String?
    @Option(help: "Only copies in this release status (\(ReleaseStatus.allCases.map(\.rawValue).joined(separator: ", "))); deleted copies show only when asked for.")
    var status: String?
    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    func run() throws {
        let opened = try store.open()
        var filter = QuarantineFilter(recipient: recipient, sender: sender, reason: reason,
                                      policyType: policyType.map(Self.policyTypeName))
        filter.receivedFrom = try since.map { try EvaluationDate.moment($0, option: "--since") }
        filter.receivedBefore = try until.map { try EvaluationDate.moment($0, option: "--until") }
        if let status {
            guard let parsed = ReleaseStatus(rawValue: status) else {
                throw ValidationError("--status: `\(status)` is not one of \(ReleaseStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = parsed
        }
        let copies = try storeAction { () throws(QuarantineError) in try opened.list(filter, as: actor.actor) }
        switch format {
        case .json: print(try JSONOutput.string(copies, pretty: true))
        case .text:
            if copies.isEmpty { print("no quarantined messages match"); return }
            print(QuarantineTable.render(copies))
        }
    }

    /// `anti-spam` → `Anti-spam policy`; a full name passes through.
    static func policyTypeName(_ given: String) -> String {
        switch given.lowercased() {
        case "anti-spam": "Anti-spam policy"
        case "anti-phishing": "Anti-phishing policy"
        case "anti-malware": "Anti-malware policy"
        case "transport-rule", "rule": "Transport rule"
        default: given
        }
    }
}

/// Quarantined copies as a fixed-width table that fits 100 columns.
enum QuarantineTable {
    static func render(_ copies: [QuarantinedCopy]) -> String {
        var lines = [row("ID", "RECEIVED", "RECIPIENT", "SENDER", "SUBJECT", "REASON", "STATUS")]
        for copy in copies {
            lines.append(row("\(copy.id)", String(copy.receivedAt.description.dropLast(" UTC".count)),
                             copy.recipient, copy.sender ?? "(none)", copy.subject ?? "(no subject)", copy.reason, copy.status.displayName))
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ id: String, _ received: String, _ recipient: String, _ sender: String, _ subject: String, _ reason: String,
                            _ status: String) -> String {
        [fit(id, 4), fit(received, 16), fit(recipient, 22), fit(sender, 22), fit(subject, 16), fit(reason, 10), status]
            .joined(separator: " ")
    }

    static func fit(_ raw: String, _ width: Int) -> String {
        let text = Preview.printable(raw)
        return text.count > width ? String(text.prefix(width - 1)) + "…" : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}

struct QuarantineShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One quarantined message: its headers, every recipient's copy, and the explanation of the decision.",
        discussion: """
            With --policy the decision is explained as `sluice explain` does (under that policy; \
            a note says when it is not the policy the message was decided under); without it, \
            the stored decision and its trace are printed.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: "The message id (from `sluice quarantine list`).")
    var id: Int64

    @Option(help: "The policy to explain the decision under (usually the current one).")
    var policy: String?

    @Option(help: "Explain the copy of this recipient (admin; default: the first).")
    var recipient: String?

    func run() throws {
        let opened = try store.open()
        let visible = try storeAction { () throws(QuarantineError) in
            try opened.list(QuarantineFilter(), as: actor.actor).filter { $0.id == id }
                + opened.list(QuarantineFilter(status: .deleted), as: actor.actor).filter { $0.id == id }
        }
        guard let chosen = visible.first(where: { recipient == nil || $0.recipient == recipient!.lowercased() }) else {
            // As preview does: an id the recipient cannot see is refused (1), an unknown one is an input error (2).
            if case .recipient(let address) = actor.actor, (try? opened.copies(of: id)) != nil {
                Terminal.writeError("error: \(QuarantineError.notARecipient(id, address))")
                throw ExitStatus.failure
            }
            Terminal.writeError("error: \(QuarantineError.noSuchMessage(id))")
            throw ExitStatus.usageOrInput
        }
        let stored = try storeAction { () throws(QuarantineError) in try opened.message(id) }
        let message = MessageReader().read(stored.raw)
        print("Message \(id), received \(stored.receivedAt)\(stored.source.map { " from `\($0)`" } ?? "")")
        for header in message.headers where ["from", "to", "cc", "subject", "date", "message-id", "return-path"].contains(header.name.lowercased()) {
            print("  \(header.name): \(Preview.printable(header.value.trimmingCharacters(in: .whitespaces)))")
        }
        print("")
        for copy in visible {
            print("  \(copy.recipient): \(copy.status.displayName), \(copy.reason) (\(copy.policyType)), policy \(copy.quarantinePolicy), "
                + "expires \(copy.expiresAt.day); may: \(copy.permissions.map(\.rawValue).joined(separator: ", "))")
        }
        print("")
        let decision = try storeAction { () throws(QuarantineError) in try opened.decision(messageID: id, recipient: chosen.recipient) }
        guard let policy else {
            print("Decision for \(chosen.recipient): \(decision.summaryLine)")
            print(decision.traceText)
            return
        }
        let checked = try PolicyInput.checked(policy)
        if PolicyHash.of(checked) != decision.policyHash {
            print("note: decided under policy \(decision.policyHash.prefix(12))…; explained under `\(policy)` (\(PolicyHash.of(checked).prefix(12))…)\n")
        }
        let explanation = try PolicyFileEdit.explainStored(id, recipient: chosen.recipient, store: opened, policy: checked, date: store.moment().day)
        print(ExplanationText(useColor: Terminal.stdoutSupportsColor).render(explanation), terminator: "")
    }
}

struct QuarantinePreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "The message's text, links shown but inert (needs the preview permission).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: "The message id.")
    var id: Int64

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let stored = try storeAction { () throws(QuarantineError) in try opened.authorizePreview(id, as: actor.actor, at: now) }
        print(Preview.render(MessageReader().read(stored.raw)), terminator: "")
    }
}

struct QuarantineAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log: every action on the quarantine, who, what and when.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only the actions on this message.")
    var message: Int64?

    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    func run() throws {
        let opened = try store.open()
        let events = try storeAction { () throws(QuarantineError) in try opened.auditLog(messageID: message) }
        switch format {
        case .json: print(try JSONOutput.string(events, pretty: true))
        case .text:
            for event in events {
                let target = [event.messageID.map { "message \($0)" }, event.recipient].compactMap { $0 }.joined(separator: " for ")
                print("\(event.at)  \(event.actor): \(event.action)\(target.isEmpty ? "" : " — \(target)"): \(event.detail)")
            }
        }
    }
}
