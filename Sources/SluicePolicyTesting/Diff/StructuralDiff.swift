import Foundation
import SluiceChecking
import SluiceDiagnostics

/// `sluice diff OLD NEW` without messages: what was added, removed or changed, matched by
/// identity (entries by action, kind and key; rules by name; policies by type and name;
/// quarantine policies, groups and user lists by name), and for tenant list entries the keys
/// whose effective outcome changes (`EffectiveOutcomes`).
public struct StructuralDiff: Sendable, Codable {
    public enum Change: String, Sendable, Codable { case added, removed, changed }

    public struct Item: Sendable, Codable {
        /// `entry`, `rule`, `anti-spam`, `anti-phishing`, `anti-malware`, `quarantine-policy`,
        /// `group`, `user-lists`, or a settings block (`organization`, `connection-filter`…).
        public var section: String
        public var change: Change
        /// `block domain *.example`, `"Invoice lure"`, `"Finance"`.
        public var name: String
        public var old: Place?
        public var new: Place?
        /// For changes: what differs, `expiry: never → 2027-01-31`, or the settings that differ.
        public var details: [String]
    }

    public var items: [Item]
    public var effective: [EffectiveOutcomes.Change]

    public var isEmpty: Bool { items.isEmpty && effective.isEmpty }

    public init(old: CheckedPolicy, new: CheckedPolicy, on date: CalendarDate) {
        items = Self.entries(old, new) + Self.rules(old, new)
        items += Self.named("anti-spam", old.antiSpam, new.antiSpam, name: { $0.header.name ?? "default" }, place: { $0.header.spans.last })
        items += Self.named("anti-phishing", old.antiPhishing, new.antiPhishing, name: { $0.header.name ?? "default" }, place: { $0.header.spans.last })
        items += Self.named("anti-malware", old.antiMalware, new.antiMalware, name: { $0.header.name ?? "default" }, place: { $0.header.spans.last })
        items += Self.named("quarantine-policy", old.quarantinePolicies.values.sorted { $0.name < $1.name },
                            new.quarantinePolicies.values.sorted { $0.name < $1.name }, name: \.name, place: \.span)
        items += Self.named("group", old.groups.values.sorted { $0.name < $1.name }, new.groups.values.sorted { $0.name < $1.name },
                            name: \.name, place: \.span)
        items += Self.named("user-lists", old.userLists.values.sorted { $0.recipient.description < $1.recipient.description },
                            new.userLists.values.sorted { $0.recipient.description < $1.recipient.description }, name: \.recipient.description, place: \.span)
        items += Self.block("organization", old.organization, new.organization)
        items += Self.block("connection-filter", old.connectionFilter, new.connectionFilter)
        items += Self.block("advanced-delivery", old.advancedDelivery, new.advancedDelivery)
        items += Self.block("notifications", old.notifications, new.notifications)
        items += Self.block("upstream", old.upstream, new.upstream)
        effective = EffectiveOutcomes.changes(old: old, new: new, on: date)
    }

    // MARK: - Entries

    private static func entries(_ old: CheckedPolicy, _ new: CheckedPolicy) -> [Item] {
        // Repeated keys pair up in order: the second old duplicate with the second new one.
        var oldByIdentity: [String: [ListEntry]] = [:]
        for entry in old.entries { oldByIdentity[entry.summary, default: []].append(entry) }
        var items: [Item] = []
        for entry in new.entries {
            let name = entry.summary
            guard var candidates = oldByIdentity[name], !candidates.isEmpty else {
                items.append(Item(section: "entry", change: .added, name: name, new: Place(entry.span), details: []))
                continue
            }
            let previous = candidates.removeFirst()
            oldByIdentity[name] = candidates
            let details = entryDetails(previous, entry)
            if !details.isEmpty {
                items.append(Item(section: "entry", change: .changed, name: name, old: Place(previous.span), new: Place(entry.span), details: details))
            }
        }
        for entry in old.entries {
            let name = entry.summary
            guard let left = oldByIdentity[name], let index = left.firstIndex(where: { $0.span == entry.span }) else { continue }
            oldByIdentity[name]!.remove(at: index)
            items.append(Item(section: "entry", change: .removed, name: name, old: Place(entry.span), details: []))
        }
        return items
    }

    private static func entryDetails(_ old: ListEntry, _ new: ListEntry) -> [String] {
        var details: [String] = []
        func compare(_ label: String, _ before: String?, _ after: String?) {
            if before != after { details.append("\(label): \(before ?? "none") → \(after ?? "none")") }
        }
        compare("expiry", describe(old.expiry), describe(new.expiry))
        compare("created", old.created?.description, new.created?.description)
        compare("from-submission", old.fromSubmission ? "yes" : "no", new.fromSubmission ? "yes" : "no")
        compare("note", old.note.map { "\"\($0)\"" }, new.note.map { "\"\($0)\"" })
        compare("ticket", old.ticket.map { "\"\($0)\"" }, new.ticket.map { "\"\($0)\"" })
        compare("owner", old.owner.map { "\"\($0)\"" }, new.owner.map { "\"\($0)\"" })
        return details
    }

    static func describe(_ expiry: Expiry) -> String {
        switch expiry {
        case .never: "never"
        case .on(let date): date.description
        case .days(let days): "\(days) days"
        case .afterLastUse(let days): "\(days) days after last use"
        }
    }

    // MARK: - Rules

    private static func rules(_ old: CheckedPolicy, _ new: CheckedPolicy) -> [Item] {
        let oldByName = Dictionary(old.rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let newNames = Set(new.rules.map(\.name))
        // Rules run in file order, so a common rule that moved relative to the others changes
        // what `stop` and the first matching action do.
        let oldOrder = old.rules.map(\.name).filter(newNames.contains)
        let newOrder = new.rules.map(\.name).filter { oldByName[$0] != nil }
        var items: [Item] = []
        for rule in new.rules {
            let name = "\"\(rule.name)\""
            guard let previous = oldByName[rule.name] else {
                items.append(Item(section: "rule", change: .added, name: name, new: Place(rule.span), details: []))
                continue
            }
            var details: [String] = []
            if SemanticForm.of(previous.condition) != SemanticForm.of(rule.condition) { details.append("condition") }
            if previous.actions != rule.actions {
                details.append("actions: \(previous.actions.map(\.description).joined(separator: ", ")) → \(rule.actions.map(\.description).joined(separator: ", "))")
            }
            if previous.mode != rule.mode { details.append("mode: \(previous.mode.rawValue) → \(rule.mode.rawValue)") }
            if let before = oldOrder.firstIndex(of: rule.name), let after = newOrder.firstIndex(of: rule.name), before != after {
                details.append("position among the common rules: \(before + 1) → \(after + 1)")
            }
            if !details.isEmpty {
                items.append(Item(section: "rule", change: .changed, name: name, old: Place(previous.span), new: Place(rule.span), details: details))
            }
        }
        for rule in old.rules where !newNames.contains(rule.name) {
            items.append(Item(section: "rule", change: .removed, name: "\"\(rule.name)\"", old: Place(rule.span), details: []))
        }
        return items
    }

    // MARK: - Policies and settings

    /// Things with a name: added, removed, or changed in the settings that differ.
    private static func named<Value>(_ section: String, _ old: [Value], _ new: [Value], name: (Value) -> String,
                                                place: (Value) -> SourceSpan?) -> [Item] {
        let oldByName = Dictionary(old.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
        let newNames = Set(new.map(name))
        var items: [Item] = []
        for value in new {
            let key = name(value)
            guard let previous = oldByName[key] else {
                items.append(Item(section: section, change: .added, name: "\"\(key)\"", new: place(value).map(Place.init), details: []))
                continue
            }
            let details = differingSettings(previous, value)
            if !details.isEmpty {
                items.append(Item(section: section, change: .changed, name: "\"\(key)\"", old: place(previous).map(Place.init),
                                  new: place(value).map(Place.init), details: details))
            }
        }
        for value in old where !newNames.contains(name(value)) {
            items.append(Item(section: section, change: .removed, name: "\"\(name(value))\"", old: place(value).map(Place.init), details: []))
        }
        return items
    }

    /// A block of settings with no name (one per policy): changed or not.
    private static func block(_ section: String, _ old: Any, _ new: Any) -> [Item] {
        let details = differingSettings(old, new)
        return details.isEmpty ? [] : [Item(section: section, change: .changed, name: section, details: details)]
    }

    /// The top-level settings whose meaning differs, spelt as the language spells settings
    /// (`bulkThreshold` → `bulk-threshold`).
    static func differingSettings(_ old: Any, _ new: Any) -> [String] {
        guard SemanticForm.of(old) != SemanticForm.of(new) else { return [] }
        let before = SemanticForm.fields(old), after = SemanticForm.fields(new)
        let keys = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        return keys.isEmpty ? ["settings"] : keys.map(kebab)
    }

    private static func kebab(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "-" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A place in a policy file, as the diff reports it.
public struct Place: Sendable, Codable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(_ span: SourceSpan) {
        file = span.file
        line = span.line
        column = span.column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
