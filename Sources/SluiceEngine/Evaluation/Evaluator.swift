import SluiceChecking
import SluiceDiagnostics
import SluiceMessage

/// Decides messages under a checked policy, stage by stage, in the order of the reference
/// (§0, §2): connection → authentication → detection → the processing order picks the verdict
/// → policy selection → overrides → action → quarantine.
///
/// `reference(_:)` is the executable specification: it tries every entry of the policy in
/// turn. `compiled(_:)` finds candidate entries in indexes (`IndexedLookup`) and must give the
/// same decision on every message; the differential tests hold it to that.
public struct Evaluator: Sendable {
    /// What the evaluator prepares once per policy, behind one reference, so that an evaluation
    /// holding it costs one retain rather than one per field.
    final class Prepared: Sendable {
        let policy: CheckedPolicy
        let policyHash: String
        let suffixes: PublicSuffixList
        let lookup: any EntryLookup
        /// The policy's trusted authserv-ids, gathered once rather than per message.
        let trustedAuthservIDs: Set<String>
        /// The hosts trusted for each upstream verdict header, gathered once.
        let upstreamHosts: [UpstreamHeader: Set<String>]
        /// Each anti-malware policy's common attachment file types (in `policy.antiMalware` order),
        /// made a set once rather than per message.
        let fileTypes: [Set<String>]
        /// Each policy type's headers, in policy order, for policy selection to read in place.
        let antiSpamHeaders: [PolicyHeader]
        let antiPhishingHeaders: [PolicyHeader]
        let antiMalwareHeaders: [PolicyHeader]
        /// Each policy file's absolute path, for entries' usage keys.
        let absoluteFiles: [String: String]
        let rulePlan: RulePlan
        /// `Decision.appliedPolicies` for each choice of anti-spam × anti-phishing × anti-malware
        /// policy, made once when the choices are few (64 at most) so that decisions share them;
        /// `appliedPolicies(antiSpam:antiPhishing:antiMalware:)` makes the others when asked.
        private let appliedPoliciesByChoice: [[String: String]]
        /// The policies of each such choice behind one reference, made with the table above:
        /// the stages read them in place rather than copy every setting per message.
        private let policiesByChoice: [SelectedPolicies]
        /// Per quarantine policy name.
        let quarantineTerms: [String: QuarantineTerms]
        let readFeatures: ReadFeatures

        init(policy: CheckedPolicy, lookup: any EntryLookup, suffixes: PublicSuffixList, screensRules: Bool) {
            self.policy = policy
            self.lookup = lookup
            self.suffixes = suffixes
            policyHash = PolicyHash.of(policy)
            trustedAuthservIDs = Set(policy.organization.trustedAuthservIDs.map(\.value))
            upstreamHosts = Dictionary(policy.upstream.map { ($0.header, Set($0.hosts)) }, uniquingKeysWith: { $0.union($1) })
            fileTypes = policy.antiMalware.map { Set($0.fileTypes.value) }
            antiSpamHeaders = policy.antiSpam.map(\.header)
            antiPhishingHeaders = policy.antiPhishing.map(\.header)
            antiMalwareHeaders = policy.antiMalware.map(\.header)
            absoluteFiles = Dictionary(uniqueKeysWithValues: policy.sources.keys.map { ($0, ListEntry.absolutePath($0)) })
            rulePlan = RulePlan(policy.rules, screened: screensRules)
            let choices = policy.antiSpam.count * policy.antiPhishing.count * policy.antiMalware.count
            appliedPoliciesByChoice = choices > 64 ? [] : policy.antiSpam.flatMap { antiSpam in
                policy.antiPhishing.flatMap { antiPhishing in
                    policy.antiMalware.map { Prepared.makeAppliedPolicies(antiSpam.header, antiPhishing.header, $0.header) }
                }
            }
            policiesByChoice = choices > 64 ? [] : policy.antiSpam.flatMap { antiSpam in
                policy.antiPhishing.flatMap { antiPhishing in
                    policy.antiMalware.map { SelectedPolicies(antiSpam: antiSpam, antiPhishing: antiPhishing, antiMalware: $0) }
                }
            }
            let cadence = policy.notifications.cadence.value
            quarantineTerms = Dictionary(uniqueKeysWithValues: policy.quarantinePolicies.map { name, quarantine in
                (name, QuarantineTerms(name: name, policy: quarantine, cadence: cadence))
            })
            let readsURLs = policy.entries.contains { if case .url = $0.target { true } else { false } }
                || policy.rules.contains { $0.condition.tests.contains { $0.subject == .url || $0.subject == .urlHost } }
            readFeatures = readsURLs ? .urls : .decodedContent
        }

        /// The policy of each type that applies, by its index in `policy.antiSpam`, … (see `Decision.appliedPolicies`).
        func appliedPolicies(antiSpam: Int, antiPhishing: Int, antiMalware: Int) -> [String: String] {
            let index = (antiSpam * policy.antiPhishing.count + antiPhishing) * policy.antiMalware.count + antiMalware
            guard index < appliedPoliciesByChoice.count else {
                return Self.makeAppliedPolicies(policy.antiSpam[antiSpam].header, policy.antiPhishing[antiPhishing].header, policy.antiMalware[antiMalware].header)
            }
            return appliedPoliciesByChoice[index]
        }

        /// The policies of a choice (indexes as for `appliedPolicies`).
        func policies(antiSpam: Int, antiPhishing: Int, antiMalware: Int) -> SelectedPolicies {
            let index = (antiSpam * policy.antiPhishing.count + antiPhishing) * policy.antiMalware.count + antiMalware
            guard index < policiesByChoice.count else {
                return SelectedPolicies(antiSpam: policy.antiSpam[antiSpam], antiPhishing: policy.antiPhishing[antiPhishing], antiMalware: policy.antiMalware[antiMalware])
            }
            return policiesByChoice[index]
        }

        private static func makeAppliedPolicies(_ antiSpam: PolicyHeader, _ antiPhishing: PolicyHeader, _ antiMalware: PolicyHeader) -> [String: String] {
            ["anti-spam": antiSpam.name ?? "default", "anti-phishing": antiPhishing.name ?? "default", "anti-malware": antiMalware.name ?? "default"]
        }
    }

    let prepared: Prepared
    public var policy: CheckedPolicy { prepared.policy }
    public var policyHash: String { prepared.policyHash }
    /// The day each entry was last used (by `ListEntry.usageKey`), as a quarantine store
    /// recorded it. With it, `N days after last use` entries expire N days after that day (or
    /// after their `created` date when never used); without it they never expire.
    public var lastUse: [String: CalendarDate]? = nil
    /// How deep to read messages for this policy (brief §7: a message is read only as deep as
    /// the policy looks). Always the decoded content (the anti-malware filter, file entries and
    /// body rules look at it), never the SHA-256 of parts that are not attachments (nothing
    /// looks at it), and URLs only when a URL entry or a rule on `url`/`url.host` exists.
    /// Decisions on messages read with these features equal those on messages read fully.
    public var readFeatures: ReadFeatures { prepared.readFeatures }

    /// `screensRules` lets a literal prefilter skip regex matches that cannot succeed
    /// (`RulePlan`); the decisions are the same either way.
    public init(policy: CheckedPolicy, lookup: any EntryLookup, suffixes: PublicSuffixList = .shipped, screensRules: Bool = false) {
        prepared = Prepared(policy: policy, lookup: lookup, suffixes: suffixes, screensRules: screensRules)
    }

    /// The reference evaluator: a linear walk over the policy's entries, every rule regex run.
    public static func reference(_ policy: CheckedPolicy) -> Evaluator {
        Evaluator(policy: policy, lookup: LinearLookup(policy: policy))
    }

    /// The compiled evaluator: entries found through indexes, rule regexes screened.
    public static func compiled(_ policy: CheckedPolicy) -> Evaluator {
        Evaluator(policy: policy, lookup: IndexedLookup(policy: policy), screensRules: true)
    }

    /// Decides what happens to `message` for `recipient` on `date` (entries expire by it).
    /// `trustedAuthservIDs` adds to the policy's trusted authserv-ids.
    public func evaluate(_ message: Message, envelope: Envelope, recipient: String, on date: CalendarDate,
                         trustedAuthservIDs: Set<String> = []) -> Decision {
        var run = Evaluation(evaluator: prepared, lastUse: lastUse, message: message, envelope: envelope, recipient: recipient, date: date,
                             trustedAuthservIDs: trustedAuthservIDs)
        return run.decide(message)
    }
}

/// The policy of each type that applies to a message, behind one reference.
final class SelectedPolicies: Sendable {
    let antiSpam: AntiSpamPolicy
    let antiPhishing: AntiPhishingPolicy
    let antiMalware: AntiMalwarePolicy

    init(antiSpam: AntiSpamPolicy, antiPhishing: AntiPhishingPolicy, antiMalware: AntiMalwarePolicy) {
        (self.antiSpam, self.antiPhishing, self.antiMalware) = (antiSpam, antiPhishing, antiMalware)
    }
}

/// One evaluation's working state; each stage appends to its trace stage.
struct Evaluation {
    let evaluator: Evaluator.Prepared
    let lastUse: [String: CalendarDate]?
    /// The entries the lookup says may concern this message, in policy order.
    let candidates: [ListEntry]
    var policy: CheckedPolicy { evaluator.policy }
    let date: CalendarDate
    var facts: MessageFacts
    var detections: [Detection] = []
    var refreshed: [EntryReference] = []
    var used: [EntryReference] = []
    var modifications: [String] = []
    var trace: [TraceStage] = []

    // Connection stage results.
    var ipBlock: ListedAddress? = nil
    var ipAllow: ListedAddress? = nil
    // Rule stage results.
    var ruleSCL: (scl: Int, rule: String, span: SourceSpan)? = nil
    var ruleAction: (action: RuleAction, rule: String, span: SourceSpan)? = nil

    init(evaluator: Evaluator.Prepared, lastUse: [String: CalendarDate]?, message: borrowing Message, envelope: Envelope, recipient: String, date: CalendarDate,
         trustedAuthservIDs: Set<String>) {
        self.evaluator = evaluator
        self.lastUse = lastUse
        self.date = date
        let recipientAddress = (try? EmailAddress.parse(recipient).get()) ?? EmailAddress(localPart: recipient.lowercased(), domain: "")
        // A parsed address's description is its (ASCII) text lower-cased: text without a capital
        // is shared rather than joined again.
        let recipientText = recipientAddress.domain.isEmpty ? recipientAddress.description : recipient.lowercasedSharingStorage()
        var authenticationStage = TraceStage(name: "authentication")
        let trusted = trustedAuthservIDs.isEmpty ? evaluator.trustedAuthservIDs : evaluator.trustedAuthservIDs.union(trustedAuthservIDs.map { $0.lowercased() })
        let authentication = CompositeAuthentication.evaluate(
            message: message, envelope: envelope, trustedIDs: trusted,
            organization: evaluator.policy.organization, suffixes: evaluator.suffixes,
            trace: &authenticationStage)
        // Room for every stage, so that none is appended or inserted by copying the others.
        trace.reserveCapacity(8)
        var upstreamStage = TraceStage(name: "upstream")
        let upstream = TrustedUpstream(message: message, trustedHosts: evaluator.upstreamHosts, trace: &upstreamStage)
        facts = MessageFacts(envelope: envelope, recipient: recipientAddress, recipientText: recipientText, from: message.author,
                             authentication: authentication, upstream: upstream)
        candidates = evaluator.lookup.candidates(
            from: message.author, urls: message.urls, hashes: message.attachments.compactMap(\.sha256),
            clientIP: envelope.clientIP?.value
        ).map { evaluator.policy.entries[$0] }
        trace.append(authenticationStage)
        if !upstreamStage.steps.isEmpty { trace.append(upstreamStage) }
    }

    mutating func decide(_ message: Message) -> Decision {
        var selection = TraceStage(name: "policy selection")
        // One step per policy type: room made once rather than grown.
        selection.reserveCapacity(3)
        let groups = evaluator.policy.groups
        let antiSpam = PolicySelection.selectIndex(evaluator.antiSpamHeaders, recipient: facts.recipient, recipientText: facts.recipientText, groups: groups,
                                                   trace: &selection, type: "anti-spam")
        let antiPhishing = PolicySelection.selectIndex(evaluator.antiPhishingHeaders, recipient: facts.recipient, recipientText: facts.recipientText,
                                                       groups: groups, trace: &selection, type: "anti-phishing")
        let antiMalware = PolicySelection.selectIndex(evaluator.antiMalwareHeaders, recipient: facts.recipient, recipientText: facts.recipientText,
                                                      groups: groups, trace: &selection, type: "anti-malware")
        trace.insert(selection, at: 0)
        connectionStage()
        let selected = evaluator.policies(antiSpam: antiSpam, antiPhishing: antiPhishing, antiMalware: antiMalware)
        detectionStage(antiSpam: selected.antiSpam, antiPhishing: selected.antiPhishing, antiMalware: selected.antiMalware, fileTypes: evaluator.fileTypes[antiMalware], message)
        return resolve(message, antiSpam: selected.antiSpam, antiPhishing: selected.antiPhishing, antiMalware: selected.antiMalware,
                       applied: evaluator.appliedPolicies(antiSpam: antiSpam, antiPhishing: antiPhishing, antiMalware: antiMalware))
    }

    // MARK: - Entries

    /// Whether an entry applies on the evaluation date; expired entries are traced as declined.
    func isActive(_ entry: ListEntry) -> Bool {
        guard let last = lastDay(of: entry) else { return true }
        return date <= last
    }

    /// The entry's fixed last day, or for `N days after last use` the day N days after the
    /// recorded last use, when usage is known.
    func lastDay(of entry: ListEntry) -> CalendarDate? {
        guard let lastUse else { return entry.lastDay }
        return entry.lastDay(lastUsed: lastUse[entryReference(entry).usageKey])
    }

    /// The entry as a decision names it, its file made absolute once per policy, not per match.
    func entryReference(_ entry: ListEntry) -> EntryReference {
        EntryReference(entry, absoluteFile: evaluator.absoluteFiles[entry.span.file] ?? ListEntry.absolutePath(entry.span.file))
    }

    mutating func noteMatch(_ entry: ListEntry, stage: inout TraceStage, what: String) -> Bool {
        guard isActive(entry) else {
            stage.steps.append(TraceStep(what, .declined, "`\(entry.summary)` matches but expired on \(lastDay(of: entry)!)",
                                         span: entry.span))
            return false
        }
        let reference = entryReference(entry)
        if !used.contains(reference) { used.append(reference) }
        refresh(entry, as: reference)
        return true
    }

    /// Notes an allow that lives `N days after last use`: this hit keeps it alive. `reference`:
    /// the entry's, when the caller has made it already.
    mutating func refresh(_ entry: ListEntry, as reference: EntryReference? = nil) {
        guard entry.action == .allow, case .afterLastUse = entry.expiry else { return }
        let reference = reference ?? entryReference(entry)
        if !refreshed.contains(reference) { refreshed.append(reference) }
    }

    // MARK: - Connection

    mutating func connectionStage() {
        var stage = TraceStage(name: "connection")
        // Room for the client IP and the list steps most messages get, made once rather than grown.
        stage.reserveCapacity(3)
        guard let clientIP = facts.envelope.clientIP?.value else {
            stage.steps.append(TraceStep("client IP", .note, "unknown: no IP filtering (give --client-ip, or trust a Received host)"))
            trace.append(stage)
            return
        }
        let source = facts.envelope.clientIP!.source
        stage.steps.append(TraceStep("client IP", .note) { "\(clientIP) (from \(source))" })
        if clientIP.family == .ipv4 {
            let (allow, block) = evaluator.lookup.connectionFilter(clientIP)
            if let hit = allow {
                let range = hit.value
                ipAllow = ListedAddress(range: range, list: .allowList, span: hit.span)
                stage.steps.append(TraceStep("IP Allow List", .matched, span: hit.span) { "`\(clientIP)` is in `\(range)`" })
            }
            if let hit = block {
                let range = hit.value
                ipBlock = ListedAddress(range: range, list: .blockList, span: hit.span)
                stage.steps.append(TraceStep("IP Block List", .matched, span: hit.span) { "`\(clientIP)` is in `\(range)`" })
            }
        } else {
            for entry in candidates {
                guard case .ip(let range) = entry.target, range.contains(clientIP), noteMatch(entry, stage: &stage, what: "tenant IP entry") else { continue }
                let listed = ListedAddress(range: range, list: .tenantEntry(entry.action), span: entry.span)
                if entry.action == .allow { ipAllow = ipAllow ?? listed } else { ipBlock = ipBlock ?? listed }
                let action = entry.action
                stage.steps.append(TraceStep("tenant IP entry", .matched, span: entry.span) { "`\(clientIP)` is in `\(range)` (\(action.rawValue))" })
            }
        }
        if ipAllow == nil && ipBlock == nil { stage.steps.append(TraceStep("IP lists", .clear) { "`\(clientIP)` is on no IP list" }) }
        trace.append(stage)
    }
}

/// A client IP range that matched in the connection stage: its description is made only when an
/// override step or the decision names it.
struct ListedAddress: Sendable {
    enum List: Sendable {
        case allowList
        case blockList
        case tenantEntry(ListEntry.Action)
    }

    let range: IPRange
    let list: List
    let span: SourceSpan?

    var description: String {
        switch list {
        case .allowList: "IP Allow List `\(range)`"
        case .blockList: "IP Block List `\(range)`"
        case .tenantEntry(let action): "tenant \(action.rawValue) entry `ip \(range)`"
        }
    }
}
