import ArgumentParser
import Foundation
import SluicePolicyTesting
import SluiceQuarantine

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changes between two versions of a policy: its statements, or how it decides messages.",
        discussion: """
            Without --messages, a structural diff: list entries (by action, kind and key), rules (by \
            name), policies and settings added, removed or changed, and the sender and domain keys \
            whose tenant list outcome changes (an allow now overridden by a block, a block newly \
            covering an accepted domain), found through the compiled indexes. With --messages (or \
            --store, the messages kept in a quarantine store, each for its quarantined recipients \
            with the envelope it was decided with), every message is decided under both policies and the decisions whose action, location, \
            verdict or deciding source change are listed, grouped by the entry, rule or setting \
            responsible. The JSON shape (`--format json`) is documented in docs/diff-json.md. \
            Exit status: 0 compared (1 with --fail-on-change when anything changes); 2 usage \
            error, a policy that does not check, or a message that cannot be read or has no recipient.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The old policy file.")
    var old: String

    @Argument(help: "The new policy file.")
    var new: String

    @Option(help: "A message file or directory: compare how both policies decide every message in it.")
    var messages: String?

    @Option(help: "A quarantine store: compare how both policies decide every message kept in it.")
    var store: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Exit with status 1 when anything changes (for CI).")
    var failOnChange = false

    @Option(help: "The evaluation date (YYYY-MM-DD) for entry expiry; today by default.")
    var now: String?

    @Option(help: "The recipient to decide for (repeatable; with --messages).")
    var recipient: [String] = []

    @OptionGroup var trust: TrustOptions
    @OptionGroup var envelope: EnvelopeOptions

    func validate() throws {
        if messages != nil && store != nil { throw ValidationError("give at most one of --messages and --store") }
    }

    func run() throws {
        let date = try EvaluationDate.parse(now)
        let oldPolicy = try PolicyInput.checked(old), newPolicy = try PolicyInput.checked(new)
        let document: DiffDocument
        var failures: [String] = []
        if let messages {
            let given = try envelope.input()
            let paths = InputFiles.expand([messages])
            let diff = BehaviouralDiff(old: oldPolicy, new: newPolicy, date: date, envelope: given.input, envelopeSource: given.source,
                                       recipients: recipient, trustedAuthservIDs: Set(trust.authservIDs), receivingHosts: trust.receivingHosts)
            let report = diff.run(count: paths.count) { index in
                InputFiles.read(paths[index]).map { DiffMessage(name: $0.name, bytes: $0.bytes) }.mapError { BehaviouralDiff.MessageFailure($0.description) }
            }
            failures = report.failures
            document = DiffDocument(old: old, new: new, behavioural: report)
        } else if let store {
            let kept = try storedMessages(StoreOptions.open(store, create: false))
            let diff = BehaviouralDiff(old: oldPolicy, new: newPolicy, date: date, trustedAuthservIDs: Set(trust.authservIDs),
                                       receivingHosts: trust.receivingHosts)
            let report = diff.run(count: kept.count) { .success(kept[$0]) }
            failures = report.failures
            document = DiffDocument(old: old, new: new, behavioural: report)
        } else {
            document = DiffDocument(old: old, new: new, structural: StructuralDiff(old: oldPolicy, new: newPolicy, on: date))
        }
        for failure in failures { Terminal.writeError("error: \(failure)") }
        switch format {
        case .text:
            if let report = document.behavioural { print(DiffText().render(report), terminator: "") }
            if let structural = document.structural { print(DiffText().render(structural, old: old, new: new), terminator: "") }
        case .json:
            print(try JSONOutput.string(document, pretty: true))
        }
        if !failures.isEmpty { throw ExitStatus.usageOrInput }
        if failOnChange && document.changed { throw ExitStatus.failure }
    }

    /// Every message in the store that has a quarantined copy, for the recipients it was
    /// quarantined for, with the envelope and trust it was decided with.
    private func storedMessages(_ store: QuarantineStore) throws -> [DiffMessage] {
        try storeAction { () throws(QuarantineError) in
            let copies = try store.list(QuarantineFilter(), as: .admin)
            var order: [Int64] = []
            var recipients: [Int64: [String]] = [:]
            for copy in copies {
                if recipients[copy.id] == nil { order.append(copy.id) }
                recipients[copy.id, default: []].append(copy.recipient)
            }
            var messages: [DiffMessage] = []
            for id in order {
                let stored = try store.message(id)
                messages.append(DiffMessage(name: "quarantine message \(id)", bytes: stored.raw, envelope: stored.envelopeInput,
                                            recipients: recipients[id]!, trustedAuthservIDs: stored.trustedAuthservIDs))
            }
            return messages
        }
    }
}
