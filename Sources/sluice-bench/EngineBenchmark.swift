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

    @Option(help: "Rounds of the size-scaling comparison, each timing every size in turn.")
    var rounds = 5

    /// What the size-scaling rounds need of one size; the checked policy itself is let go.
    private struct Prepared {
        let size: Int
        let compiled: Evaluator
        let reader: MessageReader
        let inputs: [(bytes: [UInt8], clientIP: String, recipient: String)]
    }

    func run() throws {
        print("| entries | rules | compile (check + index) | lint | artefact load (+ index) | tree msg/s incl. parsing | tree msg/s decide only | reference msg/s | tree ÷ reference | peak RSS |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        var prepared: [Prepared] = []
        for size in sizes {
            var workload = WorkloadGenerator(seed: seed)
            let text = workload.policy(entries: size, rules: rules)
            let inputs = (0..<messages).map { _ in workload.message(size: 4096 + Int(workload.random.next() % 4096)) }

            let compileStart = CPUTime.now()
            let (policy, diagnostics) = PolicyChecker.check(text: text, path: "generated.sluice")
            let compiled = Evaluator.compiled(policy)
            let compileTime = CPUTime.now() - compileStart
            let errors = diagnostics.filter { $0.severity == .error }
            guard errors.isEmpty else { throw ValidationError("generated policy does not check: \(errors[0].message)") }
            let reference = Evaluator.reference(policy)
            // Read as deep as the policy looks, as a filter would (the decisions are the same).
            let reader = MessageReader(options: ReadOptions(features: compiled.readFeatures))
            let lintStart = CPUTime.now()
            _ = Linter().lint(LintContext(policy: policy, today: Self.date), files: [:])
            let lintTime = CPUTime.now() - lintStart
            let artefact = try PolicyArtefact.encode(policy)
            let loadStart = CPUTime.now()
            _ = Evaluator.compiled(try PolicyArtefact.decode(artefact))
            let loadTime = CPUTime.now() - loadStart

            let size = Prepared(size: size, compiled: compiled, reader: reader, inputs: inputs)
            let endToEnd = Self.endToEnd(size)
            let parsed = inputs.map { Self.read($0, reader) }

            let decideStart = CPUTime.now()
            for (message, envelope, recipient) in parsed { _ = compiled.evaluate(message, envelope: envelope, recipient: recipient, on: Self.date) }
            let decide = CPUTime.now() - decideStart

            let sample = parsed.prefix(referenceMessages)
            let referenceStart = CPUTime.now()
            for (message, envelope, recipient) in sample { _ = reference.evaluate(message, envelope: envelope, recipient: recipient, on: Self.date) }
            let referenceTime = CPUTime.now() - referenceStart

            let treeRate = Double(parsed.count) / decide
            let referenceRate = Double(sample.count) / referenceTime
            print("| \(size.size) | \(rules) | \(String(format: "%.2f s", compileTime)) | \(String(format: "%.2f s", lintTime)) "
                + "| \(String(format: "%.2f s", loadTime)) | \(Int(endToEnd)) "
                + "| \(Int(treeRate)) | \(Int(referenceRate)) | \(String(format: "%.0f×", treeRate / referenceRate)) | \(peakMemory()) |")
            prepared.append(size)
        }
        if prepared.count > 1 && rounds > 0 { scaling(prepared) }
    }

    static let date = CalendarDate(year: 2026, month: 11, day: 29)!

    private static func read(_ input: (bytes: [UInt8], clientIP: String, recipient: String), _ reader: MessageReader) -> (Message, Envelope, String) {
        let message = reader.read(input.bytes)
        let (envelope, _) = Envelope.resolve(given: EnvelopeInput(clientIP: input.clientIP), givenBy: "bench", message: message, trustedHosts: [])
        return (message, envelope, input.recipient)
    }

    /// Messages per CPU second, reading and deciding each message and keeping nothing (as a
    /// filter does: holding thousands of read messages would time the allocator).
    private static func endToEnd(_ size: Prepared) -> Double {
        let start = CPUTime.now()
        for input in size.inputs {
            let (message, envelope, recipient) = read(input, size.reader)
            _ = size.compiled.evaluate(message, envelope: envelope, recipient: recipient, on: date)
        }
        return Double(size.inputs.count) / (CPUTime.now() - start)
    }

    /// Times every size in turn, round after round, so that each size's figure and the ratio to
    /// the smallest size come from minutes of the same machine state rather than separate runs:
    /// on a shared machine throughput drifts by tens of percent between minutes.
    private func scaling(_ prepared: [Prepared]) {
        var rates = Array(repeating: [Double](), count: prepared.count)
        for _ in 0..<rounds {
            for index in prepared.indices { rates[index].append(Self.endToEnd(prepared[index])) }
        }
        print("")
        print("Size scaling, \(rounds) interleaved rounds (msg/s incl. parsing; ratio = smallest size's rate ÷ this size's, per round):")
        print("")
        print("| entries | median msg/s | min | max | median time ratio to \(prepared[0].size) | worst round |")
        print("|---:|---:|---:|---:|---:|---:|")
        for index in prepared.indices {
            let ratios = zip(rates[0], rates[index]).map { $0 / $1 }
            print("| \(prepared[index].size) | \(Int(Self.median(rates[index]))) | \(Int(rates[index].min()!)) | \(Int(rates[index].max()!)) "
                + "| \(String(format: "%.2f×", Self.median(ratios))) | \(String(format: "%.2f×", ratios.max()!)) |")
        }
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Seconds of CPU time the calling thread has used: throughput per core, unaffected by
    /// other processes taking turns on the machine.
    private enum CPUTime {
        static func now() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
    }

    /// The process's peak resident set so far (it only grows, so sizes run smallest first).
    private func peakMemory() -> String {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return String(format: "%.0f MB", Double(usage.ru_maxrss) / 1024)
    }
}
