import SluiceChecking
import SluiceDiagnostics
import SluiceSyntax
import SluiceTestSupport
import Testing

/// Every lint rule, with marked source: a finding where `1️⃣` stands, and a near miss that
/// must not be reported.
@Suite("Lint rules")
struct LintRuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var finding: String
        var nearMiss: String
        var testDescription: String { rule }
    }

    static let header = "organization {\n  accepted-domains contoso.example\n}\n"

    static let cases: [Case] = [
        Case(rule: "duplicate-entry",
             finding: "block sender a@evil.example expires never\n1️⃣block sender a@evil.example expires never\n",
             nearMiss: "block sender a@evil.example expires never\nallow sender a@evil2.example note \"x\"\n"),
        Case(rule: "allow-and-block",
             finding: "1️⃣allow sender a@fabrikam.example note \"x\"\nblock sender a@fabrikam.example expires never\n",
             nearMiss: "allow sender a@fabrikam.example note \"x\"\nblock sender b@fabrikam.example expires never\n"),
        Case(rule: "shadowed-entry",
             finding: "block domain *.evil.example expires never\n1️⃣block domain mail.evil.example expires never\n",
             nearMiss: "block domain *.evil.example expires never\nblock domain evil.example expires never\n"),
        Case(rule: "own-domain-allow",
             finding: "1️⃣allow sender ceo@contoso.example note \"x\"\n",
             nearMiss: "allow sender ceo@contoso-partner.example note \"x\"\n"),
        Case(rule: "consumer-domain-allow",
             finding: "1️⃣allow domain gmail.com note \"x\"\n",
             nearMiss: "allow sender friend@gmail.com note \"x\"\n"),
        Case(rule: "tld-allow",
             finding: "1️⃣allow domain *.com note \"x\"\n",
             nearMiss: "allow domain *.fabrikam.com note \"x\"\n"),
        Case(rule: "expired-entry",
             finding: "1️⃣block sender a@evil.example expires 2026-11-01\n",
             nearMiss: "block sender a@evil.example expires 2026-11-29\n"),
        Case(rule: "expiring-entry",
             finding: "1️⃣block sender a@evil.example expires 2026-12-05\n",
             nearMiss: "block sender a@evil.example expires 2027-01-31\n"),
        Case(rule: "allow-without-note",
             finding: "allow sender 1️⃣a@fabrikam.example\n",
             nearMiss: "allow sender a@fabrikam.example ticket \"FP-1\"\n"),
        Case(rule: "ineffective-allow",
             finding: "1️⃣allow sender a@fabrikam.example note \"let their malware-flagged invoices through\"\n",
             nearMiss: "allow sender a@fabrikam.example from-submission note \"flagged as malware, reviewed clean\"\n"),
        Case(rule: "from-only-bypass",
             finding: "1️⃣rule \"trust partner\" {\n  when from.domain is fabrikam.example\n  then set-scl -1\n}\n",
             nearMiss: "rule \"trust partner\" {\n  when from.domain is fabrikam.example and dmarc is pass\n  then set-scl -1\n}\n"),
        Case(rule: "release-where-request-only",
             finding: "quarantine-policy \"Open\" {\n  permissions release, preview\n}\nanti-spam default {\n  1️⃣high-confidence-phish action quarantine \"Open\"\n}\n",
             nearMiss: "quarantine-policy \"Open\" {\n  permissions release, preview\n}\nanti-spam default {\n  phish action quarantine \"Open\"\n}\n"),
        Case(rule: "notify-without-permissions",
             finding: "1️⃣quarantine-policy \"Quiet\" {\n  permissions view-headers\n  notify yes\n}\nanti-spam default {\n  spam action quarantine \"Quiet\"\n}\n",
             nearMiss: "quarantine-policy \"Quiet\" {\n  permissions view-headers, preview\n  notify yes\n}\nanti-spam default {\n  spam action quarantine \"Quiet\"\n}\n"),
        Case(rule: "unused-quarantine-policy",
             finding: "1️⃣quarantine-policy \"Spare\" {\n  permissions preview\n}\n",
             nearMiss: "quarantine-policy \"Spare\" {\n  permissions preview\n}\nrule \"r\" {\n  when spf is fail\n  then quarantine \"Spare\"\n}\n"),
        Case(rule: "unused-group",
             finding: "group 1️⃣\"Finance\" {\n  members a@contoso.example\n}\n",
             nearMiss: "group \"Finance\" {\n  members a@contoso.example\n}\nanti-spam \"F\" {\n  priority 0\n  applies-to groups \"Finance\"\n}\n"),
        Case(rule: "regex-unescaped-dot",
             finding: "rule \"r\" {\n  when 1️⃣from.domain matches /contoso.com$/\n  then junk\n}\n",
             nearMiss: "rule \"r\" {\n  when from.domain matches /contoso\\.com$/\n  then junk\n}\n"),
        Case(rule: "regex-backtracking",
             finding: "rule \"r\" {\n  when 1️⃣subject matches /^(a+)+$/\n  then junk\n}\n",
             nearMiss: "rule \"r\" {\n  when subject matches /^(ab)+$/\n  then junk\n}\n"),
        Case(rule: "regex-matches-everything",
             finding: "rule \"r\" {\n  when 1️⃣subject matches /(invoice)?/i\n  then junk\n}\n",
             nearMiss: "rule \"r\" {\n  when subject matches /invoice/i\n  then junk\n}\n"),
        Case(rule: "regex-unanchored",
             finding: "rule \"r\" {\n  when 1️⃣from.domain matches /contoso\\.com/\n  then junk\n}\n",
             nearMiss: "rule \"r\" {\n  when from.domain matches /(^|\\.)contoso\\.com$/\n  then junk\n}\n"),
        Case(rule: "regex-never-matches",
             finding: "rule \"r\" {\n  when 1️⃣subject matches /invoice$ due/\n  then junk\n}\n",
             nearMiss: "rule \"r\" {\n  when subject matches /invoice due$/\n  then junk\n}\n"),
        Case(rule: "unreachable-rule",
             finding: "rule \"first\" {\n  when spf is fail\n  then junk, stop\n}\n1️⃣rule \"second\" {\n  when spf is fail\n  then mark spam\n}\n",
             nearMiss: "rule \"first\" {\n  when spf is fail\n  then add-header \"X-Seen\" \"yes\"\n}\nrule \"second\" {\n  when spf is fail\n  then mark spam\n}\n"),
        Case(rule: "lookalike-domain",
             finding: "allow sender 1️⃣billing@c0ntoso.example note \"x\"\n",
             nearMiss: "allow sender billing@fabrikam.example note \"x\"\n"),
    ]

    private func lint(_ text: String) -> [Diagnostic] {
        let (file, _) = Parser.parse(text, path: "tenant.sluice")
        let (policy, diagnostics) = PolicyChecker.check(text: text, path: "tenant.sluice")
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics.map(\.message))")
        return Linter().lint(LintContext(policy: policy, today: CalendarDate(year: 2026, month: 11, day: 29)!), files: ["tenant.sluice": file])
    }

    @Test("every rule has a case", arguments: Linter.rules.map { type(of: $0).id })
    func covered(rule: String) {
        #expect(Self.cases.contains { $0.rule == rule } || rule == "list-size-limit")
    }

    @Test(arguments: cases)
    func finding(_ testCase: Case) throws {
        let marked = MarkedSource(Self.header + testCase.finding)
        let findings = lint(marked.text).filter { $0.code.rawValue == "lint.\(testCase.rule)" }
        let found = try #require(findings.first, "no `\(testCase.rule)` finding")
        guard case .source(let span)? = found.location else { Issue.record("no span"); return }
        #expect(span.start == marked.markers["1️⃣"])
        // Messages are lower case (they may open with user input in backticks).
        #expect(!found.message.isEmpty && !found.message.first!.isUppercase)
    }

    @Test(arguments: cases)
    func nearMiss(_ testCase: Case) {
        let findings = lint(Self.header + testCase.nearMiss).filter { $0.code.rawValue == "lint.\(testCase.rule)" }
        #expect(findings.isEmpty, "\(findings.map(\.message))")
    }

    @Test("punycode homographs: decoded, folded to what they imitate, mixed scripts reported")
    func homographs() {
        // xn--pple-43d is "аpple" with a Cyrillic а; xn--cntoso-wqf is "cоntoso" with a Cyrillic о.
        #expect(Punycode.decode("xn--pple-43d.example") == "\u{430}pple.example")
        #expect(Punycode.decode("xn--mnchen-3ya.example") == "münchen.example")
        let imitation = lint(Self.header + "allow domain xn--cntoso-wqf.example note \"x\"\n")
        #expect(imitation.contains { $0.code.rawValue == "lint.lookalike-domain" && $0.message.contains("looks like your domain `contoso.example`") })
        let mixed = lint(Self.header + "allow domain xn--pple-43d.example note \"x\"\n")
        #expect(mixed.contains { $0.code.rawValue == "lint.lookalike-domain" && $0.message.contains("mixes scripts") })
        let german = lint(Self.header + "allow domain xn--mnchen-3ya.example note \"x\"\n")
        #expect(!german.contains { $0.code.rawValue == "lint.lookalike-domain" })
    }

    @Test("a later rule with the same condition as an earlier deciding rule never changes the outcome")
    func moot() {
        let rules = "rule \"first\" {\n  when spf is fail\n  then reject\n}\nrule \"second\" {\n  when spf is fail\n  then mark spam\n}\n"
        #expect(lint(Self.header + rules).contains { $0.code.rawValue == "lint.unreachable-rule" && $0.message.contains("never changes the outcome") })
        let tagging = rules.replacingOccurrences(of: "then mark spam", with: "then add-header \"X-Seen\" \"yes\"")
        #expect(!lint(Self.header + tagging).contains { $0.code.rawValue == "lint.unreachable-rule" })
    }

    @Test("the list-size limit counts past Microsoft's maximum")
    func listSize() {
        let text = Self.header + (0...1_024).map { "allow spoof s\($0).example via *" }.joined(separator: "\n") + "\n"
        #expect(lint(text).contains { $0.code.rawValue == "lint.list-size-limit" })
        let under = Self.header + (0..<1_024).map { "allow spoof s\($0).example via *" }.joined(separator: "\n") + "\n"
        #expect(!lint(under).contains { $0.code.rawValue == "lint.list-size-limit" })
    }

    @Test("a suppression silences its rule in its statement; an unused one is reported")
    func suppression() {
        let suppressed = lint(Self.header + "# sluice-lint: ignore allow-without-note partner onboarding, FP-12 pending\nallow sender a@fabrikam.example\n")
        #expect(!suppressed.contains { $0.code.rawValue == "lint.allow-without-note" })
        #expect(suppressed.isEmpty, "\(suppressed.map(\.message))")
        let unused = lint(Self.header + "# sluice-lint: ignore allow-without-note stale\nallow sender a@fabrikam.example note \"x\"\n")
        #expect(unused.contains { $0.code.rawValue == "lint.unused-suppression" })
        let unknown = lint(Self.header + "# sluice-lint: ignore no-such-rule why\nallow sender a@fabrikam.example note \"x\"\n")
        #expect(unknown.contains { $0.code.rawValue == "lint.unknown-suppression" })
    }
}
