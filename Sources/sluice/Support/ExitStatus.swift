import ArgumentParser

/// The documented exit statuses of every `sluice` command.
enum ExitStatus {
    /// The command did its job and found nothing failing.
    static let success = ExitCode(0)
    /// The command ran, and what it checked failed (errors found, messages not read).
    static let failure = ExitCode(1)
    /// Bad usage or unreadable input.
    static let usageOrInput = ExitCode(2)
}
