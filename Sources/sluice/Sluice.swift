import ArgumentParser

@main
struct Sluice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Email-protection policy as code: read messages, check policies, explain verdicts.",
        discussion: """
            Exit status: 0 success; 1 the command's check failed (findings, failed messages); \
            2 usage error or unreadable input.
            """,
        version: "0.1.0",
        subcommands: [InspectCommand.self]
    )
}
