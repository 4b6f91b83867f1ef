import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
@testable import SluiceQuarantine
import Testing

@Suite("the quarantine store at its edges")
struct StoreEdgeTests {
    @Test("a release that names a copy it cannot release delivers to nobody")
    func refusalDeliversNothing() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let bytes = QuarantineFixture.message(to: ["alice@contoso.example", "bob@contoso.example"], subject: "Deal [full]")
        let id = try #require(try fixture.ingest(bytes, at: QuarantineFixture.day0).0.messageID)
        let outbox = fixture.directory.appendingPathComponent("outbox").path
        _ = try fixture.store.release(id, recipients: ["bob@contoso.example"], by: .admin, to: .outbox(outbox), at: QuarantineFixture.day0)
        #expect(throws: QuarantineError.alreadyReleased(id, "bob@contoso.example")) {
            try fixture.store.release(id, recipients: ["alice@contoso.example", "bob@contoso.example"], by: .admin,
                                      to: .outbox(outbox), at: QuarantineFixture.day0)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox) == ["released-\(id)-bob@contoso.example.eml"])
        #expect(try fixture.store.copies(of: id).first { $0.recipient == "alice@contoso.example" }?.status == .needsReview)
    }

    @Test("a copy past its retention is not released")
    func expiredNotReleased() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let id = try #require(try fixture.ingest(QuarantineFixture.message(subject: "Deal [full]"), at: QuarantineFixture.day0).0.messageID)
        let expiry = try fixture.store.copies(of: id)[0].expiresAt
        #expect(throws: QuarantineError.wrongStatus(id, "alice@contoso.example", status: "past its retention", action: "released")) {
            try fixture.store.release(id, by: .admin, to: .outbox(fixture.directory.path), at: expiry)
        }
    }

    @Test("one copy per recipient: a recipient named twice, or the same bytes again for a different set")
    func oneCopyPerRecipient() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let bytes = QuarantineFixture.message(to: ["alice@contoso.example", "Alice@contoso.example", "bob@contoso.example"], subject: "Deal [full]")
        let (first, decisions) = try fixture.ingest(bytes, at: QuarantineFixture.day0)
        #expect(decisions.count == 3)
        #expect(first == .stored(1, recipients: ["alice@contoso.example", "bob@contoso.example"]))
        // The same bytes decided for alice and carol: only carol gets a new copy.
        let message = MessageReader().read(bytes)
        let evaluator = Evaluator.compiled(fixture.policy)
        let again = ["alice@contoso.example", "carol@contoso.example"].map {
            evaluator.evaluate(message, envelope: Envelope(), recipient: $0, on: QuarantineFixture.day0.day)
        }
        let outcome = try fixture.store.ingest(IngestRequest(bytes: bytes, message: message, envelope: Envelope(), decisions: again, source: nil,
                                                             arrival: QuarantineFixture.day0), policy: fixture.policy)
        #expect(outcome == .stored(2, recipients: ["carol@contoso.example"]))
        #expect(try fixture.rows("SELECT count(*) FROM quarantine WHERE recipient = 'alice@contoso.example'").first?[0] as Int? == 1)
    }

    @Test("purge keeps a message a pending submission waits on, then removes it once resolved long enough")
    func purgeKeepsPendingSubmissions() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let id = try #require(try fixture.ingest(QuarantineFixture.message(subject: "Deal [full]"), at: QuarantineFixture.day0).0.messageID)
        let submission = try fixture.store.report(id, by: .recipient("alice@contoso.example"), reason: .notJunk, at: QuarantineFixture.day0)
        let expiry = try fixture.store.copies(of: id)[0].expiresAt
        #expect(try fixture.store.purge(at: expiry) == (1, 0))
        #expect(try fixture.store.message(id).raw.isEmpty == false)
        try fixture.store.resolve(submission, conclusion: "spam after all", entryAdded: nil, at: expiry)
        #expect(try fixture.store.purge(at: expiry.adding(seconds: 86_400)) == (0, 0))
        #expect(try fixture.store.purge(at: expiry.adding(seconds: 31 * 86_400)) == (0, 1))
        #expect(throws: QuarantineError.noSuchMessage(id)) { try fixture.store.message(id) }
    }

    @Test("permanent deletion is for the whole message; a recipient's deleted copy is gone for them")
    func deletion() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let bytes = QuarantineFixture.message(to: ["alice@contoso.example", "bob@contoso.example"], subject: "Deal [full]")
        let id = try #require(try fixture.ingest(bytes, at: QuarantineFixture.day0).0.messageID)
        #expect(throws: QuarantineError.self) {
            try fixture.store.delete(id, recipients: ["bob@contoso.example"], by: .admin, permanently: true, at: QuarantineFixture.day0)
        }
        _ = try fixture.store.delete(id, by: .recipient("bob@contoso.example"), permanently: false, at: QuarantineFixture.day0)
        #expect(throws: QuarantineError.notARecipient(id, "bob@contoso.example")) {
            try fixture.store.authorizePreview(id, as: .recipient("bob@contoso.example"), at: QuarantineFixture.day0)
        }
        // The admin deleting "all" skips bob's deleted copy instead of failing on it.
        #expect(try fixture.store.delete(id, by: .admin, permanently: false, at: QuarantineFixture.day0) == ["alice@contoso.example"])
        #expect(try fixture.store.delete(id, by: .admin, permanently: true, at: QuarantineFixture.day0).count == 2)
        #expect(try fixture.rows("SELECT * FROM message").isEmpty)
    }

    @Test("usage is keyed by the policy file however its path was spelled")
    func usageKeyPathSpelling() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let roundabout = fixture.directory.appendingPathComponent("sub").path
        try FileManager.default.createDirectory(atPath: roundabout, withIntermediateDirectories: true)
        let other = PolicyChecker.load(roundabout + "/../tenant.sluice").policy
        let key = { (policy: CheckedPolicy) in policy.entries.first { $0.target.key == "partner@fabrikam.example" }!.usageKey }
        #expect(key(other) == key(fixture.policy))
        #expect(key(other).hasPrefix(fixture.policyPath + "|"))
    }

    @Test("a hostile subject cannot forge a digest part; long subjects keep lines short; HPHISH offers request release")
    func hostileDigest() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let forged = "=?utf-8?q?Hi=0D=0A--=5Fsluice-digest-1=0D=0AContent-Type:_text/html=0D=0A=0D=0A<a_href=3D\"https://evil.example\">Release</a>?="
        try fixture.ingest(QuarantineFixture.message(subject: forged + " [full]"), at: QuarantineFixture.day0)
        try fixture.ingest(QuarantineFixture.message(subject: String(repeating: "very long subject ", count: 100) + "[full]"), at: QuarantineFixture.day0)
        try fixture.ingest(QuarantineFixture.message(from: "mallory@phish.example", subject: "Reset"), at: QuarantineFixture.day0)
        let digests = try fixture.store.notify(at: QuarantineFixture.day0.adding(seconds: 86_400), outbox: fixture.directory.path)
        let bytes = [UInt8](FileManager.default.contents(atPath: digests[0].path)!)
        #expect(bytes.split(separator: UInt8(ascii: "\n")).allSatisfy { $0.count <= 78 })
        #expect(bytes.allSatisfy { $0 < 128 })
        let message = MessageReader().read(bytes)
        #expect(message.root.children.map(\.contentType) == ["text/plain", "text/html"])
        let text = try #require(message.bodyTexts.first { $0.part.contentType == "text/plain" }?.text)
        #expect(text.contains("Hi  --_sluice-digest-1  Content-Type: text/html"))
        let phish = try #require(text.components(separatedBy: "Sender:").first { $0.contains("Reset") })
        #expect(phish.contains("Request release") && !phish.contains("Release:"))
    }
}
