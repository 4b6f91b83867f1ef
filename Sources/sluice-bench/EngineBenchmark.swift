import ArgumentParser
import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
import SluiceWorkload

/// Measures the engine on generated workloads: policies of growing size (entries of every kind
/// plus regex rules) and realistic 4–8 KB messages, timing the compiled evaluator and the
/// reference evaluator on the same messages in the same run.
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Engine throughput, compile time and memory for policies of 1k, 100k and 1M entries."
    )

    @Option(parsing: .upToNextOption, help: "Policy sizes in list entries.")
    var sizes: [Int] = [1_000, 100_000, 1_000_000]

    @Option(help: "Custom rules (with PCRE2 regexes) in every policy.")
    var rules = 200

    @Option(help: "Generated messages per policy size.")
    var messages = 3_000

    @Option(help: "Messages the reference evaluator decides per size (it is slow on big policies).")
    var referenceMessages = 200

    @Option(help: "Seed for the generated policies and messages.")
    var seed: UInt64 = 42

    func run() throws {
        print("| entries | rules | compile (check + index) | lint | artefact load (+ index) | tree msg/s incl. parsing | tree msg/s decide only | reference msg/s | tree ÷ reference | peak RSS |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        let date = CalendarDate(year: 2026, month: 11, day: 29)!
        for size in sizes {
            var workload = WorkloadGenerator(seed: seed)
            let text = workload.policy(entries: size, rules: rules)
            let inputs = (0..<messages).map { _ in workload.message(size: 4096 + Int(workload.random.next() % 4096)) }

            let clock = ContinuousClock()
            let compileStart = clock.now
            let (policy, diagnostics) = PolicyChecker.check(text: text, path: "generated.sluice")
            let compiled = Evaluator.compiled(policy)
            let compileTime = clock.now - compileStart
            let errors = diagnostics.filter { $0.severity == .error }
            guard errors.isEmpty else { throw ValidationError("generated policy does not check: \(errors[0].message)") }
            let reference = Evaluator.reference(policy)
            // Read as deep as the policy looks, as a filter would (the decisions are the same).
            let reader = MessageReader(options: ReadOptions(features: compiled.readFeatures))
            let lintStart = clock.now
            _ = Linter().lint(LintContext(policy: policy, today: date), files: [:])
            let lintTime = clock.now - lintStart
            let artefact = try PolicyArtefact.encode(policy)
            let loadStart = clock.now
            _ = Evaluator.compiled(try PolicyArtefact.decode(artefact))
            let loadTime = clock.now - loadStart

            func read(_ input: (bytes: [UInt8], clientIP: String, recipient: String)) -> (Message, Envelope, String) {
                let message = reader.read(input.bytes)
                let (envelope, _) = Envelope.resolve(given: EnvelopeInput(clientIP: input.clientIP), givenBy: "bench", message: message, trustedHosts: [])
                return (message, envelope, input.recipient)
            }
            // End to end: read every message and decide it, one core, keeping nothing (as a
            // filter does: holding thousands of read messages would time the allocator).
            let endToEndStart = clock.now
            for input in inputs {
                let (message, envelope, recipient) = read(input)
                _ = compiled.evaluate(message, envelope: envelope, recipient: recipient, on: date)
            }
            let endToEnd = clock.now - endToEndStart
            let parsed = inputs.map(read)

            let decideStart = clock.now
            for (message, envelope, recipient) in parsed { _ = compiled.evaluate(message, envelope: envelope, recipient: recipient, on: date) }
            let decide = clock.now - decideStart

            let sample = parsed.prefix(referenceMessages)
            let referenceStart = clock.now
            for (message, envelope, recipient) in sample { _ = reference.evaluate(message, envelope: envelope, recipient: recipient, on: date) }
            let referenceTime = clock.now - referenceStart

            let treeRate = Double(parsed.count) / seconds(decide)
            let referenceRate = Double(sample.count) / seconds(referenceTime)
            print("| \(size) | \(rules) | \(String(format: "%.2f s", seconds(compileTime))) | \(String(format: "%.2f s", seconds(lintTime))) "
                + "| \(String(format: "%.2f s", seconds(loadTime))) "
                + "| \(Int(Double(parsed.count) / seconds(endToEnd))) "
                + "| \(Int(treeRate)) | \(Int(referenceRate)) | \(String(format: "%.0f×", treeRate / referenceRate)) | \(peakMemory()) |")
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The process's peak resident set so far (it only grows, so sizes run smallest first).
    private func peakMemory() -> String {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return String(format: "%.0f MB", Double(usage.ru_maxrss) / 1024)
    }
}
