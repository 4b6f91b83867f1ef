import ArgumentParser
import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
import SluiceQuarantine

extension SubmissionReason: ExpressibleByArgument {}

struct QuarantineReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Report a quarantined message as not junk, phishing, spam or malware, for an admin to review.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: "The message id.")
    var id: Int64

    @Option(help: "What the message is: \(SubmissionReason.allCases.map(\.rawValue).joined(separator: ", ")).")
    var reason: SubmissionReason

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let submission = try storeAction { () throws(QuarantineError) in try opened.report(id, by: actor.actor, reason: reason, at: now) }
        print("submission \(submission): message \(id) reported as \(reason.rawValue); an admin reviews it with `sluice submissions show \(submission)`")
    }
}

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Report a message you hold as not junk, phishing, spam or malware, for an admin to review.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var envelope: EnvelopeOptions

    @Argument(help: "The message (RFC 5322 file, or - for standard input).")
    var message: String

    @Option(name: .customLong("as"), help: "The user reporting it.")
    var reporter: String

    @Option(help: "What the message is: \(SubmissionReason.allCases.map(\.rawValue).joined(separator: ", ")).")
    var reason: SubmissionReason

    func run() throws {
        let opened = try store.open(create: true)
        let now = try store.moment()
        let input = try InputFiles.readOne(message)
        let parsed = MessageReader().read(input.bytes)
        let given = try envelope.input()
        let (resolved, _) = Envelope.resolve(given: given.input, givenBy: given.source, message: parsed, trustedHosts: [])
        let submission = try storeAction { () throws(QuarantineError) in
            try opened.submit(bytes: input.bytes, message: parsed, envelope: resolved, reporter: reporter, reason: reason,
                              source: message == "-" ? nil : message, at: now)
        }
        print("submission \(submission): `\(input.name)` reported as \(reason.rawValue) by \(reporter.lowercased())")
    }
}

struct SubmissionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submissions",
        abstract: "Admin triage of user-reported messages: list, show (with the explanation), resolve.",
        subcommands: [SubmissionsListCommand.self, SubmissionsShowCommand.self, SubmissionsResolveCommand.self])
}

struct SubmissionsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Reported messages, newest first.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Only those waiting for an admin.")
    var pending = false

    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    func run() throws {
        let opened = try store.open()
        let submissions = try storeAction { () throws(QuarantineError) in try opened.submissions(pendingOnly: pending) }
        switch format {
        case .json: print(try JSONOutput.string(submissions, pretty: true))
        case .text:
            if submissions.isEmpty { print("no submissions"); return }
            for item in submissions {
                print("\(item.id)  \(item.submittedAt)  \(item.reason.rawValue) by \(item.reporter) (\(item.origin)): "
                    + "\(item.sender ?? "(no sender)") \"\(item.subject ?? "")\" — \(item.status)"
                    + (item.conclusion.map { ": \($0)" } ?? ""))
            }
        }
    }
}

struct SubmissionsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One submission with the submission-style result and the explanation under the policy.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The submission id.")
    var id: Int64

    @Option(help: "The policy to explain the message under (usually the current one).")
    var policy: String

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let submission = try storeAction { () throws(QuarantineError) in try opened.submission(id) }
        let checked = try PolicyInput.checked(policy)
        let recipient = Self.recipient(submission, store: opened)
        let explanation = try PolicyFileEdit.explainStored(submission.messageID, recipient: recipient, store: opened, policy: checked, date: now.day)
        print("Submission \(submission.id): reported as \(submission.reason.rawValue) by \(submission.reporter) on \(submission.submittedAt) "
            + "(\(submission.origin)); \(submission.status)" + (submission.conclusion.map { ": \($0)" } ?? ""))
        print("Result: \(explanation.result)")
        if submission.reason.reportsGood == (explanation.decision.location == .inbox) {
            print("The reporter and the policy agree: the message is \(submission.reason.reportsGood ? "delivered" : "not delivered") as reported.")
        } else {
            print("The reporter disagrees with the policy: \(submission.reason.reportsGood ? "a good message is blocked" : "a bad message is delivered").")
        }
        print("")
        print(ExplanationText(useColor: Terminal.stdoutSupportsColor).render(explanation), terminator: "")
    }

    /// The recipient the message is judged for: the reporter when they received it, else the
    /// quarantined copy's recipient.
    static func recipient(_ submission: Submission, store: QuarantineStore) -> String {
        if submission.reporter != "admin" { return submission.reporter }
        return (try? store.copies(of: submission.messageID).first?.recipient) ?? submission.reporter
    }
}

struct SubmissionsResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Record the admin's conclusion; optionally add the recommended entry and release the message.",
        discussion: """
            --add-entry appends the explanation's first verified recommended entry — an allow \
            marked `from-submission` for a message reported as not junk, a block for one reported \
            as bad — to --policy through the formatter. --release releases the reporter's \
            quarantined copy (or every copy).
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var destination: DestinationOptions

    @Argument(help: "The submission id.")
    var id: Int64

    @Option(help: "The admin's conclusion, in words (\"confirmed clean: partner invoice\").")
    var conclusion: String

    @Option(help: "The policy file --add-entry edits.")
    var policy: String?

    @Flag(help: "Add the recommended allow or block entry to --policy.")
    var addEntry = false

    @Flag(help: "Release the message from quarantine to the reporter (to every recipient when an admin reported it).")
    var release = false

    func validate() throws {
        if addEntry && policy == nil { throw ValidationError("--add-entry edits a policy file: give --policy") }
    }

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let submission = try storeAction { () throws(QuarantineError) in try opened.submission(id) }
        guard submission.status == "pending" else {
            Terminal.writeError("error: submission \(id) was already resolved (\(submission.conclusion ?? ""))")
            throw ExitStatus.failure
        }
        var entry: String?
        if addEntry, let policy {
            var text = try PolicyFileEdit.recommendedEntry(for: submission.messageID, recipient: SubmissionsShowCommand.recipient(submission, store: opened),
                                                           store: opened, policy: policy, date: now.day,
                                                           startingWith: submission.reason.reportsGood ? "allow " : "block ")
            if submission.reportsGoodAllowNeedsMark(text) { text += " from-submission" }
            entry = text
        }
        // The resolution is recorded first: of two admins resolving at once, one goes on.
        try storeAction { () throws(QuarantineError) in try opened.resolve(id, conclusion: conclusion, entryAdded: entry, at: now) }
        print("submission \(id) resolved: \(conclusion)")
        if let entry, let policy { try PolicyFileEdit.add(entry, to: policy, date: now.day) }
        if release && submission.origin != "quarantine" {
            Terminal.writeError("note: submission \(id) came from a file the reporter holds; there is nothing in quarantine to release")
        } else if release {
            let recipients = submission.reporter == "admin" ? [] : [submission.reporter]
            do {
                for copy in try opened.release(submission.messageID, recipients: recipients, by: .admin, to: destination.destination, at: now) {
                    print("released message \(copy.messageID) to \(copy.recipient): \(copy.destination)")
                }
            } catch .alreadyReleased(let message, let recipient) {
                print("message \(message) was already released to \(recipient)")
            } catch {
                Terminal.writeError("error: \(error)")
                throw ExitStatus.failure
            }
        }
    }
}

extension Submission {
    /// An allow created from a reviewed submission carries the mark (reference §1.2), unless
    /// the recommendation already wrote it.
    func reportsGoodAllowNeedsMark(_ text: String) -> Bool {
        reason.reportsGood && text.hasPrefix("allow ") && !text.contains(" from-submission")
    }
}
