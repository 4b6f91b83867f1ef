import SluiceChecking
import SluiceMessage

/// Finds the tenant list entries and connection-filter ranges that can concern a message. The
/// reference scans everything; the compiled policy looks candidates up in indexes. Both give
/// entries in policy order and the evaluator confirms each with the entry's own matcher, so
/// the two can differ in speed only.
public protocol EntryLookup: Sendable {
    /// Indexes into `policy.entries`, ascending, of every entry that may match a message with
    /// this From, these URLs and attachment hashes, from this client IP.
    func candidates(from: Mailbox?, urls: [ExtractedURL], hashes: [String], clientIP: IPAddress?) -> [Int]
    /// The first IP Allow List and IP Block List ranges (in policy order) containing `address`.
    func connectionFilter(_ address: IPAddress) -> (allow: Setting<IPRange>?, block: Setting<IPRange>?)
}

/// The reference's lookup: every entry is a candidate, every range is tried in order.
public struct LinearLookup: EntryLookup {
    let policy: CheckedPolicy

    public init(policy: CheckedPolicy) { self.policy = policy }

    public func candidates(from: Mailbox?, urls: [ExtractedURL], hashes: [String], clientIP: IPAddress?) -> [Int] {
        Array(policy.entries.indices)
    }

    public func connectionFilter(_ address: IPAddress) -> (allow: Setting<IPRange>?, block: Setting<IPRange>?) {
        (policy.connectionFilter.allow.first { $0.value.contains(address) }, policy.connectionFilter.block.first { $0.value.contains(address) })
    }
}
