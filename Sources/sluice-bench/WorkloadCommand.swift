import ArgumentParser
import Foundation
import SluiceWorkload

/// Writes a generated policy and its messages to a folder, the same ones `engine` times for the
/// same seed and size, so that a figure or a difference can be looked at with `sluice eval`.
struct WorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Write a generated policy (policy.sluice) and messages (messages/*.eml) to a folder."
    )

    @Option(help: "List entries in the generated policy.")
    var entries = 1_000

    @Option(help: "Custom rules (with PCRE2 regexes) in the generated policy.")
    var rules = 200

    @Option(help: "Generated messages.")
    var messages = 3_000

    @Option(help: "Seed for the generated policy and messages.")
    var seed: UInt64 = 42

    @Option(help: "The folder to write (created when missing; existing files of the same names are replaced).")
    var output: String

    func run() throws {
        let folder = URL(fileURLWithPath: output)
        let messageFolder = folder.appendingPathComponent("messages")
        try FileManager.default.createDirectory(at: messageFolder, withIntermediateDirectories: true)
        var workload = WorkloadGenerator(seed: seed)
        try Data(workload.policy(entries: entries, rules: rules).utf8).write(to: folder.appendingPathComponent("policy.sluice"))
        for index in 0..<messages {
            let message = workload.message(size: 4096 + Int(workload.random.next() % 4096))
            try Data(message.bytes).write(to: messageFolder.appendingPathComponent(String(format: "m%05d.eml", index)))
        }
        print("wrote \(folder.appendingPathComponent("policy.sluice").path) and \(messages) messages in \(messageFolder.path)")
    }
}
