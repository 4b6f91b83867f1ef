import GRDB
import SluiceChecking

/// What the store knows about one allow/block entry's use.
public struct EntryUsage: Sendable, Codable {
    public var usageKey: String
    public var file: String
    public var action: String
    public var kind: String
    public var key: String
    public var hits: Int
    public var firstUsed: Timestamp
    public var lastUsed: Timestamp
}

extension QuarantineStore {
    /// Every recorded entry's usage, by `ListEntry.usageKey`.
    public func entryUsage() throws(QuarantineError) -> [String: EntryUsage] {
        try read { db in
            var usage: [String: EntryUsage] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM entryUsage") {
                let record = EntryUsage(usageKey: row["entryId"], file: row["file"], action: row["action"], kind: row["kind"], key: row["key"],
                                        hits: row["hits"], firstUsed: Timestamp(seconds: row["firstUsed"]), lastUsed: Timestamp(seconds: row["lastUsed"]))
                usage[record.usageKey] = record
            }
            return usage
        }
    }

    /// The last-use day of every recorded entry, as `Evaluator.lastUse` takes it.
    public func lastUseDays() throws(QuarantineError) -> [String: CalendarDate] {
        try entryUsage().mapValues(\.lastUsed.day)
    }
}
