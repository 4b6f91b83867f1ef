import Foundation
import SluiceChecking
import SluiceMessage
import SluiceRegex

/// Evaluates custom rule conditions against a message, the executable meaning of the typed
/// tests in grammar/sluice.ebnf. A test over no values is false whatever its quantifier, so an
/// `all` never holds vacuously.
struct RuleConditionEvaluator {
    let facts: MessageFacts
    let plan: RulePlan
    /// The SCL as set so far (upstream, or an earlier rule).
    var currentSCL: Int?
    /// Regexes that hit PCRE2's match limit: counted as no match, reported in the trace.
    var limitHits: [String] = []
    /// Each subject's values (by the plan's slot), read from the message once however many
    /// tests look at them; likewise lower-cased, and scanned for the screens' literals.
    private var valueCache: [[String]?]
    private var loweredCache: [[String]?]
    private var hitsCache: [[LiteralScanner.Hits]?]

    init(facts: MessageFacts, plan: RulePlan, currentSCL: Int?) {
        self.facts = facts
        self.plan = plan
        self.currentSCL = currentSCL
        valueCache = Array(repeating: nil, count: plan.subjects.count)
        loweredCache = valueCache
        hitsCache = Array(repeating: nil, count: plan.subjects.count)
    }

    mutating func holds(_ condition: RulePlan.Condition) -> Bool {
        switch condition {
        case .all(let parts): return parts.allSatisfy { holds($0) }
        case .any(let parts): return parts.contains { holds($0) }
        case .not(let inner): return !holds(inner)
        case .test(let test):
            let result = evaluate(test)
            return test.negated ? !result : result
        }
    }

    private mutating func evaluate(_ planned: RulePlan.Test) -> Bool {
        if !planned.isNumeric, let screen = planned.screen {
            switch planned.test.predicate {
            case .matches(let regex), .like(let regex): return screenedMatch(regex, cachedTexts(planned.slot), screen, planned)
            default: break
            }
        }
        let test = planned.test
        if planned.isNumeric {
            let numbers = numbers(test.subject)
            if case .exists = test.predicate { return !numbers.isEmpty }
            return quantify(numbers, test.quantifier) { number in
                switch test.predicate {
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
        let values = cachedTexts(planned.slot)
        switch test.predicate {
        case .exists: return !values.isEmpty
        case .matches(let regex), .like(let regex):
            return quantify(values, test.quantifier) { match(regex, $0) }
        case .contains(let needle):
            return quantify(loweredTexts(planned.slot), test.quantifier) { Self.contains($0, needle) }
        case .equals(let items):
            return quantify(values, test.quantifier) { value in items.contains { Self.equal($0, value.lowercased(), subject: test.subject) } }
        case .inNetworks(let ranges):
            return quantify(values, test.quantifier) { value in IPAddress(value).map { address in ranges.contains { $0.contains(address) } } ?? false }
        default:
            return false
        }
    }

    /// A regex test with a screen: values the screen excludes are no match without PCRE2.
    private mutating func screenedMatch(_ regex: PolicyRegex, _ values: [String], _ screen: RulePlan.Screen, _ planned: RulePlan.Test) -> Bool {
        guard !values.isEmpty else { return false }
        let hits = literalHits(planned.slot)
        for index in values.indices {
            let holds = !screen.excludes(hits[index], length: values[index].utf8.count) && match(regex, values[index])
            // `any` is decided by the first value that matches, `all` by the first that does not.
            if holds == (planned.quantifier == .any) { return holds }
        }
        return planned.quantifier == .all
    }

    private mutating func match(_ regex: PolicyRegex, _ value: String) -> Bool {
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
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        var haystack = haystack, needle = needle
        return haystack.withUTF8 { text in
            needle.withUTF8 { pattern in
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
        }
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

    private mutating func cachedTexts(_ slot: Int) -> [String] {
        if let cached = valueCache[slot] { return cached }
        let values = texts(plan.subjects[slot])
        valueCache[slot] = values
        return values
    }

    private mutating func loweredTexts(_ slot: Int) -> [String] {
        if let cached = loweredCache[slot] { return cached }
        let values = cachedTexts(slot).map { $0.lowercased() }
        loweredCache[slot] = values
        return values
    }

    /// Per value, which of the subject's screened literals occur in it.
    private mutating func literalHits(_ slot: Int) -> [LiteralScanner.Hits] {
        if let cached = hitsCache[slot] { return cached }
        let scanner = plan.scanners[slot]!
        let hits = cachedTexts(slot).map { scanner.scan($0) }
        hitsCache[slot] = hits
        return hits
    }

    private func texts(_ subject: RuleSubject) -> [String] {
        let message = facts.message
        let summary = facts.authentication.summary
        switch subject {
        case .subject: return [message.subject ?? ""]
        case .from: return facts.from.map { [$0.address.lowercased()] } ?? []
        case .fromDomain: return facts.from.map { [$0.domain] } ?? []
        case .sender: return facts.senderAddress.map { [$0] } ?? []
        case .to: return message.to.map { $0.address.lowercased() }
        case .cc: return message.cc.map { $0.address.lowercased() }
        case .recipient: return [facts.recipient.description]
        case .replyTo: return message.replyTo.map { $0.address.lowercased() }
        case .header(let name): return message.headers.all(name).map(\.value)
        case .body: return message.bodyTexts.map(\.text)
        case .url: return message.urls.map(\.url)
        case .urlHost: return message.urls.map(\.host)
        case .attachmentName: return message.attachments.compactMap(\.filename)
        case .attachmentType: return message.attachments.map(\.contentType) + message.attachments.compactMap { $0.detectedType?.rawValue }
        case .attachmentSHA256: return message.attachments.compactMap(\.sha256)
        case .spf: return [summary.spf]
        case .dkim: return [summary.dkim]
        case .dmarc: return [summary.dmarc]
        case .compauth: return [summary.compauth]
        case .clientIP: return facts.envelope.clientIP.map { [$0.value.description] } ?? []
        case .helo: return facts.envelope.helo.map { [$0.value.lowercased()] } ?? []
        default: return []
        }
    }

    private func numbers(_ subject: RuleSubject) -> [Double] {
        switch subject {
        case .attachmentSize: return facts.message.attachments.compactMap(\.size).map(Double.init)
        case .scl: return currentSCL.map { [Double($0)] } ?? []
        case .bcl: return facts.upstream.bcl.map { [Double($0)] } ?? []
        case .spamAssassinScore: return facts.upstream.spamAssassin?.status.score.map { [$0] } ?? []
        case .rspamdScore: return facts.upstream.rspamd?.result.score.map { [$0] } ?? []
        default: return []
        }
    }
}
