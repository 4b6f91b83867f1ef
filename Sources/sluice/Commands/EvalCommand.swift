import ArgumentParser
import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
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
            goes on. Exit status: 0 every message evaluated; 1 some message could not be read or had \
            no recipient; 2 usage error or a policy that does not check.
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

    @Option(help: "The evaluation date (YYYY-MM-DD) for entry expiry; today by default.")
    var now: String?

    @Flag(help: "Print every stage's trace under each decision (text format).")
    var trace = false

    @OptionGroup var trust: TrustOptions

    @OptionGroup var envelope: EnvelopeOptions

    func run() throws {
        let date = try EvaluationDate.parse(now)
        let checked = try source.load()
        let evaluator = Evaluator.compiled(checked)
        let given = try envelope.input()
        let reader = MessageReader(options: ReadOptions(trustedAuthservIDs: []))
        let hosts = trust.receivingHosts.union(checked.organization.trustedAuthservIDs.map(\.value))
        let paths = InputFiles.expand(messages)
        let extraTrusted = Set(trust.authservIDs)
        let recipients = recipient

        // Each message is independent: evaluate on all cores, print in input order.
        let results = Mutex<[Int: Result<[Decision], EvalFailure>]>([:])
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let outcome: Result<[Decision], EvalFailure>
            switch InputFiles.read(paths[index]) {
            case .failure(let failure): outcome = .failure(.unreadable(failure.description))
            case .success(let input):
                let message = reader.read(input.bytes)
                let (resolved, _) = Envelope.resolve(given: given.input, givenBy: given.source, message: message, trustedHosts: hosts)
                let targets = Recipients.resolve(explicit: recipients, envelope: resolved, message: message, organization: checked.organization)
                if targets.isEmpty {
                    outcome = .failure(.noRecipient(input.name))
                } else {
                    outcome = .success(targets.map {
                        evaluator.evaluate(message, envelope: resolved, recipient: $0, on: date, trustedAuthservIDs: extraTrusted)
                    })
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
            case .success(let decisions):
                for decision in decisions {
                    switch format {
                    case .text:
                        print("\(path == "-" ? "<stdin>" : path) → \(decision.recipient): \(decision.summaryLine)")
                        if trace { print(decision.traceText) }
                    case .jsonl:
                        print(try JSONOutput.string(EvalRecord(message: path, decision: decision), pretty: false))
                    }
                }
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
}
