import ArgumentParser
import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceEngine
import SluiceQuarantine

/// `--policy FILE` or `--compiled FILE`, exactly one, for the commands that decide messages.
struct PolicyOptions: ParsableArguments {
    @Option(help: "The policy file (.sluice).")
    var policy: String?

    @Option(help: "A compiled policy (from `sluice compile -o`), instead of --policy.")
    var compiled: String?

    func validate() throws {
        if (policy == nil) == (compiled == nil) { throw ValidationError("give exactly one of --policy and --compiled") }
    }

    func load() throws -> CheckedPolicy {
        try policy.map(PolicyInput.checked) ?? PolicyInput.compiled(compiled!)
    }
}

/// The day entries expire by: `--now YYYY-MM-DD` (or an RFC 3339 time, whose UTC day counts),
/// else today (UTC).
enum EvaluationDate {
    static func parse(_ text: String?) throws -> CalendarDate {
        guard let text else { return Timestamp.current.day }
        if case .failure(let problem) = CalendarDate.parse(text), !text.contains("T") { throw ValidationError("--now: \(problem.message)") }
        return try moment(text).day
    }

    /// `--now` as a moment, for the quarantine's arrival, release and digest times.
    static func moment(_ text: String?, option: String = "--now") throws -> Timestamp {
        guard let text else { return .current }
        guard let moment = Timestamp.parse(text) else {
            throw ValidationError("\(option): `\(text)` is neither a date (YYYY-MM-DD) nor an RFC 3339 time (2026-11-29T14:00:00Z)")
        }
        return moment
    }
}

/// Loads the policy a command works on: a `.sluice` file, checked (errors printed, exit 2), or
/// a compiled artefact (refused with the reason when stale or damaged, exit 2).
enum PolicyInput {
    static func checked(_ path: String) throws -> CheckedPolicy {
        let (policy, diagnostics, loader) = PolicyChecker.load(path)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else {
            let renderer = TextRenderer(useColor: Terminal.stderrSupportsColor)
            for diagnostic in errors { Terminal.writeError(renderer.render(diagnostic, sources: loader.sources) + "\n") }
            Terminal.writeError("error: the policy `\(path)` does not check; fix it first (`sluice check \(path)`)")
            throw ExitStatus.usageOrInput
        }
        return policy
    }

    static func compiled(_ path: String) throws -> CheckedPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.writeError("error: cannot read compiled policy `\(path)`")
            throw ExitStatus.usageOrInput
        }
        do {
            return try PolicyArtefact.decode([UInt8](data))
        } catch {
            Terminal.writeError("error: `\(path)`: \(error)")
            throw ExitStatus.usageOrInput
        }
    }
}
