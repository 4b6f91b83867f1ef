import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceEngine
import SluiceMessage
import Testing

/// Runs every case under `Cases/` through the reference evaluator. Each file pins a section of
/// the reference (its name says which); each case names the row it pins.
@Suite("Semantics: data-driven cases against the reference")
struct SemanticCaseTests {
    static let cases = SemanticCase.all()

    @Test("there are cases for every pinned section of the reference")
    func coverage() {
        let files = Set(Self.cases.map(\.file))
        for section in ["1.6", "2.1", "2.3", "2.4", "2.5", "4", "5.2"] {
            #expect(files.contains { $0.hasPrefix("section-\(section)-") }, "no case file for §\(section)")
        }
    }

    @Test(arguments: cases)
    func decision(_ testCase: SemanticCase) throws {
        let policyPath = SemanticCase.directory.appendingPathComponent("\(testCase.file).policy.sluice").path
        let (policy, diagnostics) = PolicyChecker.check(text: testCase.policy, path: policyPath)
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "the case's policy does not check: \(errors.map { "\($0.code): \($0.message)" })")
        guard errors.isEmpty else { return }

        let message = MessageReader().read(testCase.messageBytes)
        var input = EnvelopeInput()
        var recipient: String? = nil
        var date = CalendarDate(year: 2026, month: 11, day: 29)!
        for (key, value) in testCase.envelope {
            switch key {
            case "mail-from": input.mailFrom = value
            case "rcpt-to": input.rcptTo = (input.rcptTo ?? []) + [value]
            case "client-ip": input.clientIP = value
            case "helo": input.helo = value
            case "ptr": input.ptr = value
            case "now": date = try #require(try? CalendarDate.parse(value).get())
            default: Issue.record("unknown envelope key `\(key)`")
            }
        }
        for (key, value) in testCase.expectations where key == "recipient" { recipient = value }
        let (envelope, _) = Envelope.resolve(given: input, givenBy: "case", message: message, trustedHosts: [])
        let target = try #require(recipient ?? input.rcptTo?.first, "a case needs `recipient` in its expectations")
        let decision = Evaluator.reference(policy).evaluate(message, envelope: envelope, recipient: target, on: date)
        let context = "\(testCase.testDescription)\n  decision: \(decision.summaryLine)\n\(decision.traceText)"
        let compiled = Evaluator.compiled(policy).evaluate(message, envelope: envelope, recipient: target, on: date)
        #expect(try DecisionJSON.text(compiled) == DecisionJSON.text(decision), "the compiled policy decides differently\n\(context)")
        for (key, value) in testCase.expectations {
            let actual: String? = switch key {
            case "recipient": target
            case "location": decision.location.rawValue
            case "action": decision.action.name
            case "verdict": decision.verdict?.rawValue ?? "none"
            case "category": decision.category
            case "decided-by": decision.decidedBy.kind.rawValue
            case "source-line": decision.decidedBy.span.map { String($0.line) } ?? "none"
            case "scl": String(decision.scl)
            case "sfv": decision.sfv
            case "quarantine-policy": decision.quarantine?.policy ?? "none"
            case "permissions": decision.quarantine.map { $0.permissions.map(\.rawValue).joined(separator: ", ") } ?? "none"
            case "notify": decision.quarantine.map { $0.notify ? "yes" : "no" } ?? "none"
            case "retention": decision.quarantine.map { String($0.retentionDays) } ?? "none"
            case "compauth": "\(decision.authentication.compauth) \(decision.authentication.reason)"
            case "dmarc": decision.authentication.dmarc
            case "reject-code":
                if case .reject(let code, let enhanced, _) = decision.action { "\(code) \(enhanced)" } else { "none" }
            case "refreshed": decision.refreshedEntries.map(\.key).joined(separator: ", ")
            case "policy": [decision.appliedPolicies["anti-spam"]!, decision.appliedPolicies["anti-phishing"]!].joined(separator: ", ")
            case "source-contains", "trace-contains": nil
            default: "unknown expectation key `\(key)`"
            }
            if key == "source-contains" {
                #expect(decision.decidedBy.description.contains(value), "deciding source lacks `\(value)`\n\(context)")
            } else if key == "trace-contains" {
                let text = decision.traceText
                #expect(text.contains(value), "trace lacks `\(value)`\n\(context)")
            } else {
                #expect(actual == value, "\(key): expected `\(value)`, got `\(actual ?? "nil")`\n\(context)")
            }
        }
    }
}
