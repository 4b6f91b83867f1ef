import ArgumentParser
import Foundation
import SluiceMessage

/// Measures the message reader over a corpus at each reading depth, and Python's `email` package
/// over the same bytes in the same run, so the figures are ratios taken side by side.
struct ReadBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Message reading throughput (MB/s, messages/s) over a corpus."
    )

    @Option(help: "Directory of messages (every file below it except README.md).")
    var corpus = "Tests/Fixtures/corpus"

    @Option(help: "Seconds to spend on each measurement.")
    var seconds = 3.0

    @Flag(help: "Skip the Python email baseline.")
    var noPython = false

    enum Depth: String, ExpressibleByArgument, CaseIterable { case headers, structure, content }

    @Option(help: "Measure only this reading depth (for profiling).")
    var only: Depth?

    func run() throws {
        let messages = try loadCorpus()
        let totalBytes = messages.reduce(0) { $0 + $1.count }
        print("corpus: \(messages.count) messages, \(totalBytes) bytes (\(corpus))")
        print("")
        print("| reader | MB/s | messages/s | relative |")
        print("|---|---:|---:|---:|")

        var rows: [(String, Double, Double)] = []
        let depths: [(Depth, String, ReadFeatures)] = [
            (.headers, "sluice, headers only", .headersOnly),
            (.structure, "sluice, MIME structure", .structure),
            (.content, "sluice, full content (decode, SHA-256, text, URLs)", .content),
        ]
        for (depth, name, features) in depths where only == nil || only == depth {
            let reader = MessageReader(options: ReadOptions(features: features))
            let (rounds, elapsed) = measure { for message in messages { _ = reader.read(message) } }
            rows.append((name, Double(totalBytes * rounds) / elapsed / 1_000_000, Double(messages.count * rounds) / elapsed))
        }
        if !noPython && only == nil, let python = try pythonBaseline() {
            rows.append(("Python 3 email (policy.default: parse, walk, decode, SHA-256)", python.0, python.1))
        }
        let baseline = rows.last!.1
        for (name, megabytes, perSecond) in rows {
            print("| \(name) | \(String(format: "%.1f", megabytes)) | \(Int(perSecond)) | \(String(format: "%.1f×", megabytes / baseline)) |")
        }
    }

    private func loadCorpus() throws -> [[UInt8]] {
        guard let walker = FileManager.default.enumerator(atPath: corpus) else {
            throw ValidationError("cannot read corpus directory `\(corpus)`")
        }
        var paths: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = (corpus as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                !relative.hasSuffix("README.md")
            {
                paths.append(path)
            }
        }
        return try paths.sorted().map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
    }

    /// Runs `body` repeatedly for about `seconds`, after one warm-up round.
    private func measure(_ body: () -> Void) -> (rounds: Int, seconds: Double) {
        body()
        let clock = ContinuousClock()
        let start = clock.now
        var rounds = 0
        repeat {
            body()
            rounds += 1
        } while (clock.now - start) < .seconds(seconds)
        let elapsed = clock.now - start
        return (rounds, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Times Python's email package on the same files; nil when python3 is missing.
    private func pythonBaseline() throws -> (Double, Double)? {
        let script = """
            import email, email.policy, hashlib, os, sys, time
            root, seconds = sys.argv[1], float(sys.argv[2])
            blobs = []
            for d, _, names in os.walk(root):
                for n in sorted(names):
                    if n != "README.md":
                        blobs.append(open(os.path.join(d, n), "rb").read())
            def once():
                for b in blobs:
                    m = email.message_from_bytes(b, policy=email.policy.default)
                    m["From"]; m["Subject"]
                    for p in m.walk():
                        if not p.is_multipart():
                            hashlib.sha256(p.get_payload(decode=True) or b"").hexdigest()
            once()
            rounds, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds:
                once(); rounds += 1
            elapsed = time.perf_counter() - start
            total = sum(len(b) for b in blobs)
            print(total * rounds / elapsed / 1e6, len(blobs) * rounds / elapsed)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, corpus, String(seconds)]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let numbers = String(decoding: data, as: UTF8.self).split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }
}
