import Foundation
import GRDB
import Testing

/// The quarantine's workflows end to end through the binary: digests, re-evaluation after a
/// fix, user reports and admin triage, sender lists, entry usage and expiry.
@Suite("sluice quarantine workflows")
struct QuarantineWorkflowTests {
    typealias Workspace = QuarantineCommandTests.Workspace

    @Test("notify writes one digest per recipient when due, and nothing twice")
    func notify() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.ingest([try workspace.message("a", subject: "A [full]"), try workspace.message("b", subject: "B [silent]"),
                                  try workspace.message("c", to: ["bob@contoso.example"], subject: "C [limited]")],
                                 now: "2026-11-30T08:00:00Z")
        let early = try workspace.sluice(["quarantine", "notify", "--outbox", workspace.outbox, "--now", "2026-11-30T23:59:00Z"])
        #expect(early.stdout.contains("no digest is due"))
        let due = try workspace.sluice(["quarantine", "notify", "--outbox", workspace.outbox, "--now", "2026-12-01T00:05:00Z"])
        #expect(due.status == 0, "\(due.stderr)")
        #expect(due.stdout.contains("to alice@contoso.example: message 1 →"))
        #expect(due.stdout.contains("to bob@contoso.example: message 3 →"))
        #expect(!due.stdout.contains("message 2"))
        let again = try workspace.sluice(["quarantine", "notify", "--outbox", workspace.outbox, "--now", "2026-12-02T00:05:00Z"])
        #expect(again.stdout.contains("no digest is due"))
        #expect(try workspace.rows("SELECT count(*) FROM quarantine WHERE notifiedIn IS NOT NULL").first?[0] as Int? == 2)
    }

    @Test("after a fix, reevaluate lists what the new policy delivers and --release releases it in one go")
    func reevaluate() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.ingest([try workspace.message("a", to: ["alice@contoso.example", "bob@contoso.example"], subject: "A [full]"),
                                  try workspace.message("p", from: "mallory@phish.example", subject: "Reset")])
        // The fix: the over-broad rule is narrowed so that it no longer matches.
        let text = try String(contentsOfFile: workspace.policy, encoding: .utf8)
        let fixed = workspace.root.appendingPathComponent("fixed.sluice").path
        try text.replacingOccurrences(of: "subject contains \"[full]\"", with: "subject contains \"[full-hold]\"")
            .write(toFile: fixed, atomically: true, encoding: .utf8)
        // `diff --store` shows the same change as a behavioural diff over the kept messages.
        let diff = try workspace.sluice(["diff", workspace.policy, fixed, "--store", workspace.store, "--fail-on-change"])
        #expect(diff.status == 1, "\(diff.stderr)")
        #expect(diff.stdout.hasPrefix("1 of 2 messages change (2 of 3 decisions)"), "\(diff.stdout)")
        #expect(diff.stdout.contains("  quarantine message 1 → bob@contoso.example (action, location, deciding source)"))
        let listing = try workspace.sluice(["quarantine", "reevaluate", "--policy", fixed])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdout.contains("3 quarantined copies re-evaluated; 2 would now be delivered"))
        let ruleLine = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("rule \"full\"") }) + 1
        #expect(listing.stdout.contains("decided by rule \"full\": quarantine \"Full\" (\(workspace.policy):\(ruleLine))"))
        #expect(try workspace.rows("SELECT * FROM release").isEmpty)
        let released = try workspace.sluice(["quarantine", "reevaluate", "--policy", fixed, "--release", "--outbox", workspace.outbox])
        #expect(released.stdout.contains("released message 1 to alice@contoso.example"))
        #expect(released.stdout.contains("released message 1 to bob@contoso.example"))
        let statuses = try workspace.rows("SELECT recipient, status FROM quarantine ORDER BY id").map { "\($0["recipient"] as String) \($0["status"] as String)" }
        #expect(statuses == ["alice@contoso.example released", "bob@contoso.example released", "alice@contoso.example needs-review"])
        let after = try workspace.sluice(["quarantine", "reevaluate", "--policy", fixed])
        #expect(after.stdout.contains("1 quarantined copy re-evaluated; 0 would now be delivered"))
    }

    @Test("a user reports a quarantined message as not junk; the admin resolves it with a from-submission allow and releases it")
    func submissions() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.ingest([try workspace.message("p", from: "billing@partner.example", subject: "Invoice",
                                                        headers: QuarantineCommandTests.spamVerdict)])
        let report = try workspace.sluice(["quarantine", "report", "1", "--as", "alice@contoso.example", "--reason", "not-junk"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("submission 1: message 1 reported as not-junk"))
        let held = try workspace.message("held", subject: "Prize")
        let submitted = try workspace.sluice(["submit", held, "--as", "bob@contoso.example", "--reason", "phishing"])
        #expect(submitted.stdout.contains("submission 2:"))
        let list = try workspace.sluice(["submissions", "list", "--pending"])
        #expect(list.stdout.split(separator: "\n").count == 2)
        let show = try workspace.sluice(["submissions", "show", "1", "--policy", workspace.policy])
        #expect(show.stdout.contains("Result: Spam"), "\(show.stdout)")
        #expect(show.stdout.contains("The reporter disagrees with the policy: a good message is blocked."))
        let resolve = try workspace.sluice(["submissions", "resolve", "1", "--conclusion", "confirmed clean: partner invoice",
                                            "--add-entry", "--policy", workspace.policy, "--release", "--outbox", workspace.outbox])
        #expect(resolve.status == 0, "\(resolve.stderr)")
        #expect(resolve.stdout.contains("released message 1 to alice@contoso.example"))
        let policy = try String(contentsOfFile: workspace.policy, encoding: .utf8)
        let added = try #require(policy.split(separator: "\n").first { $0.hasPrefix("allow") && $0.contains("from-submission") && $0.contains("partner.example") })
        #expect(added.contains("expires"))
        #expect(try workspace.sluice(["check", workspace.policy]).status == 0)
        let resolved = try workspace.rows("SELECT status, conclusion, entryAdded FROM submission WHERE id = 1")[0]
        #expect(resolved["status"] as String == "resolved")
        #expect((resolved["entryAdded"] as String?)?.contains("from-submission") == true)
        let twice = try workspace.sluice(["submissions", "resolve", "1", "--conclusion", "again"])
        #expect(twice.status == 1)
    }

    @Test("block-sender and allow-sender need the permission and edit the recipient's list")
    func senderLists() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.ingest([try workspace.message("f", from: "deals@shopping.example", to: ["carol@contoso.example"], subject: "Sale [full]"),
                                  try workspace.message("l", from: "deals@shopping.example", to: ["carol@contoso.example"], subject: "Sale [limited]")])
        let blocked = try workspace.sluice(["quarantine", "block-sender", "1", "--as", "carol@contoso.example", "--policy", workspace.policy])
        #expect(blocked.status == 0, "\(blocked.stderr)")
        let refused = try workspace.sluice(["quarantine", "block-sender", "2", "--as", "carol@contoso.example", "--policy", workspace.policy])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("may not block the sender of this message"))
        let policy = try String(contentsOfFile: workspace.policy, encoding: .utf8)
        #expect(policy.contains("blocked-senders deals@shopping.example"))
        #expect(try workspace.sluice(["check", workspace.policy]).status == 0)
        // The recipient's block now junks the sender's next message.
        let next = try workspace.message("n", from: "deals@shopping.example", to: ["carol@contoso.example"], subject: "More")
        let decided = try workspace.sluice(["eval", "--policy", workspace.policy, next])
        #expect(decided.stdout.contains("Junk"))
        #expect(decided.stdout.contains("carol@contoso.example's blocked senders"))
    }

    @Test("entries shows hits and last use from the store, and --fix removes what expired after last use")
    func entries() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.ingest([try workspace.message("p", from: "partner@fabrikam.example", subject: "Hello")], now: "2026-11-30T08:00:00Z")
        let listed = try workspace.sluice(["entries", "--policy", workspace.policy, "--now", "2026-12-01"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("allow sender partner@fabrikam.example  — 1 hit, last 2026-11-30 08:00 UTC; until 2027-01-14"))
        #expect(listed.stdout.contains("block sender mallory@phish.example  — never used; no expiry"))
        let stale = try workspace.sluice(["entries", "--policy", workspace.policy, "--stale", "--now", "2027-01-15"])
        #expect(stale.stdout.contains("allow sender partner@fabrikam.example  — 1 hit, last 2026-11-30 08:00 UTC; expired after 2027-01-14"))
        let fixed = try workspace.sluice(["entries", "--policy", workspace.policy, "--fix", "--now", "2027-01-15"])
        #expect(fixed.stdout.contains("removed 1 expired entry from \(workspace.policy)"))
        let policy = try String(contentsOfFile: workspace.policy, encoding: .utf8)
        #expect(!policy.contains("allow sender partner@fabrikam.example"))
        #expect(policy.contains("block sender mallory@phish.example"))
        #expect(try workspace.sluice(["check", workspace.policy]).status == 0)
    }

    @Test("an admin release can add the verified allow entry, and a sendmail-style command receives the message")
    func adminReleaseWithAllow() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try workspace.message("p", from: "billing@partner.example", subject: "Invoice", headers: QuarantineCommandTests.spamVerdict)
        _ = try workspace.ingest([path])
        let sent = workspace.root.appendingPathComponent("sent").path
        let script = workspace.root.appendingPathComponent("deliver.sh").path
        try "#!/bin/sh\nmkdir -p '\(sent)' && cat > '\(sent)'/\"$1\".eml\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let released = try workspace.sluice(["quarantine", "release", "1", "--admin", "--allow", "--policy", workspace.policy, "--sendmail", script])
        #expect(released.status == 0, "\(released.stderr)")
        #expect(released.stdout.contains("added to \(workspace.policy): allow sender billing@partner.example"))
        let delivered = try #require(FileManager.default.contents(atPath: sent + "/alice@contoso.example.eml"))
        #expect(String(decoding: delivered, as: UTF8.self).hasPrefix("X-Sluice-Released: to=alice@contoso.example; by=admin;"))
        #expect(delivered.dropFirst(delivered.firstIndex(of: UInt8(ascii: "\n"))! + 1) == FileManager.default.contents(atPath: path)!)
        // The policy now delivers the partner's next message.
        let next = try workspace.message("q", from: "billing@partner.example", subject: "Invoice 2", headers: QuarantineCommandTests.spamVerdict)
        #expect(try workspace.sluice(["eval", "--policy", workspace.policy, next]).stdout.contains("Inbox"))
        let failing = try workspace.sluice(["quarantine", "release", "1", "--admin", "--sendmail", "false"])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("already released"))
    }

    @Test("a failing sendmail command releases nothing")
    func sendmailFailure() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.ingest([try workspace.message("a", subject: "A [full]")])
        let failed = try workspace.sluice(["quarantine", "release", "1", "--admin", "--sendmail", "exit 75;"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("release failed: `exit 75;` exited with status 75"))
        #expect(try workspace.rows("SELECT * FROM release").isEmpty)
        #expect(try workspace.rows("SELECT status FROM quarantine").first?["status"] as String? == "needs-review")
        // A command that hangs is stopped at the deadline; the copy stays unreleased.
        let started = Date()
        let hung = try workspace.sluice(["quarantine", "release", "1", "--admin", "--sendmail", "sleep 30;", "--sendmail-timeout", "1"])
        #expect(hung.status == 1)
        #expect(hung.stderr.contains("did not finish within 1 s"))
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(try workspace.rows("SELECT * FROM release").isEmpty)
    }
}
