import SluiceChecking
import SluiceDiagnostics

/// The compiled policy as a tree of stages, in evaluation order, each with what it consults:
/// `sluice compile --emit tree` prints it as text, `--emit dot` as a Graphviz digraph.
public struct PolicyTree {
    public struct Node {
        public var label: String
        public var children: [Node] = []
        public var span: SourceSpan?

        init(_ label: String, span: SourceSpan? = nil, _ children: [Node] = []) {
            self.label = label
            self.span = span
            self.children = children
        }
    }

    public var root: Node

    public init(policy: CheckedPolicy, lookup: IndexedLookup, hash: String) {
        let entries = policy.entries
        func count(_ action: ListEntry.Action, _ kind: String) -> Int {
            entries.filter { $0.action == action && $0.target.kind == kind }.count
        }
        let filter = policy.connectionFilter
        let connection = Node("connection", [
            Node("IP Allow List: \(filter.allow.count) ranges; IP Block List: \(filter.block.count) ranges (allow wins)"),
            Node("tenant IPv6 entries: \(count(.allow, "ip")) allow, \(count(.block, "ip")) block"),
        ])
        let trusted = policy.organization.trustedAuthservIDs.map(\.value)
        let authentication = Node("authentication", [
            Node("trusted authserv-ids: " + (trusted.isEmpty ? "none (no result is believed)" : trusted.joined(separator: ", "))),
            Node("SPF, DKIM, DMARC → relaxed alignment (Public Suffix List) → compauth with reason code"),
        ])
        var detection = Node("detection (every detector; the processing order then picks one verdict)")
        detection.children.append(Node("tenant blocks", Self.entryKinds(.block, count)))
        detection.children.append(Node("anti-malware common attachments filter"))
        detection.children.append(Node("DMARC × spoof intelligence (§5.2), spoof allows first"))
        detection.children.append(Node("upstream verdicts", policy.upstream.map {
            Node("\($0.header.rawValue) from \($0.hosts.joined(separator: ", "))", span: $0.span)
        }))
        detection.children.append(Node("rules, in order (stop ends them)", policy.rules.map { rule in
            Node("\"\(rule.name)\"\(rule.mode == .audit ? " (audit)" : ""): then " + rule.actions.map(\.description).joined(separator: ", "), span: rule.span)
        }))
        detection.children.append(Node("anti-spam blocked senders and domains; bulk at BCL ≥ threshold"))
        let order = Node("processing order (§2.1)", [Node(ThreatVerdict.allCases.map(\.rawValue).joined(separator: " > "))])
        func policies(_ type: String, _ headers: [PolicyHeader]) -> Node {
            Node(type, headers.map { header in
                Node(header.isDefault ? "default" : "\"\(header.name!)\" priority \(header.priority ?? 0)", span: header.spans.first)
            })
        }
        let selection = Node("policy selection (first match by priority, else default)", [
            policies("anti-spam", policy.antiSpam.map(\.header)),
            policies("anti-phishing", policy.antiPhishing.map(\.header)),
            policies("anti-malware", policy.antiMalware.map(\.header)),
        ])
        let delivery = policy.advancedDelivery
        let overrides = Node("overrides (override grid §2.4, user versus organization §2.5, secure by default §2.3)", [
            Node("advanced delivery: \(delivery.secOpsMailboxes.count) SecOps mailboxes, \(delivery.simulationDomains.count) simulation domains, \(delivery.simulationIPs.count) simulation IPs"),
            Node("tenant blocks decide over lesser verdicts"),
            Node("user lists: \(policy.userLists.count) recipients"),
            Node("tenant allows", Self.entryKinds(.allow, count)),
            Node("rule actions"),
        ])
        let quarantine = Node("action and quarantine", policy.quarantinePolicies.keys.sorted().map { name in
            let quarantinePolicy = policy.quarantinePolicies[name]!
            return Node("\"\(name)\": " + quarantinePolicy.permissions.sorted().map(\.rawValue).joined(separator: ", ")
                        + (quarantinePolicy.notify ? "; notified \(policy.notifications.cadence.value)" : ""), span: quarantinePolicy.span)
        })
        let indexes = Node("indexes", lookup.indexSizes.map { Node("\($0.name): \($0.keys) keys") })
        root = Node("policy \(hash.prefix(12)) (\(policy.root), \(policy.sources.count) files, \(entries.count) entries, \(policy.rules.count) rules)",
                    [connection, authentication, detection, order, selection, overrides, quarantine, indexes])
    }

    private static func entryKinds(_ action: ListEntry.Action, _ count: (ListEntry.Action, String) -> Int) -> [Node] {
        ["sender", "domain", "url", "file", "spoof"].map { Node("\($0): \(count(action, $0))") }
    }

    /// Box-drawing text, one node per line with its source position.
    public var text: String {
        var lines = [root.label]
        func walk(_ node: Node, prefix: String) {
            for (index, child) in node.children.enumerated() {
                let last = index == node.children.count - 1
                lines.append(prefix + (last ? "└─ " : "├─ ") + child.label + (child.span.map { "  (\($0))" } ?? ""))
                walk(child, prefix: prefix + (last ? "   " : "│  "))
            }
        }
        walk(root, prefix: "")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Graphviz digraph: stages chained left to right, what each consults below it.
    public var dot: String {
        var lines = ["digraph policy {", "  rankdir=TB;", "  node [shape=box, fontname=\"Helvetica\"];"]
        var counter = 0
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func emit(_ node: Node) -> String {
            counter += 1
            let id = "n\(counter)"
            lines.append("  \(id) [label=\(quoted(node.label))];")
            for child in node.children {
                let childID = emit(child)
                lines.append("  \(id) -> \(childID);")
            }
            return id
        }
        let rootID = "n0"
        lines.append("  \(rootID) [label=\(quoted(root.label)), shape=ellipse];")
        var previous = rootID
        for stage in root.children {
            let id = emit(stage)
            lines.append("  \(previous) -> \(id) [style=bold];")
            previous = id
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
