import Foundation
import SluiceChecking
import SluicePolicyTesting
import Testing

/// The runner, the updater and coverage on a policy, messages and case files written to a
/// temporary folder.
@Suite("suite runner")
struct SuiteRunnerTests {
    static let policy = """
        organization {
          accepted-domains contoso.example
          trust authentication-results from mx1.contoso.example
        }

        allow sender billing@fabrikam.example expires never ticket "FP-1" note "partner invoices"
        block sender invoices@fabrikarn.example expires never ticket "SEC-1"
        block domain *.zip expires never ticket "SEC-2"

        rule "Known bad sender domain" {
          when from.domain is cheap-meds.example
          then reject 550 5.7.1 "message refused by policy"
        }

        """

    static func message(from: String, to: String) -> String {
        """
        Received: from mail.sender.example (mail.sender.example [192.0.2.77])\r
        \tby mx1.contoso.example (Postfix) with ESMTPS id 9C1E2A0031\r
        \tfor <\(to)>; Sun, 29 Nov 2026 08:02:11 +0000 (UTC)\r
        Authentication-Results: mx1.contoso.example; spf=pass smtp.mailfrom=\(from.split(separator: "@")[1]);\r
        \tdmarc=pass header.from=\(from.split(separator: "@")[1])\r
        From: <\(from)>\r
        To: <\(to)>\r
        Subject: Invoice #2026-1190\r
        Date: Sun, 29 Nov 2026 09:02:05 +0100\r
        Message-ID: <1@\(from.split(separator: "@")[1])>\r
        \r
        Please pay today.\r

        """
    }

    /// A folder with the policy, a lookalike message and a partner message.
    static func folder() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-suite-\(UUID())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tests"), withIntermediateDirectories: true)
        try Data(policy.utf8).write(to: directory.appendingPathComponent("policy.sluice"))
        try Data(message(from: "invoices@fabrikarn.example", to: "ap@contoso.example").utf8)
            .write(to: directory.appendingPathComponent("tests/lookalike.eml"))
        try Data(message(from: "billing@fabrikam.example", to: "alice@contoso.example").utf8)
            .write(to: directory.appendingPathComponent("tests/partner.eml"))
        return directory
    }

    static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private let date = CalendarDate(year: 2026, month: 11, day: 29)!

    @Test("stated keys are compared, unstated ones are not; a mismatch carries the explanation")
    func compare() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.write("""
            policy: ../policy.sluice
            now: 2026-11-29

            recipient: ap@contoso.example
            action: quarantine
            deciding-at: ../policy.sluice:7

            recipient: alice@contoso.example
            action: junk
            verdict: high-confidence-phish

            """, "tests/lookalike.expect", in: directory)
        var runner = SuiteRunner(defaultDate: date)
        let (file, results) = runner.run(path: path)
        #expect(file != nil)
        #expect(results.count == 2)
        #expect(results[0].passed, "\(results[0].status)")
        #expect(results[0].decision?.decidedBy.span?.line == 7)
        guard case .failed(let mismatches) = results[1].status else {
            Issue.record("expected a failure, got \(results[1].status)")
            return
        }
        // alice is not the message's recipient, but decided for all the same: the block applies.
        #expect(mismatches == [CaseResult.Mismatch(key: "action", expected: "junk", actual: "quarantine")])
        #expect(results[1].explanation?.result == "Blocked due to organizational overrides")
        let text = try #require(SuiteText(useColor: false).render(results[1]))
        #expect(text.hasPrefix("FAIL \(path) (alice@contoso.example)\n  expected action: junk / actual: quarantine\n"))
        #expect(text.contains("    Result: Blocked due to organizational overrides"))
        #expect(SuiteText(useColor: false).summary(results) == "1 passed, 1 failed")
    }

    @Test("deciding-at matches the place however its path is written")
    func placeForms() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        var runner = SuiteRunner(defaultDate: date)
        for place in ["../policy.sluice:7", "../tests/../policy.sluice:7:1", "\(directory.path)/policy.sluice:7"] {
            let path = try Self.write("policy: ../policy.sluice\nmessage: lookalike.eml\nrecipient: ap@contoso.example\ndeciding-at: \(place)\n",
                                      "tests/place.expect", in: directory)
            let (_, results) = runner.run(path: path)
            #expect(results.first?.passed == true, "\(place): \(String(describing: results.first?.status))")
        }
        let path = try Self.write("policy: ../policy.sluice\nmessage: lookalike.eml\nrecipient: ap@contoso.example\ndeciding-at: ../policy.sluice:8\n",
                                  "tests/place.expect", in: directory)
        #expect(runner.run(path: path).results.first?.passed == false)
    }

    @Test("a missing message, a policy that does not check, a broken case file and a missing policy cannot run")
    func errors() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("block url contoso.com/ab*\n".utf8).write(to: directory.appendingPathComponent("broken.sluice"))
        var runner = SuiteRunner(defaultDate: date)
        let missing = try Self.write("policy: ../policy.sluice\nrecipient: ap@contoso.example\n", "tests/nothing.expect", in: directory)
        let broken = try Self.write("policy: ../broken.sluice\nmessage: lookalike.eml\nrecipient: ap@contoso.example\n", "tests/broken.expect", in: directory)
        let typo = try Self.write("policy: ../policy.sluice\nrecipient: ap@contoso.example\nactoin: deliver\n", "tests/typo.expect", in: directory)
        let noPolicy = try Self.write("policy: ../nowhere.sluice\nmessage: lookalike.eml\nrecipient: ap@contoso.example\n", "tests/nowhere.expect", in: directory)
        let codes = [missing, broken, typo, noPolicy].map { path -> String? in
            guard case .error(let diagnostics)? = runner.run(path: path).results.first?.status else { return nil }
            return diagnostics.first?.code.rawValue
        }
        #expect(codes == ["test.unreadable-message", "test.policy-does-not-check", "test.unknown-key", "test.unreadable-policy"])
        #expect(runner.run(path: directory.appendingPathComponent("tests/none.expect").path).results.first?.isError == true)
    }

    @Test("a check case passes when the policy reports exactly the expected errors")
    func checkCase() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("# broken\nblock url contoso.com/ab* expires never\n".utf8).write(to: directory.appendingPathComponent("tests/broken.sluice"))
        var runner = SuiteRunner(defaultDate: date)
        let good = try Self.write("policy: broken.sluice\ndiagnostic: check.invalid-url-entry at broken.sluice:2\n", "tests/good.expect", in: directory)
        #expect(runner.run(path: good).results.first?.passed == true)
        let wrongLine = try Self.write("policy: broken.sluice\ndiagnostic: check.invalid-url-entry at broken.sluice:1\n", "tests/line.expect", in: directory)
        guard case .failed(let mismatches)? = runner.run(path: wrongLine).results.first?.status else {
            Issue.record("a diagnostic on the wrong line must fail")
            return
        }
        #expect(mismatches.map(\.actual) == ["not reported", "check.invalid-url-entry at broken.sluice:2:25"])
        let clean = try Self.write("policy: ../policy.sluice\ndiagnostic: check.invalid-url-entry\n", "tests/clean.expect", in: directory)
        guard case .failed(let cleanMismatches)? = runner.run(path: clean).results.first?.status else {
            Issue.record("a policy that checks must fail a check case")
            return
        }
        #expect(cleanMismatches.contains { $0.key == "check" })
    }

    @Test("--update rewrites values in place, keeps comments and order, adds what is missing after the block's last key")
    func update() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.write("""
            # keep this comment
            policy: ../policy.sluice
            message: lookalike.eml
            now: 2026-11-29

            recipient: ap@contoso.example
            # the action was wrong
            action:   deliver
            location: Quarantine

            # second recipient
            recipient: alice@contoso.example

            """, "tests/update.expect", in: directory)
        var runner = SuiteRunner(defaultDate: date)
        let (read, results) = runner.run(path: path)
        let file = try #require(read)
        let rewritten = try #require(CaseUpdate.rewrite(file, results: results))
        let all = """
            verdict: high-confidence-phish
            category: HPHSH
            decided-by: organization-override
            deciding: tenant block entry `sender invoices@fabrikarn.example`
            deciding-at: ../policy.sluice:7
            result: Blocked due to organizational overrides
            quarantine-policy: AdminOnlyAccessPolicy
            """
        #expect(rewritten == """
            # keep this comment
            policy: ../policy.sluice
            message: lookalike.eml
            now: 2026-11-29

            recipient: ap@contoso.example
            # the action was wrong
            action:   quarantine
            location: Quarantine
            \(all)

            # second recipient
            recipient: alice@contoso.example
            action: quarantine
            location: Quarantine
            \(all)

            """)
        let again = runner.run(CaseFile(path: path, text: rewritten))
        #expect(again.allSatisfy { $0.passed })
        #expect(CaseUpdate.rewrite(CaseFile(path: path, text: rewritten), results: again) == rewritten)
    }

    @Test("--update replaces a check case's diagnostics where the first one stood")
    func updateCheck() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("block url contoso.com/ab* expires never\n".utf8).write(to: directory.appendingPathComponent("tests/broken.sluice"))
        let path = try Self.write("policy: broken.sluice\n# what it reports\ndiagnostic: check.other\ndiagnostic: check.more\n# end\n",
                                  "tests/broken.expect", in: directory)
        var runner = SuiteRunner(defaultDate: date)
        let (read, results) = runner.run(path: path)
        let file = try #require(read)
        #expect(CaseUpdate.rewrite(file, results: results)
            == "policy: broken.sluice\n# what it reports\ndiagnostic: check.invalid-url-entry at broken.sluice:1:25\n# end\n")
    }

    @Test("coverage lists the entries and rules no decision exercised")
    func coverage() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.write("policy: ../policy.sluice\nmessage: partner.eml\nrecipient: alice@contoso.example\n", "tests/partner.expect", in: directory)
        var runner = SuiteRunner(defaultDate: date)
        let results = runner.run(path: path).results
        let loaded = try #require(runner.policies.values.first)
        let coverage = Coverage(policy: loaded.policy, path: loaded.path, decisions: results.compactMap(\.decision))
        #expect(coverage.entries == 3 && coverage.rules == 1)
        #expect(coverage.uncovered.map(\.span.line) == [7, 8, 10])
        #expect(coverage.uncovered.last?.text == "rule \"Known bad sender domain\" {")
        let text = SuiteText(useColor: false).render(coverage)
        #expect(text.contains("1 of 3 entries, 0 of 1 rules exercised"))
        #expect(text.contains("policy.sluice:8: block domain *.zip expires never ticket \"SEC-2\""))
    }
}
