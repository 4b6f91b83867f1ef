import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
import SluiceWorkload
import Testing

/// The compiled artefact: what is saved decides exactly as what was checked, and a damaged or
/// stale artefact is refused with a reason, never believed and never a crash.
@Suite("Compiled policy artefact")
struct ArtefactTests {
    private static func generated(seed: UInt64) -> (CheckedPolicy, WorkloadGenerator) {
        var workload = WorkloadGenerator(seed: seed)
        let (policy, _) = PolicyChecker.check(text: workload.policy(entries: 300, rules: 10), path: "generated.sluice")
        return (policy, workload)
    }

    @Test("a loaded artefact decides every message exactly as the checked policy does")
    func roundTrip() throws {
        let (policy, generated) = Self.generated(seed: 7)
        var workload = generated
        let loaded = try PolicyArtefact.decode(try PolicyArtefact.encode(policy))
        #expect(loaded.entries.count == policy.entries.count)
        #expect(PolicyHash.of(loaded) == PolicyHash.of(policy))
        let original = Evaluator.compiled(policy), restored = Evaluator.compiled(loaded)
        let date = CalendarDate(year: 2026, month: 11, day: 29)!
        for _ in 0..<40 {
            let input = workload.message(size: 5000)
            let message = MessageReader().read(input.bytes)
            let (envelope, _) = Envelope.resolve(given: EnvelopeInput(clientIP: input.clientIP), givenBy: "test", message: message, trustedHosts: [])
            let expected = original.evaluate(message, envelope: envelope, recipient: input.recipient, on: date)
            let actual = restored.evaluate(message, envelope: envelope, recipient: input.recipient, on: date)
            #expect(try DecisionJSON.text(actual) == DecisionJSON.text(expected))
        }
    }

    @Test("every entry kind survives the binary form field by field")
    func entries() throws {
        let text = """
            allow sender %22a%20b%22@fabrikam.example expires 45 days after last use note "n" ticket "t" owner "o"
            block domain *.spam.example expires 2027-01-31 created 2026-11-01
            block url ~evil.example~ expires never
            allow url docs.fabrikam.example/invoices/* expires 30 days created 2026-11-20
            block file sha256:3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea
            allow file sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 from-submission
            block ip 2001:db8:dead::/48
            allow spoof fabrikam.example via 198.51.100.0/24
            block spoof ceo@contoso.example via dkim:bulk.example
            allow spoof * via relay.contoso.example
            """
        let (policy, diagnostics) = PolicyChecker.check(text: text, path: "entries.sluice")
        #expect(diagnostics.isEmpty)
        let loaded = try PolicyArtefact.decode(try PolicyArtefact.encode(policy))
        for (original, restored) in zip(policy.entries, loaded.entries) {
            #expect(restored.target == original.target)
            #expect(restored.expiry == original.expiry)
            #expect(restored.action == original.action)
            #expect([restored.note, restored.ticket, restored.owner] == [original.note, original.ticket, original.owner])
            #expect(restored.created == original.created && restored.fromSubmission == original.fromSubmission)
            #expect(restored.span == original.span && restored.keySpan == original.keySpan)
        }
    }

    @Test("a damaged or foreign artefact is refused with the reason")
    func damaged() throws {
        let (policy, _) = Self.generated(seed: 3)
        let bytes = try PolicyArtefact.encode(policy)
        #expect(throws: PolicyArtefact.LoadError.self) { try PolicyArtefact.decode(Array("not an artefact".utf8)) }
        // A flipped byte inside the first source file: the recomputed hash disagrees.
        var flipped = bytes
        let sourceOffset = bytes.count / 40
        flipped[sourceOffset] ^= 0x20
        do {
            _ = try PolicyArtefact.decode(flipped)
            Issue.record("a damaged artefact loaded")
        } catch {
            #expect("\(error)".contains("damaged"))
        }
        // Truncated anywhere: always an error, never a crash.
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let cut = generator.below(bytes.count)
            #expect(throws: PolicyArtefact.LoadError.self) { try PolicyArtefact.decode(Array(bytes[..<cut])) }
        }
    }
}
