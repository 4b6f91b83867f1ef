import SluiceDiagnostics

/// More entries of one kind than Microsoft's tenant list accepts (reference §1.5, the largest
/// licence: 5,000 allows and 10,000 blocks per kind; 1,024 spoof pairs). Sluice has no such
/// limit; the finding says the policy could not be mirrored into Microsoft 365 as is.
public struct ListSizeLimit: LintRule {
    public static let id = "list-size-limit"
    public static let severity = Severity.info
    public static let summary = "more entries of a kind than Microsoft's tenant list accepts"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var counts: [String: (count: Int, first: ListEntry)] = [:]
        for entry in context.policy.entries {
            let kind = entry.target.kind == "sender" || entry.target.kind == "domain" ? "sender and domain" : entry.target.kind
            let key = entry.target.kind == "spoof" ? "spoof" : "\(entry.action.rawValue) \(kind)"
            if let existing = counts[key] { counts[key] = (existing.count + 1, existing.first) } else { counts[key] = (1, entry) }
        }
        return counts.sorted { $0.key < $1.key }.compactMap { key, value in
            let limit = key == "spoof" ? 1_024 : key.hasPrefix("allow") ? 5_000 : 10_000
            guard value.count > limit else { return nil }
            return finding("\(value.count) `\(key)` entries: Microsoft's tenant list takes at most \(limit)", at: value.first.span,
                           notes: ["reference §1.5 (Defender for Office 365 Plan 2)"])
        }
    }
}
