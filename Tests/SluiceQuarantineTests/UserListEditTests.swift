import Foundation
import SluiceChecking
@testable import SluiceQuarantine
import Testing

@Suite("block-sender and allow-sender edit the recipient's lists where they are written")
struct UserListEditTests {
    func change(_ fixture: QuarantineFixture, _ recipient: String, _ list: SenderList, _ sender: String) throws -> FileChange? {
        let address = try EmailAddress.parse(recipient).get()
        return try UserListEdit.adding(sender, to: list, of: address, policy: fixture.policy, root: fixture.policyPath, date: QuarantineFixture.day0.day)
    }

    func applyAndReload(_ fixture: QuarantineFixture, _ change: FileChange) throws -> CheckedPolicy {
        try UserListEdit.apply(change) { PolicyChecker.load(fixture.policyPath).diagnostics.allSatisfy { $0.severity != .error } }
        return PolicyChecker.load(fixture.policyPath).policy
    }

    @Test("an inline block gains the sender on its existing list, or a new list line")
    func inline() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let safe = try #require(try change(fixture, "carol@contoso.example", .safeSenders, "news@fourthcoffee.example"))
        #expect(safe.path == fixture.policyPath)
        #expect(safe.updated.contains("safe-senders friend@tailspin.example, news@fourthcoffee.example"))
        var policy = try applyAndReload(fixture, safe)
        let carol = try EmailAddress.parse("carol@contoso.example").get()
        #expect(policy.userLists[carol]?.safeSenders.map(\.value.description) == ["friend@tailspin.example", "news@fourthcoffee.example"])
        var edited = fixture
        edited.policy = policy
        let blocked = try #require(try change(edited, "carol@contoso.example", .blockedSenders, "spam@shopping.example"))
        policy = try applyAndReload(fixture, blocked)
        #expect(policy.userLists[carol]?.blockedSenders.map(\.value.description) == ["spam@shopping.example"])
    }

    @Test("lists loaded from JSON or CSV are edited in that file")
    func files() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let json = try #require(try change(fixture, "dave@contoso.example", .blockedSenders, "promo@shopping.example"))
        #expect(json.path.hasSuffix("user-lists.json"))
        var policy = try applyAndReload(fixture, json)
        let dave = try EmailAddress.parse("dave@contoso.example").get()
        #expect(policy.userLists[dave]?.blockedSenders.map(\.value.description) == ["promo@shopping.example"])
        #expect(policy.userLists[dave]?.safeSenders.count == 1)
        let csv = try #require(try change(fixture, "erin@contoso.example", .safeSenders, "boss@relecloud.example"))
        #expect(csv.path.hasSuffix("user-lists.csv"))
        #expect(csv.updated.hasSuffix("erin@contoso.example,safe-senders,boss@relecloud.example\n"))
        policy = try applyAndReload(fixture, csv)
        let erin = try EmailAddress.parse("erin@contoso.example").get()
        #expect(policy.userLists[erin]?.safeSenders.map(\.value.description) == ["relecloud.example", "boss@relecloud.example"])
    }

    @Test("a recipient without lists gets a new block at the end of the root file; a listed sender changes nothing")
    func newBlock() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        let added = try #require(try change(fixture, "zoe@contoso.example", .safeSenders, "partner@fabrikam.example"))
        #expect(added.updated.hasSuffix("user-lists zoe@contoso.example {\n  safe-senders partner@fabrikam.example\n}\n"))
        let policy = try applyAndReload(fixture, added)
        let zoe = try EmailAddress.parse("zoe@contoso.example").get()
        #expect(policy.userLists[zoe]?.safeSenders.count == 1)
        #expect(try change(fixture, "carol@contoso.example", .safeSenders, "friend@tailspin.example") == nil)
    }

    @Test("a one-line block gains a list line inside its braces")
    func oneLineBlock() throws {
        let text = String(decoding: FileManager.default.contents(atPath: QuarantineFixture.fixtures.appendingPathComponent("tenant.sluice").path)!, as: UTF8.self)
        let fixture = try QuarantineFixture(policyText: text + "\nuser-lists zed@contoso.example { safe-lists-only yes }\n")
        defer { fixture.remove() }
        let added = try #require(try change(fixture, "zed@contoso.example", .safeSenders, "ok@fabrikam.example"))
        let policy = try applyAndReload(fixture, added)
        let zed = try EmailAddress.parse("zed@contoso.example").get()
        #expect(policy.userLists[zed]?.safeSenders.map(\.value.description) == ["ok@fabrikam.example"])
        #expect(policy.userLists[zed]?.safeListsOnly.value == true)
    }
}
