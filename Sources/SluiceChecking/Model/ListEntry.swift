import Foundation
import SluiceDiagnostics

/// One tenant allow/block list entry (reference §1): `allow sender billing@fabrikam.example
/// expires 45 days after last use note "FP #4411"`.
public struct ListEntry: Sendable, Codable {
    public enum Action: String, Sendable, Hashable, Codable { case allow, block }

    public var action: Action
    public var target: EntryTarget
    public var expiry: Expiry
    public var note: String?
    public var ticket: String?
    public var owner: String?
    public var created: CalendarDate?
    /// Created from a reviewed admin submission: an entity-level allow that can override
    /// malware and high confidence phish (brief §5, decision 3).
    public var fromSubmission: Bool
    /// The whole statement.
    public var span: SourceSpan
    /// The entry's key (`billing@fabrikam.example`), for precise pointers.
    public var keySpan: SourceSpan

    public init(action: Action, target: EntryTarget, expiry: Expiry, note: String? = nil, ticket: String? = nil, owner: String? = nil,
                created: CalendarDate? = nil, fromSubmission: Bool, span: SourceSpan, keySpan: SourceSpan) {
        self.action = action
        self.target = target
        self.expiry = expiry
        self.note = note
        self.ticket = ticket
        self.owner = owner
        self.created = created
        self.fromSubmission = fromSubmission
        self.span = span
        self.keySpan = keySpan
    }

    /// The entry as written without its options: `allow sender billing@fabrikam.example`.
    public var summary: String { summary(key: target.key) }

    private func summary(key: String) -> String { "\(action.rawValue) \(target.kind) \(key)" }

    /// A stable name for the entry across edits that move it: its file (as an absolute path,
    /// however the policy was named on the command line) and what it says
    /// (`/etc/sluice/tenant.sluice|allow sender billing@fabrikam.example`). Usage records are keyed by it.
    public var usageKey: String { usageKey(inFile: Self.absolutePath(span.file), key: target.key) }

    /// `usageKey` with the entry's file already made absolute (`absolutePath`) and its key's
    /// text (`target.key`) at hand, for callers that name many entries of few files.
    public func usageKey(inFile absolute: String, key: String) -> String {
        // Copied into one string made to size, in one pass: a decision names every entry it
        // used by this key, and appending piece by piece costs hundreds of instructions a piece.
        let (action, kind) = (action.rawValue, target.kind)
        let length = absolute.utf8.count + action.utf8.count + kind.utf8.count + key.utf8.count + 3
        return String(unsafeUninitializedCapacity: length) { buffer in
            var count = 0
            func put(_ piece: String) {
                count = piece.utf8.withContiguousStorageIfAvailable { bytes in
                    count + UnsafeMutableBufferPointer(rebasing: buffer[count...]).initialize(fromContentsOf: bytes)
                } ?? piece.utf8.reduce(count) { at, byte in
                    buffer[at] = byte
                    return at + 1
                }
            }
            put(absolute)
            put("|")
            put(action)
            put(" ")
            put(kind)
            put(" ")
            put(key)
            return count
        }
    }

    public static func absolutePath(_ file: String) -> String { URL(fileURLWithPath: file).standardizedFileURL.path }

    /// The last day the entry applies, when it has a fixed end; `afterLastUse` entries end
    /// relative to usage the store records.
    public var lastDay: CalendarDate? {
        switch expiry {
        case .never, .afterLastUse: nil
        case .on(let date): date
        case .days(let days): created.map { $0.adding(days: days) }
        }
    }

    /// The last day the entry applies when its usage is known: for `N days after last use`, N
    /// days after `lastUsed`, or after `created` when it was never used (unknown without either).
    public func lastDay(lastUsed: CalendarDate?) -> CalendarDate? {
        guard case .afterLastUse(let days) = expiry else { return lastDay }
        return (lastUsed ?? created)?.adding(days: days)
    }
}

public enum EntryTarget: Sendable, Codable, Hashable {
    case sender(EmailAddress)
    case domain(DomainPattern)
    case url(URLPattern)
    case file(FileHash)
    case ip(IPRange)
    case spoof(SpoofPair)

    public var kind: String {
        switch self {
        case .sender: "sender"
        case .domain: "domain"
        case .url: "url"
        case .file: "file"
        case .ip: "ip"
        case .spoof: "spoof"
        }
    }

    /// The key as canonical text.
    public var key: String {
        switch self {
        case .sender(let address): address.description
        case .domain(let pattern): pattern.description
        case .url(let pattern): pattern.description
        case .file(let hash): hash.description
        case .ip(let range): range.description
        case .spoof(let pair): pair.description
        }
    }
}

/// When an entry stops applying (reference §1.4).
public enum Expiry: Sendable, Codable, Hashable {
    case never
    /// The entry applies through this day.
    case on(CalendarDate)
    /// `N days`: counted from the entry's `created` date.
    case days(Int)
    /// `N days after last use`: the store refreshes the last-used date on every hit.
    case afterLastUse(Int)

    /// Microsoft's defaults when no expiry is written: allows last 45 days after last use,
    /// blocks 30 days.
    public static func defaultFor(_ action: ListEntry.Action) -> Expiry {
        action == .allow ? .afterLastUse(45) : .days(30)
    }
}

/// A spoofed-sender pair (reference §1.6): who may be (or may not be) impersonated, from which
/// sending infrastructure. Either side may be `*`, not both.
public struct SpoofPair: Sendable, Codable, Hashable, CustomStringConvertible {
    public enum SpoofedUser: Sendable, Codable, Hashable {
        case any
        case address(EmailAddress)
        case domain(String)
    }

    public enum Infrastructure: Sendable, Codable, Hashable {
        case any
        /// The PTR's organizational domain.
        case domain(String)
        /// `IP/24` for senders without PTR.
        case network(IPRange)
        /// `dkim:domain`: a verified DKIM signing domain.
        case dkim(String)
    }

    public var spoofedUser: SpoofedUser
    public var infrastructure: Infrastructure

    public init(spoofedUser: SpoofedUser, infrastructure: Infrastructure) {
        self.spoofedUser = spoofedUser
        self.infrastructure = infrastructure
    }

    public var description: String {
        let user = switch spoofedUser {
        case .any: "*"
        case .address(let address): address.description
        case .domain(let domain): domain
        }
        let via = switch infrastructure {
        case .any: "*"
        case .domain(let domain): domain
        case .network(let range): range.description
        case .dkim(let domain): "dkim:\(domain)"
        }
        return "\(user) via \(via)"
    }
}
