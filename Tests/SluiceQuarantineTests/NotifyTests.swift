import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
@testable import SluiceQuarantine
import SluiceWorkload
import Testing

@Suite("quarantine notifications")
struct NotifyTests {
    @Test("slots: every N hours from midnight UTC, daily at midnight, weekly on Monday (reference §4.4)")
    func schedule() {
        let monday = QuarantineFixture.day0
        let at = { (hours: Int64, minutes: Int64) in monday.adding(seconds: hours * 3600 + minutes * 60) }
        #expect(DigestSchedule.due(arrival: at(1, 0), cadenceHours: 4) == at(4, 0))
        #expect(DigestSchedule.due(arrival: at(4, 0), cadenceHours: 4) == at(8, 0))
        #expect(DigestSchedule.due(arrival: at(23, 59), cadenceHours: 24) == at(24, 0))
        #expect(DigestSchedule.due(arrival: at(0, 0), cadenceHours: 168) == at(168, 0))
        #expect(DigestSchedule.due(arrival: at(-1, 0), cadenceHours: 168) == monday)
    }

    /// A week on a fixed clock: messages arrive at random times for several recipients under
    /// three cadences and four quarantine policies; `notify` runs every 15 minutes. Every copy
    /// whose policy notifies is in exactly one digest, sent in its first slot (so no later than
    /// one cadence after arrival, plus the run interval); no other copy is in any digest.
    @Test("a simulated week: every notified copy exactly once, on time; none other", arguments: [4, 24, 168])
    func simulatedWeek(cadence: Int) throws {
        let cadenceLine = cadence == 24 ? "daily" : cadence == 168 ? "weekly" : "every \(cadence) hours"
        let policyText = String(decoding: FileManager.default.contents(atPath: QuarantineFixture.fixtures.appendingPathComponent("tenant.sluice").path)!,
                                as: UTF8.self) + "\nnotifications {\n  \(cadenceLine)\n  sender quarantine@contoso.example\n}\n"
        let fixture = try QuarantineFixture(policyText: policyText)
        defer { fixture.remove() }
        let outbox = fixture.directory.appendingPathComponent("outbox").path
        var random = SeededGenerator(seed: UInt64(cadence))
        let recipients = ["alice@contoso.example", "bob@contoso.example", "carol@contoso.example"]
        let tags = ["[full]", "[limited]", "[none]", "[silent]"]
        let week: Int64 = 7 * 86_400
        let arrivals = (0..<60).map { _ in Int64(random.below(Int(week))) }.sorted()
        let runEvery: Int64 = 15 * 60
        var pending = arrivals.enumerated().map { ($0.offset, $0.element) }[...]
        var expected: [Int64: Timestamp] = [:]  // message id → its slot
        var notifiedAt: [Int64: [Timestamp]] = [:]
        var time: Int64 = 0
        while time <= week + 168 * 3600 {
            while let next = pending.first, next.1 <= time {
                pending.removeFirst()
                let tag = tags[random.below(tags.count)]
                let to = [recipients[random.below(recipients.count)]]
                let arrival = QuarantineFixture.day0.adding(seconds: next.1)
                let bytes = QuarantineFixture.message(to: to, subject: "Message \(next.0) \(tag)")
                let (outcome, decisions) = try fixture.ingest(bytes, at: arrival)
                let id = try #require(outcome.messageID)
                if decisions[0].quarantine!.notify { expected[id] = DigestSchedule.due(arrival: arrival, cadenceHours: cadence) }
            }
            let now = QuarantineFixture.day0.adding(seconds: time)
            for digest in try fixture.store.notify(at: now, outbox: outbox) {
                for id in digest.messageIDs { notifiedAt[id, default: []].append(now) }
                #expect(Set(digest.messageIDs).count == digest.messageIDs.count)
            }
            time += runEvery
        }
        #expect(!expected.isEmpty)
        #expect(Set(notifiedAt.keys) == Set(expected.keys), "notified exactly the copies whose policy notifies")
        for (id, times) in notifiedAt {
            #expect(times.count == 1, "message \(id) notified \(times.count) times")
            let slot = try #require(expected[id])
            #expect(times[0] >= slot && times[0] < slot.adding(seconds: runEvery), "message \(id) notified at \(times[0]), slot \(slot)")
        }
        // Each digest file is a real message listing only the actions the permissions allow.
        let digests = try fixture.rows("SELECT path, recipient FROM digest")
        #expect(!digests.isEmpty)
        for row in digests {
            let bytes = [UInt8](FileManager.default.contents(atPath: row["path"])!)
            let message = MessageReader().read(bytes)
            #expect(message.problems.isEmpty)
            #expect(message.to.map(\.address) == [row["recipient"] as String])
            #expect(message.author?.address == "quarantine@contoso.example")
            #expect(message.root.children.map(\.contentType) == ["text/plain", "text/html"])
        }
    }

    @Test("a digest offers only what the recipient may do (reference §4.4)")
    func digestActions() throws {
        let fixture = try QuarantineFixture()
        defer { fixture.remove() }
        try fixture.ingest(QuarantineFixture.message(subject: "A [full]"), at: QuarantineFixture.day0)
        try fixture.ingest(QuarantineFixture.message(subject: "B [limited]"), at: QuarantineFixture.day0)
        let digests = try fixture.store.notify(at: QuarantineFixture.day0.adding(seconds: 86_400), outbox: fixture.directory.path)
        #expect(digests.count == 1)
        let message = MessageReader().read([UInt8](FileManager.default.contents(atPath: digests[0].path)!))
        let text = try #require(message.bodyTexts.first { $0.part.contentType == "text/plain" }?.text)
        let sections = text.components(separatedBy: "Sender:").dropFirst()
        let full = try #require(sections.first { $0.contains("A [full]") })
        let limited = try #require(sections.first { $0.contains("B [limited]") })
        #expect(full.contains("Review message") && full.contains("Release:") && full.contains("Block sender") && !full.contains("Request release"))
        #expect(limited.contains("Review message") && limited.contains("Request release") && !limited.contains("Release:") && !limited.contains("Block sender"))
        // Nothing is due twice.
        #expect(try fixture.store.notify(at: QuarantineFixture.day0.adding(seconds: 2 * 86_400), outbox: fixture.directory.path).isEmpty)
    }
}
