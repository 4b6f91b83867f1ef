/// `sluice diff` for people. The JSON form is `DiffDocument`, schema `sluice.diff/1`.
public struct DiffText: Sendable {
    public init() {}

    public func render(_ diff: StructuralDiff, old: String, new: String) -> String {
        guard !diff.isEmpty else { return "no changes between \(old) and \(new)\n" }
        var lines: [String] = []
        let sections = diff.items.reduce(into: [String]()) { if !$0.contains($1.section) { $0.append($1.section) } }
        for section in sections {
            let items = diff.items.filter { $0.section == section }
            lines.append("\(Self.heading(section)) (\(items.count)):")
            for item in items {
                let place: String = switch item.change {
                case .added: item.new.map { " at \($0)" } ?? ""
                case .removed: item.old.map { " at \($0)" } ?? ""
                case .changed: item.new.map { " at \($0)" } ?? ""
                }
                let mark = switch item.change {
                case .added: "+"
                case .removed: "-"
                case .changed: "~"
                }
                lines.append("  \(mark) \(item.change.rawValue) \(item.name)\(place)")
                for detail in item.details { lines.append("      \(detail)") }
            }
            lines.append("")
        }
        if !diff.effective.isEmpty {
            lines.append("effective outcome changes (\(diff.effective.count)):")
            for change in diff.effective {
                lines.append("  \(change.key)" + (change.notes.isEmpty ? "" : " [\(change.notes.joined(separator: "; "))]"))
                lines.append("      old: \(change.old.description)")
                lines.append("      new: \(change.new.description)")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    private static func heading(_ section: String) -> String {
        switch section {
        case "entry": "list entries"
        case "rule": "rules"
        case "anti-spam", "anti-phishing", "anti-malware": "\(section) policies"
        case "quarantine-policy": "quarantine policies"
        case "group": "groups"
        case "user-lists": "user lists"
        default: section
        }
    }

    public func render(_ report: BehaviouralReport) -> String {
        var lines = ["\(report.changedMessages) of \(report.messages) message\(report.messages == 1 ? "" : "s") change "
            + "(\(report.changedDecisions) of \(report.decisions) decision\(report.decisions == 1 ? "" : "s"))"]
        for group in report.groups {
            lines.append("")
            let cause = group.cause, count = "\(group.changes.count) decision\(group.changes.count == 1 ? "" : "s")"
            if let place = cause.place {
                lines.append("\(place) (\(cause.policy.rawValue) policy) \(cause.role.rawValue): \(count)")
                lines.append("  \(place.line) | \(cause.text)")
            } else {
                lines.append("`\(cause.text)` (\(cause.policy.rawValue) policy) \(cause.role.rawValue): \(count)")
            }
            for change in group.changes {
                lines.append("  \(change.message) → \(change.recipient) (\(change.changed.joined(separator: ", ")))")
                lines.append("      old: \(change.old.summary)")
                lines.append("      new: \(change.new.summary)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `sluice diff --format json`: the structural diff, or the behavioural report with
/// `--messages`.
public struct DiffDocument: Sendable, Codable {
    public static let schema = "sluice.diff/1"
    public var schema = DiffDocument.schema
    public var old: String
    public var new: String
    public var structural: StructuralDiff?
    public var behavioural: BehaviouralReport?
    public var changed: Bool

    public init(old: String, new: String, structural: StructuralDiff? = nil, behavioural: BehaviouralReport? = nil) {
        self.old = old
        self.new = new
        self.structural = structural
        self.behavioural = behavioural
        changed = !(structural?.isEmpty ?? true) || (behavioural?.changedDecisions ?? 0) > 0
    }
}
