import Foundation
import SluiceEngine
import Testing

/// Trace details and the processing order, as decisions and their JSON show them.
@Suite("Decision parts")
struct DecisionPartsTests {
    @Test("the processing order is the order of the verdicts' cases")
    func processingOrder() {
        let verdicts = ThreatVerdict.allCases
        #expect(verdicts.sorted() == verdicts)
        for (index, verdict) in verdicts.enumerated() {
            #expect(verdicts[..<index].allSatisfy { $0 < verdict })
            #expect(!(verdict < verdict))
        }
    }

    @Test("a step's detail set after it was made replaces the detail, and coding keeps it")
    func stepDetail() throws {
        var step = TraceStep("check", .note, "first")
        step.detail = "second"
        step.outcome = .matched
        #expect(step.detail == "second" && step.check == "check" && step.outcome == .matched)
        let decoded = try JSONDecoder().decode(TraceStep.self, from: JSONEncoder().encode(step))
        #expect(decoded.detail == "second" && decoded.outcome == .matched)
    }
}
