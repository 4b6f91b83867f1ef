import Foundation
import Testing

/// `sluice diff`, run as a built binary. The fixtures are a one-line policy change: the block
/// of an invoice-lure campaign `*.fabrikam-invoices.example` "simplified" to `*.example`, which
/// silently starts quarantining the partner Fabrikam's invoices.
@Suite("sluice diff")
struct DiffCommandTests {
    private let old = SluiceBinary.fixture("Tests/SluiceCLITests/Fixtures/diff/old.sluice")
    private let new = SluiceBinary.fixture("Tests/SluiceCLITests/Fixtures/diff/new.sluice")
    private let messages = SluiceBinary.fixture("Tests/SluiceCLITests/Fixtures/diff/messages")

    @Test("with --messages: the partner's invoice is named, with the new entry responsible and its file:line")
    func partnerInvoice() throws {
        let result = try SluiceBinary.run(["diff", old, new, "--messages", messages, "--now", "2026-11-29"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "2 of 3 messages change (2 of 3 decisions)")
        #expect(lines.contains("\(new):8:1 (new policy) now decides: 2 decisions"))
        #expect(lines.contains("  8 | block domain *.example expires never ticket \"SEC-2001\" note \"invoice lure campaign\""))
        let partner = try #require(lines.firstIndex(of: "  \(messages)/partner-invoice.eml → alice@contoso.example (action, location, verdict, deciding source)"))
        #expect(lines[partner + 1] == "      old: Inbox (no threat), filter: no filter found a threat")
        #expect(lines[partner + 2].hasPrefix("      new: Quarantine (high confidence phishing, HPHSH), organization override: tenant block entry `domain *.example`"))
        #expect(!result.stdout.contains("newsletter.eml"))
    }

    @Test("--fail-on-change exits 1 when decisions change and 0 when they do not")
    func failOnChange() throws {
        #expect(try SluiceBinary.run(["diff", old, new, "--messages", messages, "--fail-on-change"]).status == 1)
        let same = try SluiceBinary.run(["diff", old, old, "--messages", messages, "--fail-on-change", "--now", "2026-11-29"])
        #expect(same.status == 0)
        #expect(same.stdout == "0 of 3 messages change (0 of 3 decisions)\n")
        #expect(try SluiceBinary.run(["diff", old, new, "--fail-on-change"]).status == 1)
        #expect(try SluiceBinary.run(["diff", old, old, "--fail-on-change"]).status == 0)
    }

    @Test("without messages: entries added and removed, and the keys whose outcome changes, from the indexes")
    func structural() throws {
        let result = try SluiceBinary.run(["diff", old, new, "--now", "2026-11-29"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  + added block domain *.example at \(new):8:1"))
        #expect(result.stdout.contains("  - removed block domain *.fabrikam-invoices.example at \(old):8:1"))
        #expect(result.stdout.contains("""
              sender billing@fabrikam.example [partner: allowed in the old policy, blocked in the new]
                  old: allowed by `allow sender billing@fabrikam.example` (\(old):7:1)
                  new: blocked by `block domain *.example` (\(new):8:1), which overrides `allow sender billing@fabrikam.example`
            """))
        #expect(result.stdout.contains("  domain contoso.example [accepted domain]\n      old: no tenant entry\n"))
        // The rule is the same in both.
        #expect(!result.stdout.contains("rules ("))
    }

    @Test("--format json carries the schema, the changes and their causes")
    func json() throws {
        let result = try SluiceBinary.run(["diff", old, new, "--messages", messages, "--now", "2026-11-29", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "sluice.diff/1")
        #expect(object["changed"] as? Bool == true)
        let behavioural = try #require(object["behavioural"] as? [String: Any])
        #expect(behavioural["messages"] as? Int == 3)
        let groups = try #require(behavioural["groups"] as? [[String: Any]])
        let cause = try #require(groups.first?["cause"] as? [String: Any])
        #expect(cause["policy"] as? String == "new" && cause["role"] as? String == "now decides")
        #expect((cause["place"] as? [String: Any])?["line"] as? Int == 8)
        let changes = try #require(groups.first?["changes"] as? [[String: Any]])
        let partner = try #require(changes.first { ($0["message"] as? String)?.hasSuffix("partner-invoice.eml") == true })
        #expect((partner["old"] as? [String: Any])?["action"] as? String == "deliver")
        #expect((partner["new"] as? [String: Any])?["action"] as? String == "quarantine")

        let structural = try SluiceBinary.run(["diff", old, new, "--now", "2026-11-29", "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(structural.stdout.utf8)) as? [String: Any])
        let effective = try #require((document["structural"] as? [String: Any])?["effective"] as? [[String: Any]])
        #expect(effective.contains { $0["key"] as? String == "sender billing@fabrikam.example" })
    }

    @Test("an unreadable message or a policy that does not check is exit 2")
    func inputErrors() throws {
        let missing = try SluiceBinary.run(["diff", old, new, "--messages", messages + "/none.eml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("error: cannot read `\(messages)/none.eml`"))
        let broken = try SluiceBinary.run(["diff", old, SluiceBinary.fixture("Tests/SluiceCLITests/Fixtures/test/check/broken.sluice")])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("does not check"))
    }
}
