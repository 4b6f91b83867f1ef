import SluiceChecking
import SluicePolicyTesting
import Testing

@Suite("behavioural diff")
struct BehaviouralDiffTests {
    private let date = CalendarDate(year: 2026, month: 11, day: 29)!

    private func policy(_ body: String, _ path: String) throws -> CheckedPolicy {
        let text = """
            organization {
              accepted-domains contoso.example
              trust authentication-results from mx1.contoso.example
            }

            """ + body
        let (policy, diagnostics) = PolicyChecker.check(text: text, path: path)
        let errors = diagnostics.filter { $0.severity == .error }
        try #require(errors.isEmpty, "\(errors)")
        return policy
    }

    private func message(from: String, to: String, subject: String = "Invoice #2026-1147") -> [UInt8] {
        let domain = from.split(separator: "@")[1]
        return Array("""
            Received: from mail.\(domain) (mail.\(domain) [192.0.2.77])\r
            \tby mx1.contoso.example (Postfix) with ESMTPS id 4F2A11C0042\r
            \tfor <\(to)>; Tue, 17 Nov 2026 09:14:03 +0000 (UTC)\r
            Authentication-Results: mx1.contoso.example; spf=pass smtp.mailfrom=\(domain); dmarc=pass header.from=\(domain)\r
            From: <\(from)>\r
            To: <\(to)>\r
            Subject: \(subject)\r
            Date: Tue, 17 Nov 2026 10:13:58 +0100\r
            Message-ID: <1@\(domain)>\r
            \r
            Hello.\r

            """.utf8)
    }

    private func run(_ diff: BehaviouralDiff, _ messages: [(String, [UInt8])]) -> BehaviouralReport {
        diff.run(count: messages.count) { .success(DiffMessage(name: messages[$0].0, bytes: messages[$0].1)) }
    }

    @Test("a one-line broadening of a block quarantines a partner's invoice; the new entry is named with its place")
    func partner() throws {
        let old = try policy("block domain *.fabrikam-invoices.example expires never\n", "old.sluice")
        let new = try policy("block domain *.example expires never\n", "new.sluice")
        let report = run(BehaviouralDiff(old: old, new: new, date: date), [
            ("partner.eml", message(from: "billing@fabrikam.example", to: "alice@contoso.example")),
            ("other.eml", message(from: "news@tailspin.test", to: "bob@contoso.example")),
        ])
        #expect(report.messages == 2 && report.decisions == 2 && report.changedMessages == 1)
        let group = try #require(report.groups.first)
        #expect(report.groups.count == 1)
        #expect(group.cause.policy == .new && group.cause.role == .decides)
        #expect(group.cause.place?.description == "new.sluice:5:1")
        #expect(group.cause.text == "block domain *.example expires never")
        let change = try #require(group.changes.first)
        #expect(change.message == "partner.eml" && change.recipient == "alice@contoso.example")
        #expect(change.changed == ["action", "location", "verdict", "deciding source"])
        #expect(change.old.location == "Inbox" && change.new.location == "Quarantine")
        #expect(change.new.verdict == "high-confidence-phish")
    }

    @Test("a removed entry is named from the old policy; moved entries and unchanged policies change nothing")
    func removedAndMoved() throws {
        let old = try policy("block sender promo@deals.test expires never\nblock domain *.zip expires never\n", "old.sluice")
        let moved = try policy("\n\nblock domain *.zip expires never\nblock sender promo@deals.test expires never\n", "moved.sluice")
        let messages = [("promo.eml", message(from: "promo@deals.test", to: "bob@contoso.example"))]
        #expect(run(BehaviouralDiff(old: old, new: moved, date: date), messages).groups.isEmpty)
        let removed = try policy("block domain *.zip expires never\n", "removed.sluice")
        let report = run(BehaviouralDiff(old: old, new: removed, date: date), messages)
        let cause = try #require(report.groups.first?.cause)
        #expect(cause.policy == .old && cause.role == .noLongerDecides && cause.place?.description == "old.sluice:5:1")
    }

    @Test("the same source with another action is due to the action setting that changed")
    func actionSetting() throws {
        let rule = "rule \"Invoices\" {\n  when subject contains \"invoice\"\n  then mark spam\n}\n"
        let old = try policy(rule + "anti-spam default {\n  spam action junk\n}\n", "old.sluice")
        let new = try policy(rule + "anti-spam default {\n  spam action quarantine\n}\n", "new.sluice")
        let report = run(BehaviouralDiff(old: old, new: new, date: date),
                         [("invoice.eml", message(from: "a@vendor.test", to: "bob@contoso.example"))])
        let group = try #require(report.groups.first)
        #expect(group.changes.first?.changed == ["action", "location"])
        #expect(group.cause.role == .setsAction && group.cause.text == "spam action quarantine" && group.cause.place?.line == 10)
    }

    @Test("unreadable messages and messages without recipients are reported, not compared")
    func failures() throws {
        let same = try policy("", "p.sluice")
        let report = BehaviouralDiff(old: same, new: same, date: date).run(count: 2) { index in
            // No envelope, no Received `for`, and a To outside the accepted domains.
            index == 0 ? .failure(.init("cannot read `gone.eml`"))
                : .success(DiffMessage(name: "outside.eml", bytes: Array("From: <a@x.test>\r\nTo: <z@elsewhere.test>\r\nSubject: hi\r\n\r\nHello.\r\n".utf8)))
        }
        #expect(report.failures.count == 2)
        #expect(report.failures[0] == "cannot read `gone.eml`")
        #expect(report.failures[1].hasPrefix("`outside.eml` has no recipient"))
    }
}
