import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
import SluiceWorkload
import Testing

/// The compiled evaluator (indexes) against the reference (a walk over every entry): for
/// generated policies with entries of every kind and regex rules, and for generated messages
/// and the corpus, the two decisions must be equal field by field, trace included.
@Suite("Differential: compiled policy versus the reference evaluator")
struct DifferentialTests {
    static let corpus: [[UInt8]] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/corpus")
        let paths = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? [])
            .filter { !$0.hasSuffix(".md") && !$0.hasSuffix("LICENSE") }.sorted()
        return paths.compactMap { FileManager.default.contents(atPath: root.appendingPathComponent($0).path).map { [UInt8]($0) } }
    }()

    @Test("generated policies decide identically", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func generated(seed: UInt64) throws {
        var workload = WorkloadGenerator(seed: seed)
        let text = workload.policy(entries: 400, rules: 12)
        let (policy, diagnostics) = PolicyChecker.check(text: text, path: "generated-\(seed).sluice")
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.count) errors, first: \(errors.first.map { "\($0.location.map { "\($0)" } ?? ""): \($0.message)" } ?? "")")
        let reference = Evaluator.reference(policy)
        let compiled = Evaluator.compiled(policy)
        let reader = MessageReader()
        let date = CalendarDate(year: 2026, month: 11, day: 29)!
        var inputs: [(bytes: [UInt8], clientIP: String, recipient: String)] = (0..<60).map { _ in workload.message(size: 4096 + Int(workload.random.next() % 4096)) }
        inputs += Self.corpus.map { ($0, "198.0.0.6", "alice@contoso.example") }
        var matchedEntries = 0
        for (number, input) in inputs.enumerated() {
            let message = reader.read(input.bytes)
            let (envelope, _) = Envelope.resolve(given: EnvelopeInput(clientIP: input.clientIP), givenBy: "test", message: message, trustedHosts: [])
            let expected = reference.evaluate(message, envelope: envelope, recipient: input.recipient, on: date)
            let actual = compiled.evaluate(message, envelope: envelope, recipient: input.recipient, on: date)
            #expect(try DecisionJSON.text(actual) == DecisionJSON.text(expected),
                    "seed \(seed), message \(number):\n reference: \(expected.summaryLine)\n compiled:  \(actual.summaryLine)")
            if expected.decidedBy.span != nil || expected.trace.contains(where: { $0.steps.contains { $0.check.hasPrefix("tenant") } }) { matchedEntries += 1 }
        }
        // The workload must exercise the indexes, or equality would prove nothing.
        #expect(matchedEntries >= 10, "only \(matchedEntries) messages met a tenant entry")
    }
}
