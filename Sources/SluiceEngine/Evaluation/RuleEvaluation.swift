import Foundation
import SluiceChecking
import SluiceMessage
import SluiceRegex

/// Evaluates custom rule conditions against a message, the executable meaning of the typed
/// tests in grammar/sluice.ebnf. A test over no values is false whatever its quantifier, so an
/// `all` never holds vacuously.
struct RuleConditionEvaluator {
    let plan: RulePlan
    /// The SCL as set so far (upstream, or an earlier rule).
    var currentSCL: Int?
    /// Regexes that hit PCRE2's match limit: counted as no match, reported in the trace.
    var limitHits: [String] = []
    /// Per subject (by the plan's slot), what the tests read of it, made once per message
    /// however many tests look at it.
    private var slots: [Slot]
    /// Per scanned value, what its screens read, in plain values so that a screened test, the
    /// common case, takes no reference count; each slot's values are a run.
    private var screened: [RulePlan.ScreenedValue] = []
    /// Whole scan results of scanners with more than 64 literals (`ScreenedValue.hitsIndex`).
    private var wideHits: [LiteralScanner.Hits] = []
    /// Per lowered value, its range in `loweredBytes`: what `contains` tests search.
    private var loweredRanges: [Range<Int>] = []
    private var loweredBytes: [UInt8] = []

    private struct Slot {
        var values: [String]?
        /// The slot's run in `screened`, once scanned (−1 before).
        var screenedStart = -1
        var screenedCount = 0
        /// The run's scans together: the literals any value has among the first 64, the
        /// longest value, whether any has non-ASCII bytes.
        var screenedUnion = RulePlan.ScreenedUnion()
        /// The slot's run in `loweredRanges`, once lowered (−1 before).
        var loweredStart = -1
        var loweredCount = 0
    }

    init(plan: RulePlan, currentSCL: Int?) {
        self.plan = plan
        self.currentSCL = currentSCL
        slots = Array(repeating: Slot(), count: plan.subjects.count)
    }

    /// Whether the rule's condition holds. The message is passed in rather than kept, so that
    /// starting an evaluation copies none of it.
    mutating func holds(rule: Int, _ facts: MessageFacts, _ message: Message) -> Bool {
        holds(node: plan.rules[rule].root, facts, message)
    }

    private mutating func holds(node index: Int, _ facts: MessageFacts, _ message: Message) -> Bool {
        let node = plan.nodes[index]
        switch node.kind {
        case .all, .any:
            // `all` is decided by the first operand that fails, `any` by the first that holds.
            let decisive = node.kind == .any
            var operand = index + 1
            while operand < node.end {
                if holds(node: operand, facts, message) == decisive { return decisive }
                operand = plan.nodes[operand].end
            }
            return !decisive
        case .not: return !holds(node: index + 1, facts, message)
        case .test:
            let planned = plan.tests[node.test]
            if let screen = planned.screen {
                // Decided here for most screened tests, with no call: the pattern's literals are
                // in none of the values, so each is excluded and the test false.
                let slot = planned.slot
                if slots[slot].screenedStart < 0 { scan(slot, facts, message) }
                if plan.excludesAll(screen, slots[slot].screenedUnion) { return planned.negated }
            }
            return evaluate(node.test, planned, facts, message) != planned.negated
        }
    }

    @inline(never)
    private mutating func evaluate(_ index: Int, _ planned: RulePlan.Test, _ facts: MessageFacts, _ message: Message) -> Bool {
        if let screen = planned.screen { return screenedMatch(index, planned, screen) }
        if let needle = planned.needle { return containsMatch(planned, needle, facts, message) }
        return unscreened(index, planned, facts, message)
    }

    /// Every test but a screened regex test and a `contains` test.
    private mutating func unscreened(_ index: Int, _ planned: RulePlan.Test, _ facts: MessageFacts, _ message: Message) -> Bool {
        if planned.isRegex { return quantify(values(planned.slot, facts, message), planned.quantifier) { match(index, $0) } }
        // The predicate alone: copying the whole test would retain its strings too.
        let predicate = plan.ruleTests[index].predicate
        if planned.isNumeric {
            let numbers = numbers(plan.subjects[planned.slot], facts, message)
            if case .exists = predicate { return !numbers.isEmpty }
            return quantify(numbers, planned.quantifier) { number in
                switch predicate {
                case .equalsNumber(let value): number == value
                case .compare(let op, let value):
                    switch op {
                    case .less: number < value
                    case .lessOrEqual: number <= value
                    case .greater: number > value
                    case .greaterOrEqual: number >= value
                    }
                default: false
                }
            }
        }
        switch predicate {
        case .exists: return !values(planned.slot, facts, message).isEmpty
        case .equals(let items):
            let subject = plan.subjects[planned.slot]
            return quantify(values(planned.slot, facts, message), planned.quantifier) { value in
                items.contains { Self.equal($0, value.lowercased(), subject: subject) }
            }
        case .inNetworks(let ranges):
            return quantify(values(planned.slot, facts, message), planned.quantifier) { value in
                IPAddress(value).map { address in ranges.contains { $0.contains(address) } } ?? false
            }
        default:
            return false
        }
    }

    /// A regex test with a screen, its slot scanned: values the screen excludes are no match
    /// without PCRE2.
    private mutating func screenedMatch(_ index: Int, _ planned: RulePlan.Test, _ screen: Int) -> Bool {
        let slot = planned.slot
        let start = slots[slot].screenedStart, count = slots[slot].screenedCount
        let screen = plan.screens[screen]
        let any = planned.quantifier == .any
        for value in start..<start + count {
            let holds = !plan.excludes(screen, screened[value], wideHits[screened[value].hitsIndex])
                && match(index, slots[slot].values![value - start])
            // `any` is decided by the first value that matches, `all` by the first that does not.
            if holds == any { return holds }
        }
        // Over no values, a test is false whatever its quantifier.
        return count > 0 && !any
    }

    /// Scans the slot's values for its screened literals, once per message.
    @inline(never)
    private mutating func scan(_ slot: Int, _ facts: MessageFacts, _ message: Message) {
        let scanner = plan.scanners[slot]!
        let texts = values(slot, facts, message)
        slots[slot].screenedStart = screened.count
        slots[slot].screenedCount = texts.count
        if screened.isEmpty { screened.reserveCapacity(16) }
        for text in texts {
            let hits = scanner.scan(text)
            var hitsIndex = -1
            if scanner.literalCount > 64 {
                hitsIndex = wideHits.count
                wideHits.append(hits)
            }
            let value = RulePlan.ScreenedValue(hits: hits, length: text.utf8.count, hitsIndex: hitsIndex)
            screened.append(value)
            slots[slot].screenedUnion.add(value)
        }
    }

    /// A `contains` test: a byte search of each lowered value for the lowered needle, or, when
    /// the needle is one of the slot's scanned literals and every value is ASCII, the scan's answer.
    private mutating func containsMatch(_ planned: RulePlan.Test, _ needle: Range<Int>, _ facts: MessageFacts, _ message: Message) -> Bool {
        let slot = planned.slot
        let any = planned.quantifier == .any
        if let literal = planned.needleLiteral {
            if slots[slot].screenedStart < 0 { scan(slot, facts, message) }
            if !slots[slot].screenedUnion.hasNonASCII {
                let start = slots[slot].screenedStart, count = slots[slot].screenedCount
                for value in start..<start + count {
                    let found = literal < 64
                        ? screened[value].first64 & 1 << UInt64(literal) != 0 : wideHits[screened[value].hitsIndex].contains(literal)
                    if found == any { return found }
                }
                return count > 0 && !any
            }
        }
        if slots[slot].loweredStart < 0 { lower(slot, facts, message) }
        let start = slots[slot].loweredStart, count = slots[slot].loweredCount
        for value in start..<start + count {
            let found = loweredBytes.withUnsafeBufferPointer { text in
                plan.needles.withUnsafeBufferPointer { needles in
                    Self.contains(UnsafeBufferPointer(rebasing: text[loweredRanges[value]]), UnsafeBufferPointer(rebasing: needles[needle]))
                }
            }
            if found == any { return found }
        }
        return count > 0 && !any
    }

    /// Lowers the slot's values into `loweredBytes`, once per message.
    private mutating func lower(_ slot: Int, _ facts: MessageFacts, _ message: Message) {
        let texts = values(slot, facts, message)
        slots[slot].loweredStart = loweredRanges.count
        slots[slot].loweredCount = texts.count
        for text in texts {
            let start = loweredBytes.count
            loweredBytes += text.lowercased().utf8
            loweredRanges.append(start..<loweredBytes.count)
        }
    }

    /// Runs test `index`'s regex.
    private mutating func match(_ index: Int, _ value: String) -> Bool {
        let regex = plan.regexes[index]!
        do { return try regex.regex.matches(value) } catch {
            limitHits.append(regex.written)
            return false
        }
    }

    private func quantify<T>(_ values: [T], _ quantifier: RuleTest.Quantifier, _ predicate: (T) -> Bool) -> Bool {
        guard !values.isEmpty else { return false }
        return quantifier == .all ? values.allSatisfy(predicate) : values.contains(where: predicate)
    }

    /// Substring search on UTF-8 bytes: `memchr` to each candidate first byte, `memcmp` for the
    /// rest; far faster than the generic collection search.
    static func contains(_ text: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = pattern.first else { return true }
        guard text.count >= pattern.count, let base = text.baseAddress, let patternBase = pattern.baseAddress else { return false }
        var offset = 0
        let last = text.count - pattern.count
        while offset <= last {
            guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
            let position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + position, patternBase, pattern.count) == 0 { return true }
            offset = position + 1
        }
        return false
    }

    /// `is`/`in` items: addresses compare whole, or by domain when the item is a domain entry
    /// (`contoso.example`, `*.contoso.example`); hosts compare as domain entries; the rest as text.
    static func equal(_ item: String, _ value: String, subject: RuleSubject) -> Bool {
        let hostLike: Bool = switch subject {
        case .fromDomain, .urlHost, .helo: true
        default: false
        }
        if subject.valueType == .address && !item.utf8.contains(UInt8(ascii: "@")) {
            guard let at = value.lastIndex(of: "@") else { return false }
            return domain(item, matches: String(value[value.index(after: at)...]))
        }
        if hostLike { return domain(item, matches: value) }
        return item == value
    }

    private static func domain(_ item: String, matches host: String) -> Bool {
        if case .success(let pattern) = DomainPattern.parse(item) { return pattern.matches(host) }
        return item == host
    }

    private mutating func values(_ slot: Int, _ facts: MessageFacts, _ message: Message) -> [String] {
        if let values = slots[slot].values { return values }
        let read = texts(plan.subjects[slot], facts, message)
        slots[slot].values = read
        return read
    }

    private func texts(_ subject: RuleSubject, _ facts: MessageFacts, _ message: Message) -> [String] {
        switch subject {
        case .subject: return [message.subject ?? ""]
        case .from: return facts.from.map { [$0.address.lowercased()] } ?? []
        case .fromDomain: return facts.from.map { [$0.domain] } ?? []
        case .sender: return facts.senderAddress(message).map { [$0] } ?? []
        case .to: return message.to.map { $0.address.lowercased() }
        case .cc: return message.cc.map { $0.address.lowercased() }
        case .recipient: return [facts.recipient.description]
        case .replyTo: return message.replyTo.map { $0.address.lowercased() }
        case .header(let name): return message.headers.all(name).map(\.value)
        case .body: return message.bodyTextContents
        case .url: return message.urls.map(\.url)
        case .urlHost: return message.urls.map(\.host)
        case .attachmentName: return message.attachments.compactMap(\.filename)
        case .attachmentType: return message.attachments.map(\.contentType) + message.attachments.compactMap { $0.detectedType?.rawValue }
        case .attachmentSHA256: return message.attachments.compactMap(\.sha256)
        case .spf: return [facts.authentication.summary.spf]
        case .dkim: return [facts.authentication.summary.dkim]
        case .dmarc: return [facts.authentication.summary.dmarc]
        case .compauth: return [facts.authentication.summary.compauth]
        case .clientIP: return facts.envelope.clientIP.map { [$0.value.description] } ?? []
        case .helo: return facts.envelope.helo.map { [$0.value.lowercased()] } ?? []
        default: return []
        }
    }

    private func numbers(_ subject: RuleSubject, _ facts: MessageFacts, _ message: Message) -> [Double] {
        switch subject {
        case .attachmentSize: return message.attachments.compactMap(\.size).map(Double.init)
        case .scl: return currentSCL.map { [Double($0)] } ?? []
        case .bcl: return facts.upstream.bcl.map { [Double($0)] } ?? []
        case .spamAssassinScore: return facts.upstream.spamAssassin?.status.score.map { [$0] } ?? []
        case .rspamdScore: return facts.upstream.rspamd?.result.score.map { [$0] } ?? []
        default: return []
        }
    }
}
