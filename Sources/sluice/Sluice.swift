import ArgumentParser
import Foundation

@main
struct Sluice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Email-protection policy as code: check policies, decide and explain messages, keep the quarantine.",
        discussion: """
            Exit status: 0 success; 1 the command's check failed (findings, failed messages); \
            2 usage error or unreadable input.
            """,
        version: "0.1.0",
        subcommands: [CheckCommand.self, LintCommand.self, FormatCommand.self, CompileCommand.self, EvalCommand.self, ExplainCommand.self,
                      TestCommand.self, DiffCommand.self, InspectCommand.self,
                      QuarantineCommand.self, SubmitCommand.self, SubmissionsCommand.self, EntriesCommand.self]
    )

    /// Keeps the documented exit statuses: argument-parser's usage errors exit 64 by default,
    /// Sluice's contract says 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                Terminal.writeError(fullMessage(for: error))
                Foundation.exit(ExitStatus.usageOrInput.rawValue)
            }
            exit(withError: error)
        }
    }
}
