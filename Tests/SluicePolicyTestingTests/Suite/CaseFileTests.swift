import SluiceDiagnostics
import SluicePolicyTesting
import Testing

@Suite("case files")
struct CaseFileTests {
    @Test("settings, then one block of expectations per recipient; paths resolve against the case file's folder")
    func structure() {
        let file = CaseFile(path: "suite/tests/invoice.expect", text: """
            # a comment
            policy: ../tenant.sluice
            now: 2026-11-29
            client-ip: 198.51.100.25
            rcpt-to: alice@contoso.example
            rcpt-to: ap@contoso.example
            trust-host: MX1.contoso.example

            recipient: Alice@Contoso.example
            action: deliver
            location: inbox

            recipient: ap@contoso.example
            verdict: High-Confidence-Phish
            deciding-at: ../tenant.sluice:25
            result: Blocked due to organizational overrides #3

            """)
        #expect(file.problems.isEmpty, "\(file.problems)")
        #expect(file.kind == .message)
        #expect(file.policy == "suite/tenant.sluice")
        #expect(file.message == "suite/tests/invoice.eml")
        #expect(file.now?.description == "2026-11-29")
        #expect(file.envelope.clientIP == "198.51.100.25")
        #expect(file.envelope.rcptTo == ["alice@contoso.example", "ap@contoso.example"])
        #expect(file.trustedHosts == ["mx1.contoso.example"])
        #expect(file.blocks.map(\.recipient) == ["alice@contoso.example", "ap@contoso.example"])
        #expect(file.blocks[0].expectations[.location]?.value == "Inbox")
        #expect(file.blocks[1].expectations[.verdict]?.value == "high-confidence-phish")
        // A `#` inside a value is part of it: only whole lines are comments.
        #expect(file.blocks[1].expectations[.result]?.value == "Blocked due to organizational overrides #3")
        #expect(file.lines.count == 16)
    }

    @Test("a file with diagnostic lines is a check case")
    func checkCase() {
        let file = CaseFile(path: "t/broken.expect", text: "policy: broken.sluice\ndiagnostic: check.invalid-url-entry at broken.sluice:2:11\ndiagnostic: check.unknown-name\n")
        #expect(file.problems.isEmpty, "\(file.problems)")
        #expect(file.kind == .check)
        #expect(file.expectedDiagnostics.map(\.code) == ["check.invalid-url-entry", "check.unknown-name"])
        #expect(file.expectedDiagnostics[0].file == "t/broken.sluice")
        #expect(file.expectedDiagnostics[0].line == 2 && file.expectedDiagnostics[0].column == 11)
        #expect(file.expectedDiagnostics[1].file == nil)
    }

    @Test("errors are diagnostics with stable codes at the key or value, with help", arguments: [
        ("policy: p.sluice\nrecipient: a@contoso.example\nacton: deliver\n", "test.unknown-key", 3, 1, "did you mean `action`?"),
        ("policy: p.sluice\nrecipient: a@contoso.example\nlocation: Attic\n", "test.invalid-value", 3, 11, "one of `Inbox`"),
        ("policy: p.sluice\nrecipient: a@contoso.example\naction deliver\n", "test.malformed-line", 3, 1, "key, a colon and a value"),
        ("policy: p.sluice\naction: deliver\nrecipient: a@contoso.example\n", "test.expectation-before-recipient", 2, 1, "recipient: ADDRESS"),
        ("policy: p.sluice\nrecipient: a@contoso.example\nnow: 2026-11-29\n", "test.setting-after-recipient", 3, 1, "above the first"),
        ("policy: p.sluice\nrecipient: a@contoso.example\naction: deliver\naction: junk\n", "test.duplicate-key", 4, 1, "keep one"),
        ("policy: p.sluice\nnow: 2026-02-30\nrecipient: a@contoso.example\n", "test.invalid-value", 2, 6, "YYYY-MM-DD"),
        ("policy: p.sluice\nrecipient: a@contoso.example\ndeciding-at: tenant.sluice\n", "test.invalid-value", 3, 14, "FILE:LINE"),
        ("policy: p.sluice\nrecipient: a@contoso.example\nresult:\n", "test.missing-value", 3, 1, "after the colon"),
        ("recipient: a@contoso.example\n", "test.missing-policy", 1, 1, "policy: PATH"),
        ("policy: p.sluice\n", "test.missing-recipient", 1, 1, "recipient: ADDRESS"),
        ("policy: p.sluice\ndiagnostic: check.x\nrecipient: a@contoso.example\n", "test.mixed-case", 3, 12, "file of its own"),
    ])
    func problems(text: String, code: String, line: Int, column: Int, help: String) throws {
        let file = CaseFile(path: "case.expect", text: text)
        let problem = try #require(file.problems.first)
        #expect(problem.code.rawValue == code)
        #expect(problem.severity == .error)
        guard case .source(let span)? = problem.location else {
            Issue.record("no source location")
            return
        }
        #expect(span.file == "case.expect")
        #expect(span.line == line && span.column == column, "\(span)")
        #expect(problem.help?.contains(help) == true, "\(problem.help ?? "")")
        #expect(problem.message.first?.isUppercase == false)
    }

    @Test("CRLF line ends are not part of values")
    func crlf() {
        let file = CaseFile(path: "c.expect", text: "policy: p.sluice\r\nrecipient: a@contoso.example\r\naction: junk\r\n")
        #expect(file.problems.isEmpty)
        #expect(file.blocks.first?.expectations[.action]?.value == "junk")
    }
}
