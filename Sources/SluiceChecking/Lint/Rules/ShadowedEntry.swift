import SluiceDiagnostics

/// An entry made useless by a broader one with the same action: `*.x.example` covers
/// `a.x.example`, a domain entry covers senders at that domain, a CIDR block covers the blocks
/// inside it. Found through hash lookups by label suffix and a radix trie, never pairwise, so a
/// policy of 100,000 entries lints in a moment.
public struct ShadowedEntry: LintRule {
    public static let id = "shadowed-entry"
    public static let severity = Severity.warning
    public static let summary = "an entry is covered by a broader entry with the same action"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var exact: [String: ListEntry] = [:], wildcard: [String: ListEntry] = [:]
        var ranges: [ListEntry.Action: (trie: IPPrefixTrie, entries: [ListEntry])] = [.allow: (IPPrefixTrie(), []), .block: (IPPrefixTrie(), [])]
        for entry in context.policy.entries {
            let key = entry.action.rawValue + " "
            switch entry.target {
            case .domain(let pattern):
                if pattern.kind == .exact { exact[key + pattern.domain] = exact[key + pattern.domain] ?? entry } else { wildcard[key + pattern.domain] = wildcard[key + pattern.domain] ?? entry }
            case .ip(let range):
                ranges[entry.action]!.trie.insert(range, value: ranges[entry.action]!.entries.count)
                ranges[entry.action]!.entries.append(entry)
            default: break
            }
        }
        var findings: [Diagnostic] = []
        func report(_ entry: ListEntry, by cover: ListEntry) {
            findings.append(finding("`\(entry.target.kind) \(entry.target.key)` is already covered by `\(cover.target.kind) \(cover.target.key)`",
                                    at: entry.span, labels: [Label(cover.span, "the broader entry")], help: "remove the narrower entry, or the broader one if it is too wide"))
        }
        for entry in context.policy.entries {
            let key = entry.action.rawValue + " "
            switch entry.target {
            case .domain(let pattern):
                // `*.s` covers every name strictly below `s`.
                if let cover = DomainName.labelSuffixes(pattern.domain).dropFirst().lazy.compactMap({ wildcard[key + $0] }).first { report(entry, by: cover) }
            case .sender(let address):
                if let cover = exact[key + address.domain] ?? DomainName.labelSuffixes(address.domain).dropFirst().lazy.compactMap({ wildcard[key + $0] }).first {
                    report(entry, by: cover)
                }
            case .ip(let range):
                let (trie, entries) = ranges[entry.action]!
                if let cover = trie.values(containing: range.network).map({ entries[$0] }).first(where: {
                    // Equal blocks are duplicates, another rule's business.
                    if case .ip(let broader) = $0.target { return broader != range && broader.covers(range) }
                    return false
                }) { report(entry, by: cover) }
            default: break
            }
        }
        return findings
    }

}
