import SluiceDiagnostics

/// One lint rule: a stable id (`lint.<id>` is the diagnostic code), a default severity, and a
/// check over the whole checked policy. Each rule lives in its own file under `Rules/`, and its
/// doc comment is its documentation (`sluice lint --list` prints the catalogue).
public protocol LintRule: Sendable {
    static var id: String { get }
    static var severity: Severity { get }
    /// One line for the catalogue.
    static var summary: String { get }
    func check(_ context: LintContext) -> [Diagnostic]
}

extension LintRule {
    public var code: DiagnosticCode { DiagnosticCode("lint.\(Self.id)") }

    /// A finding of this rule at `span`.
    public func finding(_ message: String, at span: SourceSpan, labels: [Label] = [], notes: [String] = [],
                        help: String? = nil, fixes: [FixIt] = []) -> Diagnostic {
        Diagnostic(code, Self.severity, message, at: .source(span), labels: labels, notes: notes, help: help, fixes: fixes)
    }
}

/// What rules see: the checked policy and the day it is linted on (`--now`).
public struct LintContext: Sendable {
    public var policy: CheckedPolicy
    public var today: CalendarDate
    /// Entries expiring within this many days are reported by `expiring-entry`.
    public var expiryWarningDays: Int
    /// Entries expired longer ago than this carry a fix-it removing them (`--fix` applies it).
    public var removeExpiredAfterDays: Int

    /// Every `matches` test of every rule, with its regex: what the regex rules look at.
    public var regexTests: [(test: RuleTest, regex: PolicyRegex)] {
        policy.rules.flatMap(\.condition.tests).compactMap { test in
            if case .matches(let regex) = test.predicate { (test, regex) } else { nil }
        }
    }

    public init(policy: CheckedPolicy, today: CalendarDate, expiryWarningDays: Int = 14, removeExpiredAfterDays: Int = 30) {
        self.policy = policy
        self.today = today
        self.expiryWarningDays = expiryWarningDays
        self.removeExpiredAfterDays = removeExpiredAfterDays
    }
}
