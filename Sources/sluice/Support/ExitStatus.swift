import ArgumentParser

/// The documented exit statuses of every `sluice` command; success is a normal return (0).
enum ExitStatus {
    /// The command ran, and what it checked failed (errors found, messages not read).
    static let failure = ExitCode(1)
    /// Bad usage or unreadable input.
    static let usageOrInput = ExitCode(2)
}
