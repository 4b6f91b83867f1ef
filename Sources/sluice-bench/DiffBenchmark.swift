import ArgumentParser
import Foundation
import SluiceWorkload

/// Measures `sluice diff --messages` against two `sluice eval` runs, as a user runs them: the
/// built `sluice` binary on generated policies and messages written to a temporary folder,
/// each command timed from start to exit (policy checking, reading, deciding and printing
/// included), in one run on the same files.
struct DiffBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "sluice diff --messages over N messages versus sluice eval of each policy (run the release binary)."
    )

    @Option(help: "Generated messages.")
    var messages = 10_000

    @Option(help: "List entries in the generated policy.")
    var entries = 10_000

    @Option(help: "Custom rules (with PCRE2 regexes) in the generated policy.")
    var rules = 50

    @Option(help: "Timed runs of each command; the fastest counts (the machine is shared).")
    var runs = 3

    @Option(help: "Seed for the generated policy and messages.")
    var seed: UInt64 = 42

    @Option(help: "The sluice binary (default: the one built beside sluice-bench).")
    var sluice: String?

    func run() throws {
        let binary = sluice ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sluice").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no sluice binary at `\(binary)`: build both first (swift build -c release), or give --sluice")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-diff-bench-\(UUID())")
        let messageDirectory = directory.appendingPathComponent("messages")
        try FileManager.default.createDirectory(at: messageDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var workload = WorkloadGenerator(seed: seed)
        let oldText = workload.policy(entries: entries, rules: rules)
        // The new version: one sender allow in ten turned into a block, the kind of edit a
        // review catches only by its effect.
        var allows = 0
        let newText = oldText.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("allow sender ") else { return String(line) }
            allows += 1
            // Blocks cannot live "after last use"; the flipped entry never expires.
            return allows % 10 == 0
                ? "block" + line.dropFirst("allow".count).replacingOccurrences(of: "expires 45 days after last use", with: "expires never") : String(line)
        }.joined(separator: "\n")
        let old = directory.appendingPathComponent("old.sluice").path, new = directory.appendingPathComponent("new.sluice").path
        try Data(oldText.utf8).write(to: URL(fileURLWithPath: old))
        try Data(newText.utf8).write(to: URL(fileURLWithPath: new))
        var bytes = 0
        for index in 0..<messages {
            let message = workload.message(size: 4096 + Int(workload.random.next() % 4096))
            bytes += message.bytes.count
            try Data(message.bytes).write(to: messageDirectory.appendingPathComponent(String(format: "m%05d.eml", index)))
        }

        let date = ["--now", "2026-11-29"]
        let commands: [(name: String, arguments: [String])] = [
            ("eval OLD", ["eval", "--policy", old] + date + [messageDirectory.path]),
            ("eval NEW", ["eval", "--policy", new] + date + [messageDirectory.path]),
            ("diff OLD NEW --messages", ["diff", old, new, "--messages", messageDirectory.path] + date),
        ]
        var best = [Double](repeating: .infinity, count: commands.count)
        var diffSummary = ""
        // Interleaved, so load from the other users of the machine falls on every command alike.
        for _ in 0..<runs {
            for (index, command) in commands.enumerated() {
                let (seconds, firstLine) = try time(binary, command.arguments, output: directory.appendingPathComponent("out-\(index).txt"))
                best[index] = min(best[index], seconds)
                if index == 2 { diffSummary = firstLine }
            }
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("\(messages) messages (\(bytes / 1_048_576) MB), policy of \(entries) entries and \(rules) rules, \(cores) cores, fastest of \(runs) runs")
        print("diff says: \(diffSummary)")
        print("")
        print("| command | seconds |")
        print("|---|---:|")
        for (index, command) in commands.enumerated() { print("| `sluice \(command.name)` | \(String(format: "%.2f", best[index])) |") }
        print("| two evals (sum) | \(String(format: "%.2f", best[0] + best[1])) |")
        print("")
        print("diff ÷ two evals: \(String(format: "%.2f", best[2] / (best[0] + best[1])))")
    }

    /// Runs the binary with its output to a file; the wall time and the output's first line.
    private func time(_ binary: String, _ arguments: [String], output: URL) throws -> (Double, String) {
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = clock.now - start
        guard process.terminationStatus == 0 else {
            throw ValidationError("`sluice \(arguments.joined(separator: " "))` exited with status \(process.terminationStatus)")
        }
        let firstLine = (try? String(contentsOf: output, encoding: .utf8))?.split(separator: "\n").first.map(String.init) ?? ""
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, firstLine)
    }
}
