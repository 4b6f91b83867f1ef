import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
@testable import SluiceQuarantine
import Testing

@Suite("the quarantine store")
struct StoreTests {
    @Test("a quarantined message is stored once, bytes exact, one copy per quarantined recipient")
    func ingestOnce() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let bytes = QuarantineFixture.message(to: ["alice@contoso.example", "bob@contoso.example"], subject: "Deal [full]")
        let (first, decisions) = try fixture.ingest(bytes, at: QuarantineFixture.day0)
        #expect(decisions.allSatisfy { $0.action == .quarantine })
        #expect(first == .stored(1, recipients: ["alice@contoso.example", "bob@contoso.example"]))
        let (again, _) = try fixture.ingest(bytes, at: QuarantineFixture.day0.adding(seconds: 60))
        #expect(again == .alreadyStored(1))

        let messages = try fixture.rows("SELECT raw, size FROM message")
        #expect(messages.count == 1)
        #expect([UInt8](messages[0]["raw"] as Data) == bytes)
        let copies = try fixture.rows("SELECT recipient, reason, policyType, quarantinePolicy, status, notify FROM quarantine ORDER BY recipient")
        #expect(copies.map { $0["recipient"] as String } == ["alice@contoso.example", "bob@contoso.example"])
        #expect(copies.allSatisfy { ($0["reason"] as String) == "Transport rule" && ($0["quarantinePolicy"] as String) == "Full" })
        #expect(copies.allSatisfy { ($0["status"] as String) == "needs-review" && ($0["notify"] as Bool) })
        #expect(try fixture.rows("SELECT identifier FROM grdb_migrations").map { $0["identifier"] as String } == ["v1"])
    }

    @Test("a delivered message is not stored, but its matched entries' use is recorded")
    func deliveredNotStored() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let (outcome, decisions) = try fixture.ingest(QuarantineFixture.message(from: "partner@fabrikam.example", subject: "Invoice"),
                                                     at: QuarantineFixture.day0)
        #expect(outcome == .notQuarantined)
        #expect(decisions[0].location == .inbox)
        #expect(try fixture.rows("SELECT * FROM message").isEmpty)
        let usage = try fixture.store.entryUsage()
        let key = fixture.policy.entries.first { $0.target.key == "partner@fabrikam.example" }!.usageKey
        #expect(usage[key]?.hits == 1)
        #expect(usage[key]?.lastUsed == QuarantineFixture.day0)
    }

    @Test("`45 days after last use` entries expire by the store's record (reference §1.4)")
    func afterLastUseExpiry() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        // The allow is what delivers a spam-tagged message from the partner… as long as it lives.
        let probe = QuarantineFixture.message(from: "partner@fabrikam.example", subject: "Offer")
        let used = QuarantineFixture.day0
        try fixture.ingest(probe, at: used)
        var evaluator = Evaluator.compiled(fixture.policy)
        evaluator.lastUse = try fixture.store.lastUseDays()
        let message = MessageReader().read(probe)
        let entry = fixture.policy.entries.first { $0.target.key == "partner@fabrikam.example" }!
        let on45 = evaluator.evaluate(message, envelope: Envelope(), recipient: "alice@contoso.example", on: used.day.adding(days: 45))
        #expect(on45.usedEntries.contains { $0.usageKey == entry.usageKey })
        let on46 = evaluator.evaluate(message, envelope: Envelope(), recipient: "alice@contoso.example", on: used.day.adding(days: 46))
        #expect(!on46.usedEntries.contains { $0.usageKey == entry.usageKey })
        #expect(on46.trace.flatMap(\.steps).contains { $0.detail.contains("expired on \(used.day.adding(days: 45))") })
    }

    @Test("a recipient releases within the policy's permissions; never twice")
    func recipientRelease() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let id = try #require(try fixture.ingest(QuarantineFixture.message(subject: "Deal [full]"), at: QuarantineFixture.day0).0.messageID)
        let outbox = fixture.directory.appendingPathComponent("outbox").path
        let released = try fixture.store.release(id, by: .recipient("alice@contoso.example"), to: .outbox(outbox), at: QuarantineFixture.day0)
        #expect(released.map(\.recipient) == ["alice@contoso.example"])
        let written = try #require(FileManager.default.contents(atPath: released[0].destination))
        #expect(String(decoding: written, as: UTF8.self).hasPrefix("X-Sluice-Released: to=alice@contoso.example; by=alice@contoso.example;"))
        #expect(throws: QuarantineError.alreadyReleased(id, "alice@contoso.example")) {
            try fixture.store.release(id, by: .recipient("alice@contoso.example"), to: .outbox(outbox), at: QuarantineFixture.day0)
        }
        #expect(throws: QuarantineError.alreadyReleased(id, "alice@contoso.example")) {
            try fixture.store.release(id, by: .admin, to: .outbox(outbox), at: QuarantineFixture.day0)
        }
        #expect(try fixture.rows("SELECT * FROM release").count == 1)
    }

    @Test("limited access requests release; the admin approves or denies (reference §4.2, §4.6)")
    func requestApproveDeny() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let bytes = QuarantineFixture.message(to: ["alice@contoso.example", "bob@contoso.example"], subject: "Deal [limited]")
        let id = try #require(try fixture.ingest(bytes, at: QuarantineFixture.day0).0.messageID)
        let now = QuarantineFixture.day0
        let destination = ReleaseDestination.outbox(fixture.directory.appendingPathComponent("outbox").path)
        #expect(throws: QuarantineError.self) {
            try fixture.store.release(id, by: .recipient("alice@contoso.example"), to: destination, at: now)
        }
        try fixture.store.requestRelease(id, by: .recipient("alice@contoso.example"), at: now)
        try fixture.store.requestRelease(id, by: .recipient("bob@contoso.example"), at: now)
        let approved = try fixture.store.approve(id, recipients: ["alice@contoso.example"], to: destination, at: now)
        #expect(approved.map(\.recipient) == ["alice@contoso.example"])
        #expect(try fixture.store.deny(id, at: now) == ["bob@contoso.example"])
        let statuses = try fixture.store.copies(of: id).map { "\($0.recipient) \($0.status.rawValue)" }
        #expect(statuses == ["alice@contoso.example released", "bob@contoso.example denied"])
        let actions = try fixture.store.auditLog(messageID: id).map(\.action)
        #expect(actions == ["quarantined", "quarantined", "release requested", "release requested", "release approved", "release denied"])
        #expect(try fixture.store.auditLog().contains { $0.detail == "alert: User requested to release a quarantined message" })
    }

    @Test("the hard rule: high confidence phish can at most be requested, whatever the policy (reference §4.3)")
    func hardRule() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let (outcome, decisions) = try fixture.ingest(QuarantineFixture.message(from: "mallory@phish.example", subject: "Reset"),
                                                      at: QuarantineFixture.day0)
        #expect(decisions[0].verdict == .highConfidencePhish)
        let id = try #require(outcome.messageID)
        let copy = try fixture.store.copies(of: id)[0]
        #expect(copy.quarantinePolicy == "Full")
        #expect(!copy.permissions.contains(.release) && copy.permissions.contains(.requestRelease))
        #expect(copy.reason == "High confidence phishing")
        do {
            _ = try fixture.store.release(id, by: .recipient("alice@contoso.example"), to: .outbox(fixture.directory.path), at: QuarantineFixture.day0)
            Issue.record("a recipient released high confidence phish")
        } catch {
            #expect(error.description.contains("request release instead"))
        }
    }

    @Test("no access without notification is invisible to the recipient; the admin sees it (reference §4.2)")
    func invisible() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let id = try #require(try fixture.ingest(QuarantineFixture.message(subject: "Deal [none]"), at: QuarantineFixture.day0).0.messageID)
        #expect(try fixture.store.list(QuarantineFilter(), as: .recipient("alice@contoso.example")).isEmpty)
        #expect(try fixture.store.list(QuarantineFilter(), as: .admin).map(\.id) == [id])
        #expect(throws: QuarantineError.notARecipient(id, "alice@contoso.example")) {
            try fixture.store.authorizePreview(id, as: .recipient("alice@contoso.example"), at: QuarantineFixture.day0)
        }
    }

    @Test("list filters: recipient, sender address or domain, reason, policy type, dates, status")
    func listFilters() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        try fixture.ingest(QuarantineFixture.message(subject: "A [full]"), at: QuarantineFixture.day0)
        try fixture.ingest(QuarantineFixture.message(from: "x@mail.tailwind.example", to: ["bob@contoso.example"], subject: "B [silent]"),
                           at: QuarantineFixture.day0.adding(seconds: 3600))
        try fixture.ingest(QuarantineFixture.message(from: "mallory@phish.example", subject: "C"), at: QuarantineFixture.day0.adding(seconds: 7200))
        func subjects(_ filter: QuarantineFilter) throws -> [String] { try fixture.store.list(filter, as: .admin).compactMap(\.subject) }
        #expect(try subjects(QuarantineFilter()) == ["A [full]", "B [silent]", "C"])
        #expect(try subjects(QuarantineFilter(recipient: "BOB@contoso.example")) == ["B [silent]"])
        #expect(try subjects(QuarantineFilter(sender: "tailwind.example")) == ["B [silent]"])
        #expect(try subjects(QuarantineFilter(sender: "mallory@phish.example")) == ["C"])
        #expect(try subjects(QuarantineFilter(reason: "high confidence phishing")) == ["C"])
        #expect(try subjects(QuarantineFilter(policyType: "Transport rule")) == ["A [full]", "B [silent]"])
        #expect(try subjects(QuarantineFilter(receivedFrom: QuarantineFixture.day0.adding(seconds: 1),
                                              receivedBefore: QuarantineFixture.day0.adding(seconds: 7200))) == ["B [silent]"])
        #expect(try subjects(QuarantineFilter(status: .released)).isEmpty)
    }

    @Test("delete is per copy and recoverable; purge removes what passed retention (reference §4.5)")
    func deleteAndPurge() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let id = try #require(try fixture.ingest(QuarantineFixture.message(subject: "Deal [full]"), at: QuarantineFixture.day0).0.messageID)
        #expect(try fixture.store.delete(id, by: .recipient("alice@contoso.example"), permanently: false, at: QuarantineFixture.day0)
            == ["alice@contoso.example"])
        #expect(try fixture.store.list(QuarantineFilter(), as: .admin).isEmpty)
        #expect(try fixture.store.list(QuarantineFilter(status: .deleted), as: .admin).count == 1)
        let retention = try fixture.store.copies(of: id)[0].expiresAt
        #expect(try fixture.store.purge(at: retention.adding(seconds: -1)) == (0, 0))
        #expect(try fixture.store.purge(at: retention) == (1, 1))
        #expect(try fixture.rows("SELECT * FROM message").isEmpty)
        #expect(try fixture.store.auditLog().last?.action == "purged")
    }

    @Test("re-evaluation under a fixed policy finds what it would deliver and releases it in one go")
    func reevaluate() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        try fixture.ingest(QuarantineFixture.message(subject: "Deal [full]"), at: QuarantineFixture.day0)
        try fixture.ingest(QuarantineFixture.message(from: "mallory@phish.example", subject: "Reset"), at: QuarantineFixture.day0)
        let text = String(decoding: FileManager.default.contents(atPath: fixture.policyPath)!, as: UTF8.self)
        let fixed = text.replacingOccurrences(of: "when subject contains \"[full]\"", with: "when subject contains \"[never]\"")
        let (policy, diagnostics) = PolicyChecker.check(text: fixed, path: fixture.policyPath)
        #expect(diagnostics.allSatisfy { $0.severity != .error })
        let results = try fixture.store.reevaluate(with: .compiled(policy), at: QuarantineFixture.day0.adding(seconds: 600))
        #expect(results.count == 2)
        let delivered = results.filter(\.wouldDeliver)
        #expect(delivered.map(\.subject) == ["Deal [full]"])
        #expect(delivered[0].before.decidedBy.description.hasPrefix("rule \"full\""))
        let destination = ReleaseDestination.outbox(fixture.directory.appendingPathComponent("outbox").path)
        let released = try fixture.store.releaseAll(delivered.map { ($0.messageID, $0.recipient) }, by: .admin, to: destination,
                                                    at: QuarantineFixture.day0, note: "released after re-evaluation")
        #expect(released.count == 1)
        // Running the release again releases nothing twice.
        #expect(try fixture.store.releaseAll(delivered.map { ($0.messageID, $0.recipient) }, by: .admin, to: destination,
                                             at: QuarantineFixture.day0, note: "released after re-evaluation").isEmpty)
    }

    @Test("reports from the quarantine and from a file, then the admin's resolution")
    func submissions() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let id = try #require(try fixture.ingest(QuarantineFixture.message(subject: "Deal [full]"), at: QuarantineFixture.day0).0.messageID)
        let reported = try fixture.store.report(id, by: .recipient("alice@contoso.example"), reason: .notJunk, at: QuarantineFixture.day0)
        let bytes = QuarantineFixture.message(subject: "Free money")
        let fromFile = try fixture.store.submit(bytes: bytes, message: MessageReader().read(bytes), envelope: Envelope(),
                                                reporter: "Bob@contoso.example", reason: .spam, source: "held.eml", at: QuarantineFixture.day0)
        #expect(try fixture.store.submissions(pendingOnly: true).map(\.id) == [fromFile, reported])
        try fixture.store.resolve(reported, conclusion: "confirmed clean", entryAdded: "allow sender sender@northwind.example", at: QuarantineFixture.day0)
        #expect(throws: QuarantineError.self) { try fixture.store.resolve(reported, conclusion: "again", entryAdded: nil, at: QuarantineFixture.day0) }
        let resolved = try fixture.store.submission(reported)
        #expect(resolved.status == "resolved" && resolved.entryAdded == "allow sender sender@northwind.example")
        #expect(try fixture.store.submission(fromFile).reporter == "bob@contoso.example")
    }
}
