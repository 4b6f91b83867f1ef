import SluiceChecking
import SluiceEngine
import SluiceMessage

/// The tenant list keys whose effective outcome differs between two policies: an allow now
/// overridden by a block, a block newly covering an accepted domain, a partner's domain that
/// was allowed and is now blocked, a block that no longer applies.
///
/// Each key is looked up the way the compiled evaluator finds entries for a From address (the
/// `IndexedLookup` hash maps by address, domain and label suffix) and confirmed with the
/// entries' own matchers, active on the diff's date; inside the tenant list a block beats an
/// allow (reference §1). The keys probed are every sender and domain key of either policy and
/// every accepted domain; a `*.d` key stands for every name under `d` and is probed as such.
/// Each accepted domain's own link (`https://contoso.example/`) is probed against the URL
/// entries, as the engine checks a message's links.
public enum EffectiveOutcomes {
    public struct Outcome: Sendable, Codable, Equatable {
        public enum State: String, Sendable, Codable { case allowed, blocked, unlisted = "no entry" }
        public var state: State
        /// The deciding entry as written in canonical form (`block domain *.example`).
        public var entry: String?
        public var place: Place?
        /// An allow that matches but loses to the block.
        public var overriddenAllow: String?

        public var description: String {
            switch state {
            case .unlisted: "no tenant entry"
            case .allowed, .blocked:
                "\(state.rawValue) by `\(entry ?? "")`" + (place.map { " (\($0))" } ?? "")
                    + (overriddenAllow.map { ", which overrides `\($0)`" } ?? "")
            }
        }
    }

    public struct Change: Sendable, Codable {
        /// `sender billing@fabrikam.example`, `domain contoso.example`, `domain *.fabrikam.example`.
        public var key: String
        /// Why the key matters beyond the change: `accepted domain`, `partner: allowed in OLD`.
        public var notes: [String]
        public var old: Outcome
        public var new: Outcome
    }

    public static func changes(old: CheckedPolicy, new: CheckedPolicy, on date: CalendarDate) -> [Change] {
        let before = View(policy: old, date: date), after = View(policy: new, date: date)
        let accepted = Set((old.organization.acceptedDomains + new.organization.acceptedDomains).map(\.value))
        var probes: [EntryTarget] = []
        var seen: Set<EntryTarget> = []
        for entry in old.entries + new.entries {
            switch entry.target {
            case .sender, .domain: if seen.insert(entry.target).inserted { probes.append(entry.target) }
            default: continue
            }
        }
        for domain in accepted.sorted() {
            let target = EntryTarget.domain(DomainPattern(kind: .exact, domain: domain))
            if seen.insert(target).inserted { probes.append(target) }
        }
        var changes = probes.compactMap { target -> Change? in
            var isAccepted = false
            if case .domain(let pattern) = target, pattern.kind == .exact { isAccepted = accepted.contains(pattern.domain) }
            return change("\(target.kind) \(target.key)", before.outcome(target), after.outcome(target), accepted: isAccepted)
        }
        // Links to the organization's own sites, which a broad URL block can catch.
        for domain in accepted.sorted() {
            guard let link = ExtractedURL("https://\(domain)/", part: "") else { continue }
            if let found = change("url \(link.url)", before.outcome(link), after.outcome(link), accepted: true) { changes.append(found) }
        }
        return changes
    }

    private static func change(_ key: String, _ was: Outcome, _ now: Outcome, accepted: Bool) -> Change? {
        guard was.state != now.state else { return nil }
        var notes: [String] = []
        if accepted { notes.append("accepted domain") }
        if was.state == .allowed && now.state == .blocked { notes.append("partner: allowed in the old policy, blocked in the new") }
        return Change(key: key, notes: notes, old: was, new: now)
    }

    /// One policy's tenant list, queried through its indexes.
    struct View {
        let policy: CheckedPolicy
        let lookup: IndexedLookup
        let date: CalendarDate

        init(policy: CheckedPolicy, date: CalendarDate) {
            self.policy = policy
            self.date = date
            lookup = IndexedLookup(policy: policy)
        }

        func outcome(_ target: EntryTarget) -> Outcome {
            let matching: [ListEntry]
            switch target {
            case .sender(let address):
                let mailbox = Mailbox(localPart: address.unescapedLocalPart, domain: address.domain)
                matching = entries(for: mailbox).filter { entry in
                    switch entry.target {
                    case .sender(let key): key.matches(mailbox)
                    case .domain(let pattern): pattern.matches(mailbox.domain)
                    default: false
                    }
                }
            case .domain(let pattern):
                // `*.d` as a host is within every `*.s` whose `s` is a suffix of `d`, and equal
                // to no exact domain: exactly the entries that cover every name under `d`.
                let host = pattern.kind == .exact ? pattern.domain : "*." + pattern.domain
                matching = entries(for: Mailbox(localPart: "", domain: host)).filter { entry in
                    if case .domain(let key) = entry.target { return key.matches(host) }
                    return false
                }
            default:
                matching = []
            }
            return Self.decide(matching)
        }

        /// A link, as the engine checks a message's URLs against URL entries.
        func outcome(_ link: ExtractedURL) -> Outcome {
            Self.decide(active(lookup.candidates(from: nil, urls: [link], hashes: [], clientIP: nil)).filter { entry in
                if case .url(let pattern) = entry.target { return pattern.matches(link, as: entry.action) }
                return false
            })
        }

        /// Inside the tenant list a block beats an allow for the same entity (reference §1).
        private static func decide(_ matching: [ListEntry]) -> Outcome {
            let allow = matching.first { $0.action == .allow }
            if let block = matching.first(where: { $0.action == .block }) {
                return Outcome(state: .blocked, entry: block.summary, place: Place(block.span), overriddenAllow: allow.map(\.summary))
            }
            if let allow { return Outcome(state: .allowed, entry: allow.summary, place: Place(allow.span)) }
            return Outcome(state: .unlisted)
        }

        /// The active entries the index offers for a From address, in policy order.
        private func entries(for mailbox: Mailbox) -> [ListEntry] {
            active(lookup.candidates(from: mailbox, urls: [], hashes: [], clientIP: nil))
        }

        private func active(_ indexes: [Int]) -> [ListEntry] {
            indexes.map { policy.entries[$0] }.filter { entry in entry.lastDay.map { date <= $0 } ?? true }
        }
    }
}
