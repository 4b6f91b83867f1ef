import SluiceDiagnostics

/// A rule that can never act: an earlier enforced rule with the same condition ends rule
/// processing with `stop`, so every message the later rule would see has already stopped; or
/// the earlier rule already takes a deciding action (reject, delete, redirect, quarantine,
/// junk), which the processing takes before any later rule's verdict, so the later rule's
/// marks and SCL can never change the outcome. Comparing conditions as written (tests,
/// quantifiers, predicates) is exact; a later rule whose condition is merely narrower is not
/// reported.
public struct UnreachableRule: LintRule {
    public static let id = "unreachable-rule"
    public static let severity = Severity.warning
    public static let summary = "a rule an earlier rule always stops first"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var stoppers: [String: Rule] = [:], deciders: [String: Rule] = [:]
        var findings: [Diagnostic] = []
        for rule in context.policy.rules {
            let key = Self.describe(rule.condition)
            if let earlier = stoppers[key] {
                findings.append(finding("rule \"\(rule.name)\" never acts: rule \"\(earlier.name)\" has the same condition and stops first",
                                        at: rule.span, labels: [Label(earlier.span, "stops here")],
                                        help: "merge the two rules, or remove `stop` from the first"))
            } else if let earlier = deciders[key], rule.actions.allSatisfy(Self.isOverruled) {
                findings.append(finding("rule \"\(rule.name)\" never changes the outcome: rule \"\(earlier.name)\" has the same condition and already decides",
                                        at: rule.span, labels: [Label(earlier.span, "decides here")],
                                        help: "merge the two rules"))
            }
            guard rule.mode == .enforce else { continue }
            if rule.actions.contains(.stop), stoppers[key] == nil { stoppers[key] = rule }
            if rule.actions.contains(where: Self.isDeciding), deciders[key] == nil { deciders[key] = rule }
        }
        return findings
    }

    static func isDeciding(_ action: RuleAction) -> Bool {
        switch action {
        case .reject, .delete, .redirect, .quarantine, .junk: true
        default: false
        }
    }

    /// Actions a decision already taken by an earlier rule makes moot (headers and subject
    /// prefixes still apply, so they count as acting).
    static func isOverruled(_ action: RuleAction) -> Bool {
        switch action {
        case .mark, .setSCL, .stop, .reject, .delete, .redirect, .quarantine, .junk: true
        case .addHeader, .prependSubject: false
        }
    }

    /// A canonical text of a condition, for comparing two as written.
    static func describe(_ condition: RuleCondition) -> String {
        switch condition {
        case .all(let parts): "(" + parts.map(describe).joined(separator: " and ") + ")"
        case .any(let parts): "(" + parts.map(describe).joined(separator: " or ") + ")"
        case .not(let inner): "not " + describe(inner)
        case .test(let test):
            "\(test.quantifier.rawValue) \(test.subject.name) \(test.negated ? "not " : "")" + {
                switch test.predicate {
                case .matches(let regex), .like(let regex): regex.written
                case .equals(let items): "is " + items.joined(separator: ",")
                case .contains(let text): "contains " + text
                case .exists: "exists"
                case .compare(let op, let value): "\(op.rawValue) \(value)"
                case .equalsNumber(let value): "= \(value)"
                case .inNetworks(let ranges): "in " + ranges.map(\.description).joined(separator: ",")
                }
            }()
        }
    }
}
