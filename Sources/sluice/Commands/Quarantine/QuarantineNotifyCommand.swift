import ArgumentParser
import SluiceEngine
import SluiceQuarantine

struct QuarantineNotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Write the quarantine digests that are due: one message per recipient.",
        discussion: """
            Run it from cron (every few minutes is plenty). A copy is due in the first slot of its \
            cadence after it arrived — every N hours from midnight UTC, daily at midnight UTC, \
            weekly on Monday — when its quarantine policy notifies (the cadence and digest sender \
            are those of the policy it was quarantined under). Each copy appears in exactly one \
            digest; a digest lists sender, subject and date, and only the actions the recipient \
            may take. Digests are RFC 5322 files (text and HTML) written to --outbox.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Directory the digests are written to (default: ./outbox).")
    var outbox = "outbox"

    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let digests = try storeAction { () throws(QuarantineError) in try opened.notify(at: now, outbox: outbox) }
        switch format {
        case .json: print(try JSONOutput.string(digests, pretty: true))
        case .text:
            if digests.isEmpty { print("no digest is due at \(now)") }
            for digest in digests {
                print("digest \(digest.id) to \(digest.recipient): message\(digest.messageIDs.count == 1 ? "" : "s") "
                    + "\(digest.messageIDs.map(String.init).joined(separator: ", ")) → \(digest.path)")
            }
        }
    }
}

struct QuarantineReevaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reevaluate",
        abstract: "Decide every quarantined message again under a new policy; --release what it would deliver.",
        discussion: """
            Fixing a policy does not release what it already quarantined. This lists every copy \
            still in quarantine that the new policy would deliver (Inbox or Junk), with what \
            decided it before and what decides it now; --release releases them all in one \
            transaction (copies released meanwhile are skipped). Exit status: 0 done (also when \
            nothing would be delivered); 2 usage error or a policy that does not check.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var source: PolicyOptions
    @OptionGroup var destination: DestinationOptions

    @Flag(help: "Release every copy the new policy would deliver.")
    var release = false

    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    func run() throws {
        let opened = try store.open()
        let now = try store.moment()
        let checked = try source.load()
        var evaluator = Evaluator.compiled(checked)
        evaluator.lastUse = try storeAction { () throws(QuarantineError) in try opened.lastUseDays() }
        let reevaluated = try storeAction { () throws(QuarantineError) in try opened.reevaluate(with: evaluator, at: now) }
        let delivered = reevaluated.filter(\.wouldDeliver)
        let released = release
            ? try storeAction { () throws(QuarantineError) in
                try opened.releaseAll(delivered.map { ($0.messageID, $0.recipient) }, by: .admin, to: destination.destination, at: now,
                                      note: "released after re-evaluation")
            }
            : []
        switch format {
        case .json:
            struct Report: Encodable {
                var reevaluated: Int
                var wouldDeliver: [Reevaluated]
                var released: [ReleasedCopy]
            }
            print(try JSONOutput.string(Report(reevaluated: reevaluated.count, wouldDeliver: delivered, released: released), pretty: true))
        case .text:
            print("\(reevaluated.count) quarantined cop\(reevaluated.count == 1 ? "y" : "ies") re-evaluated; "
                + "\(delivered.count) would now be delivered")
            for item in delivered {
                print("")
                print("message \(item.messageID) → \(item.recipient): \(item.sender ?? "(no sender)") \"\(item.subject ?? "")\"")
                print("  before: \(item.before.summaryLine)")
                print("          decided by \(Self.describe(item.before.decidedBy))")
                print("  now:    \(item.after.summaryLine)")
                print("          decided by \(Self.describe(item.after.decidedBy))")
            }
            if !released.isEmpty { print("") }
            for copy in released { print("released message \(copy.messageID) to \(copy.recipient): \(copy.destination)") }
            if !release && !delivered.isEmpty { print("\nrun again with --release to release \(delivered.count == 1 ? "it" : "them all")") }
        }
    }

    static func describe(_ source: DecidingSource) -> String {
        source.description + (source.span.map { " (\($0.file):\($0.line))" } ?? "")
    }
}
