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
///
/// Conditions, tests and screens are flat arrays of plain values that refer to each other by
/// index: evaluating a rule then reads no reference-counted object until it runs a regex. The
/// plan itself is one object, so that holding it costs one retain rather than one per array.
final class RulePlan: Sendable {
    struct CompiledRule: Sendable {
        /// The condition's node in `nodes`.
        let root: Int
        /// `rule "name"`, the check every trace step of the rule carries.
        let label: String
        let span: SourceSpan
        /// The step when the condition holds (a note in audit mode), and the note a `stop`
        /// adds: built once as well.
        let holdsStep: TraceStep
        let stopStep: TraceStep
        /// Per action (in `Rule.actions` order), what it adds when the rule holds outside audit
        /// mode, built once rather than per holding rule.
        let effects: [Effect]
    }

    enum Effect: Sendable {
        case none
        /// A detection and its trace step.
        case detection(Detection, TraceStep)
        /// A modification's description.
        case modification(String)
    }

    /// A condition node. A condition is stored in prefix order, each node followed by its
    /// operands; `end` is the index after its last operand, so an operand that need not be
    /// decided is skipped in one step.
    struct Node: Sendable {
        enum Kind: Sendable { case all, any, not, test }
        let kind: Kind
        let end: Int
        /// For a test: its index in `tests`.
        let test: Int
    }

    /// What evaluating a test reads for every message, apart from the `RuleTest` (in
    /// `ruleTests`, at the same index), whose strings and payloads would be copied by each read.
    struct Test: Sendable {
        /// Index of the test's subject in `subjects`.
        let slot: Int
        /// Index in `screens`.
        let screen: Int?
        let quantifier: RuleTest.Quantifier
        let negated: Bool
        let isNumeric: Bool
        let isRegex: Bool
        /// For a `contains` test over text: its needle's range in `needles`.
        let needle: Range<Int>?
        /// For a screened `contains` test with a non-empty ASCII needle: the needle's number in
        /// its subject's scanner, whose scan of an ASCII value answers the test.
        let needleLiteral: Int?
    }

    /// One pattern's required literals, as numbered in its subject's scanner: per factor (in
    /// `factorEnds[factors]`), the literals one of which a value must contain. The literals are
    /// `literals[firstLiteral..<factorEnds[factors.last]]`, factor by factor.
    struct Screen: Sendable {
        let firstLiteral: Int
        let factors: Range<Int>
        /// `RequiredLiterals.excludes` as two facts read once: the longest ASCII value it
        /// allows (it allows every shorter one too), and whether non-ASCII values are kept.
        let longestExcludable: Int
        let needsASCIISubject: Bool
    }

    let rules: [CompiledRule]
    /// Per rule, the step most messages get ("condition does not hold"): built once, shared by
    /// every trace, and in one array so that a run of rules that do not hold is appended at once.
    let clearSteps: [TraceStep]
    let nodes: [Node]
    let tests: [Test]
    let ruleTests: [RuleTest]
    /// Per test: the pattern of a `matches` or `like` test.
    let regexes: [PolicyRegex?]
    let screens: [Screen]
    let factorEnds: [Int]
    /// Per factor, its literals as a mask of the scanner's first 64 (0 when one is beyond).
    let factorMasks: [UInt64]
    let literals: [Int]
    /// The needles of `contains` tests, as UTF-8 (`Test.needle`).
    let needles: [UInt8]
    /// Every subject a test reads, once.
    let subjects: [RuleSubject]
    /// Per subject: the scanner for its screened patterns' literals, if it has any.
    let scanners: [LiteralScanner?]

    init(_ rules: [Rule], screened: Bool) {
        var nodes: [Node] = [], tests: [Test] = [], ruleTests: [RuleTest] = [], regexes: [PolicyRegex?] = []
        var screens: [Screen] = [], factorEnds: [Int] = [], factorMasks: [UInt64] = [], screenLiterals: [Int] = []
        var subjects: [RuleSubject] = []
        var needles: [UInt8] = []
        var slots: [RuleSubject: Int] = [:]
        var literals: [[[UInt8]]] = []
        var literalIDs: [[[UInt8]: Int]] = []
        func literalID(_ literal: [UInt8], slot: Int) -> Int {
            if let id = literalIDs[slot][literal] { return id }
            literals[slot].append(literal)
            literalIDs[slot][literal] = literals[slot].count - 1
            return literals[slot].count - 1
        }
        func screen(_ regex: PolicyRegex, slot: Int) -> Int? {
            guard screened, let required = RequiredLiterals(pattern: regex.regex.pattern, options: regex.regex.options) else { return nil }
            let firstLiteral = screenLiterals.count, firstFactor = factorEnds.count
            for factor in required.factors {
                let ids = factor.map { literalID($0, slot: slot) }
                screenLiterals += ids
                factorEnds.append(screenLiterals.count)
                factorMasks.append(ids.allSatisfy { $0 < 64 } ? ids.reduce(UInt64(0)) { $0 | 1 << UInt64($1) } : 0)
            }
            // The work bound grows with the length: search for the last length it allows.
            var allowed = -1, refused = Int.max - 1
            if required.excludes(subjectLength: refused, nonASCII: false) { allowed = refused }
            while refused - allowed > 1 {
                let middle = allowed + (refused - allowed) / 2
                if required.excludes(subjectLength: middle, nonASCII: false) { allowed = middle } else { refused = middle }
            }
            screens.append(Screen(firstLiteral: firstLiteral, factors: firstFactor..<factorEnds.count,
                                  longestExcludable: allowed, needsASCIISubject: required.needsASCIISubject))
            return screens.count - 1
        }
        func compile(_ condition: RuleCondition) {
            let at = nodes.count
            nodes.append(Node(kind: .test, end: at + 1, test: tests.count))
            switch condition {
            case .all(let parts):
                parts.forEach(compile)
                nodes[at] = Node(kind: .all, end: nodes.count, test: 0)
            case .any(let parts):
                parts.forEach(compile)
                nodes[at] = Node(kind: .any, end: nodes.count, test: 0)
            case .not(let inner):
                compile(inner)
                nodes[at] = Node(kind: .not, end: nodes.count, test: 0)
            case .test(let test):
                let slot = slots[test.subject] ?? {
                    subjects.append(test.subject)
                    literals.append([])
                    literalIDs.append([:])
                    slots[test.subject] = subjects.count - 1
                    return subjects.count - 1
                }()
                let regex: PolicyRegex? = switch test.predicate {
                case .matches(let regex), .like(let regex): regex
                default: nil
                }
                let isNumeric = test.subject.valueType == .number
                let isRegex = regex != nil && !isNumeric
                var needle: Range<Int>?
                var needleLiteral: Int?
                if case .contains(let text) = test.predicate, !isNumeric {
                    needles += text.utf8
                    needle = needles.count - text.utf8.count..<needles.count
                    // A lower-case ASCII needle occurs in the lowered value exactly where the
                    // scanner, ignoring ASCII case, finds it. The checker lowers needles; one
                    // with upper case (a plan built from an unchecked policy) keeps the search.
                    if screened, !text.isEmpty, text.utf8.allSatisfy({ $0 < 0x80 && !(0x41...0x5A).contains($0) }) {
                        needleLiteral = literalID(Array(text.utf8), slot: slot)
                    }
                }
                tests.append(Test(slot: slot, screen: isRegex ? screen(regex!, slot: slot) : nil, quantifier: test.quantifier,
                                  negated: test.negated, isNumeric: isNumeric, isRegex: isRegex, needle: needle, needleLiteral: needleLiteral))
                ruleTests.append(test)
                regexes.append(regex)
            }
        }
        self.rules = rules.map { rule in
            let root = nodes.count
            compile(rule.condition)
            let label = "rule \"\(rule.name)\""
            let actions = rule.actions.map(\.description).joined(separator: ", ")
            return CompiledRule(
                root: root, label: label, span: rule.span,
                holdsStep: rule.mode == .audit
                    ? TraceStep(label, .note, "condition holds; audit mode, so `\(actions)` is only recorded", span: rule.span)
                    : TraceStep(label, .matched, "condition holds: \(actions)", span: rule.span),
                stopStep: TraceStep(label, .note, "`stop`: later rules are not evaluated", span: rule.span),
                effects: rule.actions.map { RulePlan.effect(of: $0, in: rule) })
        }
        clearSteps = self.rules.map { TraceStep($0.label, .clear, "condition does not hold", span: $0.span) }
        self.nodes = nodes
        self.tests = tests
        self.ruleTests = ruleTests
        self.regexes = regexes
        self.screens = screens
        self.factorEnds = factorEnds
        self.factorMasks = factorMasks
        self.literals = screenLiterals
        self.needles = needles
        self.subjects = subjects
        scanners = literals.map { $0.isEmpty ? nil : LiteralScanner($0) }
    }

    private static func effect(of action: RuleAction, in rule: Rule) -> Effect {
        func detection(_ verdict: ThreatVerdict, _ description: String) -> Effect {
            let detection = Detection(verdict: verdict, origin: .rule(rule.name), description: description, span: rule.span)
            return .detection(detection, detection.traceStep)
        }
        switch action {
        case .setSCL(let scl) where scl >= 5:
            return detection(scl >= 7 ? .highConfidenceSpam : .spam, "rule \"\(rule.name)\" sets SCL \(scl)")
        case .mark(let verdict):
            return detection(ThreatVerdict(verdict), "rule \"\(rule.name)\" marks \(verdict.rawValue)")
        case .addHeader(let name, let value): return .modification("add header `\(name): \(value)` (rule \"\(rule.name)\")")
        case .prependSubject(let text): return .modification("prepend `\(text)` to the subject (rule \"\(rule.name)\")")
        default: return .none
        }
    }

    /// What a screen reads of one value's scan, as plain values that copy without a reference
    /// count: the hits among the scanner's first 64 literals, the length, non-ASCII bytes.
    struct ScreenedValue {
        let first64: UInt64
        let length: Int
        let hasNonASCII: Bool
        /// Where the whole hits are kept when the scanner has more than 64 literals, else −1.
        let hitsIndex: Int

        init(hits: LiteralScanner.Hits, length: Int, hitsIndex: Int) {
            first64 = hits.first
            self.length = length
            hasNonASCII = hits.hasNonASCII
            self.hitsIndex = hitsIndex
        }
    }

    /// Several values' scans together, enough to prove a screen excludes all of them.
    struct ScreenedUnion {
        var first64: UInt64 = 0
        var longest = 0
        var hasNonASCII = false

        mutating func add(_ value: ScreenedValue) {
            first64 |= value.first64
            longest = max(longest, value.length)
            hasNonASCII = hasNonASCII || value.hasNonASCII
        }
    }

    /// Whether `excludes` holds for every value of the union: none is too long or (for a
    /// screen that needs it) non-ASCII, and none has any literal of some factor.
    @inline(__always)
    func excludesAll(_ screen: Int, _ union: ScreenedUnion) -> Bool {
        let screen = screens[screen]
        guard union.longest <= screen.longestExcludable, !(union.hasNonASCII && screen.needsASCIISubject) else { return false }
        for factor in screen.factors where factorMasks[factor] != 0 && union.first64 & factorMasks[factor] == 0 { return true }
        return false
    }

    /// Whether a value with this scan cannot match the screen's pattern: it lacks every
    /// literal of some factor, and `RequiredLiterals.excludes` says skipping it hides no
    /// match-limit error. `hits` is read only for a factor with literals past the first 64
    /// (whose mask is 0).
    @inline(__always)
    func excludes(_ screen: Screen, _ value: ScreenedValue, _ hits: @autoclosure () -> LiteralScanner.Hits) -> Bool {
        guard value.length <= screen.longestExcludable, !(value.hasNonASCII && screen.needsASCIISubject) else { return false }
        var literal = screen.firstLiteral
        for factor in screen.factors {
            let end = factorEnds[factor]
            if factorMasks[factor] != 0 {
                if value.first64 & factorMasks[factor] == 0 { return true }
            } else {
                let hits = hits()
                while literal < end, !hits.contains(literals[literal]) { literal += 1 }
                if literal == end { return true }
            }
            literal = end
        }
        return false
    }
}
