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

    /// The rule screens' fast paths against unscreened PCRE2: a body scanner with more than 64
    /// literals (hits kept whole), `all` and `any` tests over several URL hosts (one union of
    /// scans deciding a test), two-factor patterns, and `contains` on lowered bytes.
    @Test("many screened rules decide identically")
    func manyScreenedRules() throws {
        var workload = WorkloadGenerator(seed: 9)
        var text = workload.policy(entries: 50, rules: 0)
        for index in 0..<70 {
            text += "rule \"token \(index)\" {\n  when body matches /token\(index)x/i\n  then mark spam\n}\n"
        }
        text += """
            rule "all hosts" {
              when all url.host matches /(^|\\.)report\\d+\\.example$/
              then set-scl 6
            }
            rule "two factors" {
              when any url.host matches /(invoice|report).*\\.example/ and subject contains "[report]"
              then mark phish
            }
            rule "mixed case contains" {
              when subject contains "hello" or all url.host contains "example"
              then prepend-subject "[x]"
            }

            """
        let (policy, diagnostics) = PolicyChecker.check(text: text, path: "screens.sluice")
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.count) errors, first: \(errors.first.map { $0.message } ?? "")")
        let reference = Evaluator.reference(policy)
        let compiled = Evaluator.compiled(policy)
        let reader = MessageReader()
        let date = CalendarDate(year: 2026, month: 11, day: 29)!
        var inputs: [[UInt8]] = (0..<30).map { _ in workload.message(size: 4096).bytes }
        for body in ["a TOKEN67X here", "token3x and Token69X", "token64", "nothing", "k\u{212A} token66x é"] {
            inputs.append(Array((
                "From: a@fabrikam.example\r\nTo: alice@contoso.example\r\nSubject: Hello [report]\r\n"
                + "Message-ID: <x@fabrikam.example>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n\(body) http://www.report12.example/ http://report7.example/x\r\n").utf8))
        }
        var holding = 0
        for (number, bytes) in inputs.enumerated() {
            let message = reader.read(bytes)
            let (envelope, _) = Envelope.resolve(given: EnvelopeInput(clientIP: "198.0.0.6"), givenBy: "test", message: message, trustedHosts: [])
            let expected = reference.evaluate(message, envelope: envelope, recipient: "alice@contoso.example", on: date)
            let actual = compiled.evaluate(message, envelope: envelope, recipient: "alice@contoso.example", on: date)
            #expect(try DecisionJSON.text(actual) == DecisionJSON.text(expected), "message \(number): \(expected.summaryLine) / \(actual.summaryLine)")
            holding += expected.trace.flatMap(\.steps).filter { $0.check.hasPrefix("rule \"token 6") && $0.outcome == .matched }.count
        }
        // Literals past the 64th must be found, or the whole-hits path would go untested.
        #expect(holding >= 3)
    }

    /// The checker lower-cases `contains` needles; a policy built or decoded without it can
    /// carry upper case, which the literal scan (ignoring ASCII case) must not answer for.
    @Test("an upper-case contains needle from an unchecked policy decides as the reference does")
    func upperCaseNeedle() throws {
        var workload = WorkloadGenerator(seed: 9)
        let text = workload.policy(entries: 10, rules: 0) + """
            rule "subject regex" {
              when subject matches /invoice/i
              then set-scl 1
            }
            rule "needle" {
              when subject contains "invoice"
              then mark phish
            }

            """
        var (policy, diagnostics) = PolicyChecker.check(text: text, path: "needle.sluice")
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty)
        let index = try #require(policy.rules.firstIndex { $0.name == "needle" })
        guard case .test(var test) = policy.rules[index].condition else { Issue.record("the needle rule is not one test"); return }
        test.predicate = .contains("INVOICE")
        policy.rules[index].condition = .test(test)

        let message = MessageReader().read(Array((
            "From: a@fabrikam.example\r\nTo: alice@contoso.example\r\nSubject: Invoice 42\r\n"
            + "Message-ID: <n@fabrikam.example>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nbody\r\n").utf8))
        let (envelope, _) = Envelope.resolve(given: EnvelopeInput(clientIP: "198.0.0.6"), givenBy: "test", message: message, trustedHosts: [])
        let date = CalendarDate(year: 2026, month: 11, day: 29)!
        let expected = Evaluator.reference(policy).evaluate(message, envelope: envelope, recipient: "alice@contoso.example", on: date)
        let actual = Evaluator.compiled(policy).evaluate(message, envelope: envelope, recipient: "alice@contoso.example", on: date)
        #expect(try DecisionJSON.text(actual) == DecisionJSON.text(expected))
    }
}
