import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceEngine

/// `sluice test --coverage`: the list entries and custom rules of a policy that no case
/// exercised. An entry or rule counts as exercised when a decision names it: as the deciding
/// source, or in a trace step that found something (a match, an override declined, an audit
/// rule that held); a rule whose condition did not hold was only looked at.
public struct Coverage: Sendable {
    public struct Item: Sendable {
        public var kind: Kind
        public var span: SourceSpan
        /// The first line as written.
        public var text: String
    }

    public enum Kind: String, Sendable { case entry, rule }

    public var policy: String
    public var entries: Int
    public var rules: Int
    public var uncovered: [Item]

    public init(policy: CheckedPolicy, path: String, decisions: [Decision]) {
        var exercised: Set<SourceSpan> = []
        for decision in decisions {
            if let span = decision.decidedBy.span { exercised.insert(span) }
            for stage in decision.trace {
                for step in stage.steps where step.outcome != .clear {
                    if let span = step.span { exercised.insert(span) }
                }
            }
        }
        func text(_ span: SourceSpan) -> String {
            policy.sources[span.file]?.line(span.line).trimmingCharacters(in: .whitespaces) ?? ""
        }
        self.policy = path
        entries = policy.entries.count
        rules = policy.rules.count
        uncovered = policy.entries.filter { !exercised.contains($0.span) }.map { Item(kind: .entry, span: $0.span, text: text($0.span)) }
            + policy.rules.filter { !exercised.contains($0.span) }.map { Item(kind: .rule, span: $0.span, text: text($0.span)) }
    }

    public var coveredEntries: Int { entries - uncovered.filter { $0.kind == .entry }.count }
    public var coveredRules: Int { rules - uncovered.filter { $0.kind == .rule }.count }
}
