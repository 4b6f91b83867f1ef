import SluiceChecking
import SluiceDiagnostics
import SluiceMessage

/// Overrides, action and quarantine: the override grid (§2.4), user versus organization
/// (§2.5) and secure by default (§2.3), then the applicable policy's action for the verdict.
///
/// Precedence, first that applies wins: advanced delivery → IP Block List (an IP Allow List
/// entry for the same address wins, §2.5) → tenant blocks (organization wins over user lists)
/// → secure by default (malware and high confidence phish pass only submission allows, or any
/// allow when the MX is elsewhere) → user safe senders → user blocked senders and safe lists
/// only → organization allows (SCL −1 rules, IP Allow List, anti-spam allowed lists, tenant
/// allows) → rule block actions → the filter's verdict and the policy's action for it.
extension Evaluation {
    struct Outcome {
        enum Disposition {
            case deliver
            case junk
            case drop
            case verdictAction
            case rule(RuleAction)
        }

        var disposition: Disposition
        var source: DecidingSource
        var sfv: String
        var bypassed = false
    }

    /// `applied`: the decision's `appliedPolicies`.
    mutating func resolve(_ message: Message, antiSpam: AntiSpamPolicy, antiPhishing: AntiPhishingPolicy, antiMalware: AntiMalwarePolicy, applied: [String: String]) -> Decision {
        var stage = TraceStage(name: "overrides")
        // Chosen by index, so that only the winner is copied.
        let found = detections
        var winnerIndex = found.indices.min { (found[$0].verdict, found[$0].isTenantBlock ? 0 : 1) < (found[$1].verdict, found[$1].isTenantBlock ? 0 : 1) }
        // A tenant block decides for the organization over any verdict that is not secure by
        // default (§2.4 rows "TABL block"): a spoof block gives the spoof action even where
        // the processing order would pick phish.
        if let first = winnerIndex, !found[first].verdict.isSecureByDefault, !found[first].isTenantBlock,
            let block = found.indices.lazy.filter({ found[$0].isTenantBlock }).min(by: { found[$0].verdict < found[$1].verdict })
        {
            winnerIndex = block
        }
        let winner = winnerIndex.map { found[$0] }
        let verdict = winner?.verdict
        if found.contains(where: { if case .tenantBlock(.spoof) = $0.origin { true } else { false } }) {
            facts.authentication.summary.compauth = "fail"
            facts.authentication.summary.reason = "002"
        }
        if let winner {
            var others: [ThreatVerdict] = []
            for index in found.indices where found[index].verdict != winner.verdict && !others.contains(found[index].verdict) {
                others.append(found[index].verdict)
            }
            let (first, later) = (winner.verdict, others)
            // Made with its one step, rather than grown to it.
            trace.append(TraceStage(name: "verdict", steps: [TraceStep("processing order", .matched, span: winner.span) {
                "\(first.displayName) (\(first.category))"
                    + (later.isEmpty ? "" : " comes before " + later.map(\.displayName).sorted().joined(separator: ", ") + " (§2.1)")
            }]))
        }
        let outcome = overrides(message, verdict: verdict, winner: winner, antiSpam: antiSpam, stage: &stage)
        trace.append(stage)
        return decision(outcome, verdict: verdict, winner: winner, antiSpam: antiSpam, antiPhishing: antiPhishing, antiMalware: antiMalware, applied: applied)
    }

    /// `SKB` for anti-spam blocked senders, `SKS` for a rule's spam request, `SPM`/`NSPM`
    /// from the content filter (§6.3).
    static func filterSFV(verdict: ThreatVerdict?, winner: Detection?) -> String {
        guard let winner else { return "NSPM" }
        switch winner.origin {
        case .antiSpamBlock: return "SKB"
        case .rule: return "SKS"
        default: return verdict == nil ? "NSPM" : "SPM"
        }
    }

    private func filterSource(_ winner: Detection?) -> DecidingSource {
        guard let winner else { return DecidingSource(kind: .filter, description: "no filter found a threat") }
        switch winner.origin {
        case .upstream(let header, let host):
            return DecidingSource(kind: .upstream, description: winner.description, span: nil, header: "\(header) from \(host)")
        case .tenantBlock, .antiSpamBlock, .rule:
            return DecidingSource(kind: .organizationOverride, description: winner.description, span: winner.span)
        case .filter:
            return DecidingSource(kind: .filter, description: winner.description, span: winner.span)
        }
    }

    private mutating func overrides(_ message: Message, verdict: ThreatVerdict?, winner: Detection?, antiSpam: AntiSpamPolicy, stage: inout TraceStage) -> Outcome {
        var outcome = override(message, verdict: verdict, winner: winner, antiSpam: antiSpam, stage: &stage)
        // An allow that had nothing to override skips filtering (SCL −1) but decides nothing.
        if verdict == nil, ruleAction == nil, case .deliver = outcome.disposition, outcome.source.kind != .advancedDelivery {
            outcome.source = filterSource(nil)
        }
        return outcome
    }

    private mutating func override(_ message: Message, verdict: ThreatVerdict?, winner: Detection?, antiSpam: AntiSpamPolicy, stage: inout TraceStage) -> Outcome {
        let filter = Outcome(disposition: verdict == nil ? .deliver : .verdictAction, source: filterSource(winner),
                             sfv: Self.filterSFV(verdict: verdict, winner: winner))
        let name = verdict?.displayName ?? "no threat"
        let secure = verdict?.isSecureByDefault ?? false
        let mxElsewhere = policy.organization.mxElsewhere.value

        // Advanced delivery: SecOps mailboxes and third-party phishing simulations (§2.3, §2.4).
        if let mailbox = policy.advancedDelivery.secOpsMailboxes.first(where: { $0.value == facts.recipient }) {
            stage.steps.append(TraceStep("advanced delivery", .matched, "`\(facts.recipientText)` is a SecOps mailbox: delivered untouched", span: mailbox.span))
            return Outcome(disposition: .deliver, source: DecidingSource(kind: .advancedDelivery, description: "SecOps mailbox `\(mailbox.value)`", span: mailbox.span),
                           sfv: "SKN", bypassed: true)
        }
        if let simulation = phishingSimulation(message) {
            stage.steps.append(TraceStep("advanced delivery", .matched, simulation.description + ": delivered untouched", span: simulation.span))
            return Outcome(disposition: .deliver, source: DecidingSource(kind: .advancedDelivery, description: simulation.description, span: simulation.span),
                           sfv: "SKN", bypassed: true)
        }

        // IP Block List: dropped, unless the filter's verdict is secure by default.
        if let block = ipBlock {
            if let allow = ipAllow {
                stage.steps.append(TraceStep("IP Block List", .declined, span: block.span) { "\(block.description) is also on \(allow.description); allow wins (§2.5)" })
            } else if secure {
                stage.steps.append(TraceStep("IP Block List", .declined, span: block.span) { "\(block.description) matches, but \(name) is quarantined by the filter" })
                return filter
            } else {
                let description = block.description
                stage.steps.append(TraceStep("IP Block List", .matched, description + ": silently dropped", span: block.span))
                return Outcome(disposition: .drop, source: DecidingSource(kind: .organizationOverride, description: description, span: block.span), sfv: "BLK")
            }
        }

        // Tenant blocks decide for the organization; user lists cannot override them (§2.5).
        if let winner, winner.isTenantBlock {
            if verdict == .malware, case .tenantBlock(let target) = winner.origin, target.kind != "file" {
                return filter
            }
            // The filter's source holds the block's description, made once: made again here it
            // would cost as much (a URL entry's and its link's text).
            let description = filter.source.description
            stage.steps.append(TraceStep("tenant block", .matched, span: winner.span) { description + " decides: user lists and allows cannot override it" })
            return filter
        }

        let from = facts.from
        let userLists = policy.userLists[facts.recipient]
        let safeSender = from.flatMap { from in userLists?.safeSenders.first { $0.value.matches(from) } }
        let blockedSender = from.flatMap { from in userLists?.blockedSenders.first { $0.value.matches(from) } }

        // Secure by default (§2.3): only submission allows, or any allow with the MX elsewhere.
        if verdict == .malware || (verdict == .highConfidencePhish && !mxElsewhere) {
            if let allow = submissionAllow(for: verdict!, message) {
                stage.steps.append(TraceStep("tenant allow", .matched,
                                             "`\(allow.target.kind) \(allow.target.key)` was created from a reviewed submission and may override \(name)", span: allow.span))
                return Outcome(disposition: .deliver, source: DecidingSource(kind: .organizationOverride, description: "tenant allow entry `\(allow.target.kind) \(allow.target.key)` (from submission)", span: allow.span),
                               sfv: "SKA", bypassed: true)
            }
            declineSecureOverrides(message, name: name, safeSender: safeSender, stage: &stage)
            return filter
        }

        // User safe senders (§2.4 row 1, §8): Inbox for everything but malware and high
        // confidence phish; a domain entry is ignored when the verdict's action is quarantine.
        if let safeSender {
            if case .domain = safeSender.value, let verdict, case .quarantine? = actionFor(verdict, antiSpam: antiSpam) {
                stage.steps.append(TraceStep("user safe senders", .declined,
                                             "`\(safeSender.value)` is a domain entry in \(facts.recipientText)'s safe senders, and domain entries are ignored when the action is quarantine (§8)",
                                             span: safeSender.span))
            } else {
                stage.steps.append(TraceStep("user safe senders", .matched, "`\(safeSender.value)` is in \(facts.recipientText)'s safe senders", span: safeSender.span))
                return Outcome(disposition: .deliver, source: DecidingSource(kind: .userOverride, description: "\(facts.recipientText)'s safe senders: `\(safeSender.value)`", span: safeSender.span),
                               sfv: "SFE", bypassed: true)
            }
        }
        if let blockedSender {
            let organizationVerdict = verdict == .spoofDMARCReject || verdict == .spoofDMARCQuarantine
                || winner.map { if case .antiSpamBlock = $0.origin { true } else if case .rule = $0.origin { true } else { false } } == true
            if verdict == nil || verdict == .bulk || organizationVerdict {
                stage.steps.append(TraceStep("user blocked senders", .matched, "`\(blockedSender.value)` is in \(facts.recipientText)'s blocked senders: Junk", span: blockedSender.span))
                return Outcome(disposition: .junk, source: DecidingSource(kind: .userOverride, description: "\(facts.recipientText)'s blocked senders: `\(blockedSender.value)`", span: blockedSender.span), sfv: "BLK")
            }
            stage.steps.append(TraceStep("user blocked senders", .declined, "`\(blockedSender.value)` is blocked by \(facts.recipientText), but the \(name) action applies (§2.4)", span: blockedSender.span))
            return filter
        }
        if let lists = userLists, lists.safeListsOnly.value, verdict == nil || verdict == .bulk {
            stage.steps.append(TraceStep("safe lists only", .matched, "\(facts.recipientText) accepts only safe senders: Junk", span: lists.safeListsOnly.span))
            return Outcome(disposition: .junk, source: DecidingSource(kind: .userOverride, description: "\(facts.recipientText) accepts mail from safe senders only", span: lists.safeListsOnly.span), sfv: "BLK")
        }

        // Organization allows.
        if let rule = ruleSCL, rule.scl == -1 {
            stage.steps.append(TraceStep("rule SCL -1", .matched, "rule \"\(rule.rule)\" bypasses filtering", span: rule.span))
            return Outcome(disposition: .deliver, source: DecidingSource(kind: .organizationOverride, description: "rule \"\(rule.rule)\" sets SCL -1", span: rule.span),
                           sfv: "SKN", bypassed: true)
        }
        if let allow = ipAllow {
            if verdict == .spoofDMARCReject || verdict == .spoofDMARCQuarantine {
                stage.steps.append(TraceStep("IP Allow List", .declined, span: allow.span) { "\(allow.description) matches, but the IP Allow List does not override DMARC failures" })
            } else {
                let description = allow.description
                stage.steps.append(TraceStep("IP Allow List", .matched, description + ": filtering skipped", span: allow.span))
                return Outcome(disposition: .deliver, source: DecidingSource(kind: .organizationOverride, description: description, span: allow.span),
                               sfv: "SKI", bypassed: true)
            }
        }
        if let from, let hit = antiSpamAllow(antiSpam, from) {
            if policy.organization.accepts(from.domain) && !facts.authentication.passed {
                stage.steps.append(TraceStep("anti-spam allowed senders", .declined,
                                             "`\(hit.key)` is allowed, but `\(from.domain)` is an accepted domain and the message fails authentication (§3.2)", span: hit.span))
            } else {
                stage.steps.append(TraceStep("anti-spam allowed senders", .matched, "`\(hit.key)` is allowed by anti-spam policy \(antiSpam.header.displayName)", span: hit.span))
                return Outcome(disposition: .deliver, source: DecidingSource(kind: .organizationOverride, description: "anti-spam policy \(antiSpam.header.displayName) allows `\(hit.key)`", span: hit.span),
                               sfv: "SKA", bypassed: true)
            }
        }
        // Tenant allows: sender and domain entries (message level) and URL entries (entity
        // level, created directly: up to regular confidence phish, §1.3).
        if let allow = tenantAllow(message, stage: &stage) {
            let entry = "`\(allow.target.kind) \(allow.target.key)`"
            if verdict?.isSpoof == true {
                stage.steps.append(TraceStep("tenant allow", .declined, "\(entry) matches, but tenant allows do not cover spoofing; an `allow spoof` entry does",
                                             span: allow.span))
            } else {
                stage.steps.append(TraceStep("tenant allow", .matched, "\(entry): the filters keyed on it are skipped", span: allow.span))
                return Outcome(disposition: .deliver, source: DecidingSource(kind: .organizationOverride, description: "tenant allow entry \(entry)", span: allow.span),
                               sfv: "SKA", bypassed: true)
            }
        }

        // Rule block actions decide for the organization.
        if let rule = ruleAction {
            stage.steps.append(TraceStep("rule action", .matched, "rule \"\(rule.rule)\": \(rule.action)", span: rule.span))
            return Outcome(disposition: .rule(rule.action), source: DecidingSource(kind: .organizationOverride, description: "rule \"\(rule.rule)\": \(rule.action)", span: rule.span),
                           sfv: "SKS")
        }
        if verdict == nil { stage.steps.append(TraceStep("overrides", .clear, "none needed: no threat found")) }
        return filter
    }

    /// Entity-level allows from submissions may override malware (URL, file) or high confidence
    /// phish (sender, domain, URL, file) (§1.3, decision 3); the file-type filter is never rescued.
    private mutating func submissionAllow(for verdict: ThreatVerdict, _ message: Message) -> ListEntry? {
        for entry in candidates where entry.action == .allow && entry.fromSubmission && isActive(entry) {
            let hit: Bool = switch entry.target {
            case .sender(let address): verdict == .highConfidencePhish && facts.from.map(address.matches) == true
            case .domain(let pattern): verdict == .highConfidencePhish && facts.from.map { pattern.matches($0.domain) } == true
            case .url(let pattern): !message.urls.isEmpty && message.urls.allSatisfy { pattern.matches($0, as: .allow) }
            case .file(let hash):
                verdict == .malware && !detections.contains(where: \.isFileTypeFilter)
                    && message.attachments.contains { $0.sha256 == hash.hex }
            default: false
            }
            if hit {
                refresh(entry)
                return entry
            }
        }
        return nil
    }

    private mutating func declineSecureOverrides(_ message: Message, name: String, safeSender: Setting<SenderKey>?, stage: inout TraceStage) {
        let reason = "cannot override \(name) (secure by default, §2.3)"
        if let safeSender {
            stage.steps.append(TraceStep("user safe senders", .declined, "`\(safeSender.value)` is in \(facts.recipientText)'s safe senders, but safe senders \(reason)", span: safeSender.span))
        }
        if let rule = ruleSCL, rule.scl == -1 {
            stage.steps.append(TraceStep("rule SCL -1", .declined, "rule \"\(rule.rule)\" sets SCL -1, but mail flow rules \(reason)", span: rule.span))
        }
        if let allow = ipAllow {
            stage.steps.append(TraceStep("IP Allow List", .declined, span: allow.span) { "\(allow.description) matches, but the IP Allow List \(reason)" })
        }
        if let allow = tenantAllow(message, stage: &stage) {
            stage.steps.append(TraceStep("tenant allow", .declined,
                                         "`\(allow.target.kind) \(allow.target.key)` matches, but a directly created allow \(reason); only an allow created from a submission can",
                                         span: allow.span))
        }
    }

    private func phishingSimulation(_ message: Message) -> (description: String, span: SourceSpan?)? {
        let delivery = policy.advancedDelivery
        guard let clientIP = facts.envelope.clientIP?.value,
            let ip = delivery.simulationIPs.first(where: { $0.value.contains(clientIP) })
        else { return nil }
        let domains = [facts.from?.domain, facts.senderAddress(message).flatMap { $0.split(separator: "@").last.map(String.init) }].compactMap { $0 }
        guard let domain = delivery.simulationDomains.first(where: { pattern in domains.contains { pattern.value.matches($0) } }) else { return nil }
        return ("phishing simulation from `\(domain.value)` at `\(ip.value)`", domain.span)
    }

    private func antiSpamAllow(_ antiSpam: AntiSpamPolicy, _ from: Mailbox) -> (key: String, span: SourceSpan?)? {
        if let hit = antiSpam.allowedSenders.first(where: { $0.value.matches(from) }) { return (hit.value.description, hit.span) }
        if let hit = antiSpam.allowedDomains.first(where: { $0.value.matches(from.domain) }) { return (hit.value.description, hit.span) }
        return nil
    }

    /// The first tenant allow for the From address or domain, or for one of the message's links
    /// (a block for the same key wins inside the list, §1, which detection has applied).
    private mutating func tenantAllow(_ message: Message, stage: inout TraceStage) -> ListEntry? {
        for entry in candidates where entry.action == .allow {
            let hit: Bool = switch entry.target {
            case .sender(let address): facts.from.map(address.matches) ?? false
            case .domain(let pattern): facts.from.map { pattern.matches($0.domain) } ?? false
            case .url(let pattern): message.urls.contains { pattern.matches($0, as: .allow) }
            default: false
            }
            if hit && noteMatch(entry, stage: &stage, what: "tenant allow") { return entry }
        }
        return nil
    }

}
