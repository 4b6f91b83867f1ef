import SluiceChecking
import SluiceDiagnostics
import SluiceRegex

/// The policy's custom rules prepared once per evaluator: each test knows the slot its
/// subject's values are cached in, so a message reads each subject once without hashing it
/// per test, and each rule's trace label is built once instead of per message.
///
/// With `screened`, every regex test whose pattern has required literals also gets a screen:
/// the literals of all such tests over one subject go into one `LiteralScanner`, a message's
/// values are scanned once, and a value none of a pattern's literals occurs in is not given
/// to PCRE2 (it cannot match; `RequiredLiterals.excludes` also makes sure it could not hit the
/// match limit, which the trace would report). The reference evaluator runs unscreened, so the
/// differential tests hold the screens to PCRE2's answers.
struct RulePlan: Sendable {
    final class CompiledRule: Sendable {
        let index: Int
        /// `rule "name"`, the check every trace step of the rule carries.
        let label: String
        let span: SourceSpan
        let condition: Condition
        /// The step most messages get: built once, copied into each trace.
        let clearStep: TraceStep

        init(index: Int, rule: Rule, condition: Condition) {
            self.index = index
            label = "rule \"\(rule.name)\""
            span = rule.span
            self.condition = condition
            clearStep = TraceStep(label, .clear, "condition does not hold", span: span)
        }
    }

    indirect enum Condition: Sendable {
        case all([Condition])
        case any([Condition])
        case not(Condition)
        case test(Test)
    }

    final class Test: Sendable {
        let test: RuleTest
        /// Index of the test's subject in `subjects`.
        let slot: Int
        let screen: Screen?
        // Read for every test of every message: kept apart so that reading them copies no
        // strings or enum payloads out of `test`.
        let quantifier: RuleTest.Quantifier
        let negated: Bool
        let isNumeric: Bool
        /// The pattern of a `matches` or `like` test.
        let regex: PCRERegex?

        init(test: RuleTest, slot: Int, screen: Screen?) {
            self.test = test
            self.slot = slot
            self.screen = screen
            quantifier = test.quantifier
            negated = test.negated
            isNumeric = test.subject.valueType == .number
            regex = switch test.predicate {
            case .matches(let regex), .like(let regex): regex.regex
            default: nil
            }
        }

        /// The pattern as written, for the trace.
        var written: String {
            switch test.predicate {
            case .matches(let regex), .like(let regex): regex.written
            default: ""
            }
        }
    }

    /// One pattern's required literals, as numbered in its subject's scanner: per factor, the
    /// literals one of which a value must contain.
    final class Screen: Sendable {
        /// The factors' literal numbers one after another; factor `i` ends at `factorEnds[i]`
        /// (flat, so checking a value copies no nested arrays).
        let literals: [Int]
        let factorEnds: [Int]
        /// `RequiredLiterals.excludes` as two facts read once: the longest ASCII value it
        /// allows (it allows every shorter one too), and whether non-ASCII values are kept.
        let longestExcludable: Int
        let needsASCIISubject: Bool

        init(factors: [[Int]], required: RequiredLiterals) {
            literals = Array(factors.joined())
            factorEnds = factors.indices.map { factors[...$0].map(\.count).reduce(0, +) }
            needsASCIISubject = required.needsASCIISubject
            // The work bound grows with the length: search for the last length it allows.
            var allowed = -1, refused = Int.max - 1
            if required.excludes(subjectLength: refused, nonASCII: false) {
                allowed = refused
            }
            while refused - allowed > 1 {
                let middle = allowed + (refused - allowed) / 2
                if required.excludes(subjectLength: middle, nonASCII: false) { allowed = middle } else { refused = middle }
            }
            longestExcludable = allowed
        }

        /// Whether the value cannot match: it lacks every literal of some factor, and
        /// `RequiredLiterals.excludes` says skipping it hides no match-limit error.
        func excludes(_ hits: borrowing LiteralScanner.Hits, length: Int) -> Bool {
            guard length <= longestExcludable, !(hits.hasNonASCII && needsASCIISubject) else { return false }
            var start = 0
            for end in factorEnds {
                if !literals[start..<end].contains(where: { hits.contains($0) }) { return true }
                start = end
            }
            return false
        }
    }

    let rules: [CompiledRule]
    /// Every subject a test reads, once.
    let subjects: [RuleSubject]
    /// Per subject: the scanner for its screened patterns' literals, if it has any.
    let scanners: [LiteralScanner?]

    init(_ rules: [Rule], screened: Bool) {
        var subjects: [RuleSubject] = []
        var slots: [RuleSubject: Int] = [:]
        var literals: [[[UInt8]]] = []
        var literalIDs: [[[UInt8]: Int]] = []
        func compile(_ condition: RuleCondition) -> Condition {
            switch condition {
            case .all(let parts): return .all(parts.map(compile))
            case .any(let parts): return .any(parts.map(compile))
            case .not(let inner): return .not(compile(inner))
            case .test(let test):
                let slot = slots[test.subject] ?? {
                    subjects.append(test.subject)
                    literals.append([])
                    literalIDs.append([:])
                    slots[test.subject] = subjects.count - 1
                    return subjects.count - 1
                }()
                var screen: Screen? = nil
                switch test.predicate {
                case .matches(let regex), .like(let regex):
                    if screened, let required = RequiredLiterals(pattern: regex.regex.pattern, options: regex.regex.options) {
                        let ids = required.factors.map { factor in
                            factor.map { literal in
                                literalIDs[slot][literal] ?? {
                                    literals[slot].append(literal)
                                    literalIDs[slot][literal] = literals[slot].count - 1
                                    return literals[slot].count - 1
                                }()
                            }
                        }
                        screen = Screen(factors: ids, required: required)
                    }
                default: break
                }
                return .test(Test(test: test, slot: slot, screen: screen))
            }
        }
        self.rules = rules.enumerated().map { index, rule in CompiledRule(index: index, rule: rule, condition: compile(rule.condition)) }
        self.subjects = subjects
        scanners = literals.map { $0.isEmpty ? nil : LiteralScanner($0) }
    }
}
