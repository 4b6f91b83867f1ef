import ArgumentParser
import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
import SluiceQuarantine
import Synchronization

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Decide what happens to messages under a policy: one decision per message and recipient.",
        discussion: """
            Each MESSAGE is an RFC 5322 file, a directory (every file below it), or - for standard \
            input; directories are evaluated on all cores, results print in input order. Recipients \
            come from --recipient, else the envelope's RCPT TO, else the message's To and Cc in the \
            organization's accepted domains. A message that cannot be read is reported and the run \
            goes on. With --quarantine-store, every message some recipient's decision quarantines is \
            kept in that store (once per message and recipient set) before its decision prints, and \
            the last use of every matched entry is recorded (`N days after last use` entries expire \
            by it). Exit status: 0 every message evaluated; 1 some message could not be read or had \
            no recipient; 2 usage error, a policy that does not check, or a store that cannot be used.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, jsonl }

    @OptionGroup var source: PolicyOptions

    @Argument(help: "Message files or directories, or - for standard input.")
    var messages: [String]

    @Option(help: "The recipient to decide for (repeatable).")
    var recipient: [String] = []

    @Option(help: "Output format: text (one line per decision) or jsonl (one JSON decision per line).")
    var format: Format = .text

    @Option(help: "The evaluation date (YYYY-MM-DD, or an RFC 3339 time that is also the arrival time in the store); now by default.")
    var now: String?

    @Option(help: "Keep quarantined messages in this store (SQLite file, created when missing).")
    var quarantineStore: String?

    @Flag(help: "Print every stage's trace under each decision (text format).")
    var trace = false

    @OptionGroup var trust: TrustOptions

    @OptionGroup var envelope: EnvelopeOptions

    func run() throws {
        let arrival = try EvaluationDate.moment(now)
        let date = arrival.day
        let checked = try source.load()
        let store = try quarantineStore.map { try StoreOptions.open($0, create: true) }
        var compiled = Evaluator.compiled(checked)
        if let store { compiled.lastUse = try storeAction { () throws(QuarantineError) in try store.lastUseDays() } }
        let evaluator = compiled
        let given = try envelope.input()
        // Read as deep as the policy looks (the decisions are those of a full read).
        let reader = MessageReader(options: ReadOptions(features: evaluator.readFeatures))
        let hosts = trust.receivingHosts.union(checked.organization.trustedAuthservIDs.map(\.value))
        let paths = InputFiles.expand(messages)
        let extraTrusted = Set(trust.authservIDs)
        let recipients = recipient

        // Each message is independent: evaluate on all cores, print in input order.
        let results = Mutex<[Int: Result<Evaluated, EvalFailure>]>([:])
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let outcome: Result<Evaluated, EvalFailure>
            switch InputFiles.read(paths[index]) {
            case .failure(let failure): outcome = .failure(.unreadable(failure.description))
            case .success(let input):
                let message = reader.read(input.bytes)
                let (resolved, _) = Envelope.resolve(given: given.input, givenBy: given.source, message: message, trustedHosts: hosts)
                let targets = Recipients.resolve(explicit: recipients, envelope: resolved, message: message, organization: checked.organization)
                if targets.isEmpty {
                    outcome = .failure(.noRecipient(input.name))
                } else {
                    let decisions = targets.map {
                        evaluator.evaluate(message, envelope: resolved, recipient: $0, on: date, trustedAuthservIDs: extraTrusted)
                    }
                    outcome = .success(Evaluated(bytes: store == nil ? [] : input.bytes, message: message, envelope: resolved, decisions: decisions))
                }
            }
            results.withLock { $0[index] = outcome }
        }
        let collected = results.withLock { $0 }
        var failed = false
        for (index, path) in paths.enumerated() {
            switch collected[index]! {
            case .failure(let failure):
                Terminal.writeError("error: \(failure)")
                failed = true
            case .success(let evaluated):
                // Stored before the decision prints: what is reported quarantined is on disk.
                let stored = try store.map { store in
                    try storeAction { () throws(QuarantineError) in
                        try store.ingest(IngestRequest(bytes: evaluated.bytes, message: evaluated.message, envelope: evaluated.envelope,
                                                       decisions: evaluated.decisions, source: path == "-" ? nil : path, arrival: arrival,
                                                       trustedAuthservIDs: extraTrusted), policy: checked)
                    }
                }
                let storedID: Int64? = switch stored {
                case .stored(let id, _), .alreadyStored(let id): id
                case .notQuarantined, nil: nil
                }
                for decision in evaluated.decisions {
                    switch format {
                    case .text:
                        print("\(path == "-" ? "<stdin>" : path) → \(decision.recipient): \(decision.summaryLine)")
                        if trace { print(decision.traceText) }
                    case .jsonl:
                        let quarantineID = decision.action == .quarantine ? storedID : nil
                        print(try JSONOutput.string(EvalRecord(message: path, decision: decision, quarantineID: quarantineID), pretty: false))
                    }
                }
                if format == .text, let stored {
                    switch stored {
                    case .stored(let id, let recipients): print("  kept in quarantine as message \(id) for \(recipients.joined(separator: ", "))")
                    case .alreadyStored(let id): print("  already in quarantine as message \(id)")
                    case .notQuarantined: break
                    }
                }
                // What was reported stored is on disk; say so now, not when a buffer fills.
                if store != nil { Terminal.flushOutput() }
            }
        }
        if failed { throw ExitStatus.failure }
    }
}

private enum EvalFailure: Error, CustomStringConvertible {
    case unreadable(String)
    case noRecipient(String)

    var description: String {
        switch self {
        case .unreadable(let reason): reason
        case .noRecipient(let name): "`\(name)` has no recipient to decide for: give --recipient or --rcpt-to, or list the organization's accepted domains"
        }
    }
}

private struct EvalRecord: Encodable {
    var message: String
    var decision: Decision
    /// The store's message id, when the decision quarantined it and a store was given.
    var quarantineID: Int64?
}

/// One message's decisions, with what the store needs to keep it.
private struct Evaluated: Sendable {
    var bytes: [UInt8]
    var message: Message
    var envelope: Envelope
    var decisions: [Decision]
}
