import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
import SluiceWorkload
import Testing

/// The evaluator reads messages only as deep as its policy looks (`Evaluator.readFeatures`);
/// a message read that way must get the decision a fully read one gets, trace included.
@Suite("Reading as deep as the policy looks")
struct ReadFeaturesTests {
    @Test("decisions on messages read with the policy's features equal those on fully read ones", arguments: [true, false])
    func sameDecisions(policyUsesURLs: Bool) throws {
        var workload = WorkloadGenerator(seed: 11)
        var text = workload.policy(entries: 400, rules: 15)
        if !policyUsesURLs {
            text = text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("allow url ") && !$0.hasPrefix("block url ") }
                .joined(separator: "\n")
                .replacingOccurrences(of: "any url.host matches", with: "any attachment.name matches")
        }
        let (policy, diagnostics) = PolicyChecker.check(text: text, path: "generated.sluice")
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty)
        let evaluator = Evaluator.compiled(policy)
        #expect(evaluator.readFeatures == (policyUsesURLs ? .urls : .decodedContent))
        #expect(!evaluator.readFeatures.contains(.bodyHashes))

        let full = MessageReader(), needed = MessageReader(options: ReadOptions(features: evaluator.readFeatures))
        let date = CalendarDate(year: 2026, month: 11, day: 29)!
        var inputs: [(bytes: [UInt8], clientIP: String, recipient: String)] = (0..<40).map { _ in workload.message(size: 4096 + Int(workload.random.next() % 4096)) }
        inputs += DifferentialTests.corpus.map { ($0, "198.0.0.6", "alice@contoso.example") }
        for (number, input) in inputs.enumerated() {
            func decide(_ reader: MessageReader) throws -> String {
                let message = reader.read(input.bytes)
                let (envelope, _) = Envelope.resolve(given: EnvelopeInput(clientIP: input.clientIP), givenBy: "test", message: message, trustedHosts: [])
                return try DecisionJSON.text(evaluator.evaluate(message, envelope: envelope, recipient: input.recipient, on: date))
            }
            #expect(try decide(needed) == decide(full), "message \(number)")
        }
    }

    @Test func attachmentsKeepTheirHashesBodyPartsLoseThem() throws {
        var workload = WorkloadGenerator(seed: 3)
        _ = workload.policy(entries: 64, rules: 0)
        let reader = MessageReader(options: ReadOptions(features: .decodedContent))
        let messages = (0..<30).map { _ in reader.read(workload.message(size: 4096).bytes) }
        let withAttachments = messages.filter { !$0.attachments.isEmpty }
        #expect(!withAttachments.isEmpty)
        #expect(withAttachments.allSatisfy { $0.attachments.allSatisfy { $0.sha256 != nil } })
        #expect(messages.allSatisfy { $0.root.leaves.filter { !$0.isAttachment }.allSatisfy { $0.content != nil && $0.content?.sha256 == nil } })
        #expect(messages.allSatisfy { $0.urls.isEmpty })
        #expect(MessageReader().read(workload.message(size: 4096).bytes).root.leaves.allSatisfy { $0.content?.sha256 != nil })
    }
}
