import ArgumentParser
import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Why a message was blocked (or delivered), and exactly what to change in the policy.",
        discussion: """
            Prints the result worded like an admin submission's, the decision with the quarantine \
            permissions, the deciding entry with its lines, authentication, every stage's say, \
            recommended steps (each applied to a copy of the policy and re-evaluated) and the \
            smallest changes that would have changed the outcome. --apply writes the first verified \
            addition into the policy file through the formatter; --dry-run shows that change as a \
            diff. The JSON shape (`--format json`) is documented in docs/explain-json.md. \
            Exit status: 0 explained; 1 --apply found no step it can apply; 2 usage or input error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var source: PolicyOptions

    @Argument(help: "The message (RFC 5322 file, or - for standard input).")
    var message: String

    @Option(help: "The recipient the message is judged for (default: the envelope's, else the first To in an accepted domain).")
    var recipient: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: "The evaluation date (YYYY-MM-DD); today by default.")
    var now: String?

    @Flag(help: "Also print the full trace, every check in order.")
    var trace = false

    @Option(help: "A stored decision (a line of `sluice eval --format jsonl`) to explain; refused when it was made under another policy.")
    var decision: String?

    @Flag(help: "Write the first verified recommended entry into the policy file, then explain again.")
    var apply = false

    @Flag(help: "Show what --apply would change, as a diff, without writing.")
    var dryRun = false

    @OptionGroup var trust: TrustOptions
    @OptionGroup var envelope: EnvelopeOptions

    func validate() throws {
        if (apply || dryRun) && source.policy == nil { throw ValidationError("--apply and --dry-run edit a policy file: give --policy") }
        if apply && dryRun { throw ValidationError("--apply and --dry-run exclude each other") }
    }

    func run() throws {
        let date = try EvaluationDate.parse(now)
        let checked = try source.load()
        let stored = try decision.map { try storedDecision($0, policyHash: PolicyHash.of(checked)) }
        let input = try InputFiles.readOne(message)
        let given = try envelope.input()
        let parsed = MessageReader().read(input.bytes)
        let (resolved, _) = Envelope.resolve(given: given.input, givenBy: given.source, message: parsed,
                                             trustedHosts: trust.receivingHosts.union(checked.organization.trustedAuthservIDs.map(\.value)))
        guard let target = recipient?.lowercased()
            ?? Recipients.resolve(explicit: [], envelope: resolved, message: parsed, organization: checked.organization).first
        else {
            Terminal.writeError("error: no recipient to judge the message for: give --recipient")
            throw ExitStatus.usageOrInput
        }
        let explainer = Explainer(policy: checked, date: date, trustedAuthservIDs: Set(trust.authservIDs))
        let explain = {
            explainer.explain(bytes: input.bytes, file: input.name, envelope: given.input, givenBy: given.source, recipient: target,
                              trustedHosts: trust.receivingHosts)
        }
        let explanation = explain()
        if let stored, stored.location != explanation.decision.location || stored.verdict != explanation.decision.verdict {
            Terminal.writeError("note: the stored decision (\(stored.summaryLine)) differs from today's (\(explanation.decision.summaryLine)): "
                + "entries may have expired since, or the envelope was different")
        }
        if apply || dryRun {
            try applyStep(explanation, date: date, target: target, input: input, given: given)
            return
        }
        switch format {
        case .text: print(ExplanationText(useColor: Terminal.stdoutSupportsColor).render(explanation, trace: trace), terminator: "")
        case .json: print(try JSONOutput.string(explanation, pretty: true))
        }
    }

    /// Adds the first verified entry recommendation to the root policy file, formatted, and
    /// shows the decision before and after (or only the diff, with --dry-run).
    private func applyStep(_ explanation: Explanation, date: CalendarDate, target: String, input: InputFiles.Input,
                           given: EnvelopeOptions.Given) throws {
        guard let path = source.policy else { throw ValidationError("--apply and --dry-run edit a policy file: give --policy") }
        let text = try PolicyFileEdit.firstAddition(explanation)
        let (original, formatted) = try PolicyFileEdit.appended(text, to: path, date: date)
        if dryRun {
            print(UnifiedDiff.render(old: original, new: formatted, oldName: path, newName: path), terminator: "")
            return
        }
        try PolicyFileEdit.write(formatted, to: path)
        let after = Explainer(policy: try PolicyInput.checked(path), date: date, trustedAuthservIDs: Set(trust.authservIDs))
            .explain(bytes: input.bytes, file: input.name, envelope: given.input, givenBy: given.source, recipient: target,
                     trustedHosts: trust.receivingHosts)
        print("added to \(path):\n  \(text)")
        print("before: \(explanation.decision.summaryLine)")
        print("after:  \(after.decision.summaryLine)")
    }

    /// Reads a stored decision and refuses it when its policy hash is not the loaded policy's:
    /// explaining it under another policy would explain something that did not happen.
    private func storedDecision(_ path: String, policyHash: String) throws -> Decision {
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.writeError("error: cannot read the stored decision `\(path)`")
            throw ExitStatus.usageOrInput
        }
        struct Record: Decodable { var decision: Decision }
        let line = data.split(separator: UInt8(ascii: "\n")).first.map { Data($0) } ?? data
        guard let stored = (try? JSONDecoder().decode(Record.self, from: line))?.decision ?? (try? JSONDecoder().decode(Decision.self, from: line)) else {
            Terminal.writeError("error: `\(path)` is not a decision written by `sluice eval --format jsonl`")
            throw ExitStatus.usageOrInput
        }
        guard stored.policyHash == policyHash else {
            Terminal.writeError("error: the stored decision was made under policy \(stored.policyHash.prefix(12))…, not the loaded "
                + "policy \(policyHash.prefix(12))…; explain it with the policy it came from")
            throw ExitStatus.usageOrInput
        }
        return stored
    }
}
