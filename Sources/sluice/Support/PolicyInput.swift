import ArgumentParser
import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceEngine

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
