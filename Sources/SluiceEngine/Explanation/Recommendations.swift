import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceMessage

/// Recommended steps: concrete policy text, each applied to a copy of the policy and the
/// message decided again, so the step says what it really does.
extension Explainer {
    func recommend(_ subject: Case, _ decision: Decision) -> [Recommendation] {
        decision.location == .inbox ? recommendBlocking(subject, decision) : recommendDelivering(subject, decision)
    }

    // MARK: - Blocked: how to deliver it

    private func recommendDelivering(_ subject: Case, _ decision: Decision) -> [Recommendation] {
        var steps: [Recommendation] = []
        let from = subject.message.author
        let span = decision.decidedBy.span

        // The deciding source is something the organization wrote: change or remove it.
        if let span, let index = policy.entries.firstIndex(where: { $0.span == span }) {
            var changed = policy
            changed.entries.remove(at: index)
            let entry = policy.entries[index]
            steps.append(verify(.removeEntry, "remove the tenant \(entry.action.rawValue) entry `\(entry.target.kind) \(entry.target.key)` that decided it",
                                target: span, changed: changed, subject: subject, expectDelivered: true,
                                canOverride: nil, cannotOverride: nil))
        } else if let span, let index = policy.rules.firstIndex(where: { $0.span == span }) {
            var changed = policy
            changed.rules[index].mode = .audit
            steps.append(verify(.editRule, "narrow the condition of rule \"\(policy.rules[index].name)\", or set `mode audit` while you do (shown here)",
                                target: span, changed: changed, subject: subject, expectDelivered: true, canOverride: nil, cannotOverride: nil))
        } else if let span, let index = policy.connectionFilter.block.firstIndex(where: { $0.span == span }) {
            var changed = policy
            changed.connectionFilter.block.remove(at: index)
            steps.append(verify(.removeEntry, "remove `\(policy.connectionFilter.block[index].value)` from the IP Block List",
                                target: span, changed: changed, subject: subject, expectDelivered: true, canOverride: nil, cannotOverride: nil))
        } else if decision.decidedBy.kind == .userOverride, let recipient = try? EmailAddress.parse(subject.recipient).get(),
            var lists = policy.userLists[recipient], let from
        {
            let blocked = lists.blockedSenders.contains { $0.value.matches(from) }
            lists.blockedSenders.removeAll { $0.value.matches(from) }
            lists.safeListsOnly = Setting(false)
            var changed = policy
            changed.userLists[recipient] = lists
            let summary = blocked
                ? "take `\(from.address)` off \(subject.recipient)'s blocked senders"
                : "\(subject.recipient) accepts only safe senders: add `\(from.address)` to their safe senders, or turn safe-lists-only off (shown here)"
            steps.append(verify(.editUserList, summary,
                                target: span, changed: changed, subject: subject, expectDelivered: true, canOverride: nil, cannotOverride: nil))
        }

        // A tenant block wins over every allow (§1), so only its removal can help.
        if let span, policy.entries.contains(where: { $0.span == span && $0.action == .block }) { return steps }
        guard let verdict = decision.verdict, let from else { return steps }
        switch verdict {
        case .malware:
            if decision.trace.contains(where: { $0.steps.contains { $0.detail.hasPrefix("common attachments filter") } }) {
                steps.append(Recommendation(
                    kind: .submit, summary: "no allow can deliver it: the common attachments filter blocks the file type whatever the lists say (§2.3)",
                    cannotOverride: "tenant file allows and rules cannot rescue a blocked file type", verified: true))
                return steps
            }
            for attachment in subject.message.attachments {
                guard let hash = attachment.sha256 else { continue }
                steps.append(addEntry(
                    "allow file sha256:\(hash) from-submission",
                    summary: "after a reviewed submission finds `\(attachment.filename ?? attachment.part)` clean, allow its hash",
                    subject: subject, canOverride: "up to malware (created from a submission)", cannotOverride: "the common attachments filter"))
                break
            }
        case .highConfidencePhish:
            steps.append(addEntry(
                "allow sender \(from.address) from-submission expires 45 days after last use note \"\(note(subject))\"",
                summary: "only an allow created from a reviewed submission overrides high confidence phish; after the review:",
                subject: subject, canOverride: "up to high confidence phish (created from a submission)", cannotOverride: "malware"))
        case .spoofDMARCReject, .spoofDMARCQuarantine, .spoof:
            let infrastructure = spoofInfrastructure(subject, decision)
            steps.append(addEntry(
                "allow spoof \(from.domain) via \(infrastructure) note \"\(note(subject))\"",
                summary: "let `\(from.domain)` be sent from this infrastructure (a spoof pair covers DMARC and spoof intelligence)",
                subject: subject, canOverride: "spoof intelligence and the DMARC actions for this pair only",
                cannotOverride: "other verdicts; other senders spoofing the domain"))
            steps.append(Recommendation(
                kind: .fixAuthentication,
                summary: "better: have `\(from.domain)` authorize this infrastructure (SPF include or a DKIM key aligned with the From domain), so DMARC passes",
                verified: false))
        case .phish, .highConfidenceSpam, .spam, .bulk:
            let accepted = policy.organization.accepts(from.domain)
            steps.append(addEntry(
                "allow sender \(from.address) expires 45 days after last use note \"\(note(subject))\"",
                summary: "allow the sender until 45 days after the allow was last used",
                subject: subject, canOverride: "bulk, spam, high confidence spam and phish",
                cannotOverride: "malware, high confidence phish, tenant blocks" + (accepted ? "; and `\(from.domain)` is your own domain: fix its authentication instead" : "")))
        }
        return steps
    }

    /// The sending infrastructure for a spoof pair: the PTR's organizational domain, else a
    /// DKIM domain, else the client's /24 (§1.6).
    private func spoofInfrastructure(_ subject: Case, _ decision: Decision) -> String {
        if let ptr = subject.envelope.ptr?.value { return PublicSuffixList.shipped.organizationalDomain(ptr) }
        if let dkim = decision.authentication.dkimDomains.first { return "dkim:\(dkim)" }
        if let ip = subject.envelope.clientIP?.value, ip.family == .ipv4 {
            return ip.bytes.prefix(3).map(String.init).joined(separator: ".") + ".0/24"
        }
        return "*"
    }

    // MARK: - Delivered: how to block it

    private func recommendBlocking(_ subject: Case, _ decision: Decision) -> [Recommendation] {
        guard let from = subject.message.author else { return [] }
        var steps = [addEntry(
            "block sender \(from.address) expires \(date.adding(days: 30)) note \"\(note(subject))\"",
            summary: "block the sender for 30 days (a tenant block quarantines as high confidence phish)",
            subject: subject, canOverride: "every verdict but malware; user safe senders too", cannotOverride: nil, expectDelivered: false)]
        if let url = subject.message.urls.first(where: { !$0.host.isEmpty }) {
            steps.append(addEntry(
                "block url ~\(url.host)~ expires \(date.adding(days: 30)) note \"\(note(subject))\"",
                summary: "block the linked site `\(url.host)`, its subdomains and paths", subject: subject,
                canOverride: "every verdict but malware", cannotOverride: nil, expectDelivered: false))
        }
        return steps
    }

    // MARK: - Verification

    /// Who added the entry and when; the admin adds the ticket.
    private func note(_ subject: Case) -> String { "sluice explain \(date)" }

    /// Adds `text` to the root policy file as `--apply` would, checks the result, and decides again.
    private func addEntry(_ text: String, summary: String, subject: Case, canOverride: String, cannotOverride: String?,
                          expectDelivered: Bool = true) -> Recommendation {
        let failed = { (reason: String) in
            Recommendation(kind: .addEntry, summary: summary, policyText: text, file: self.policy.root, canOverride: canOverride,
                           cannotOverride: cannotOverride, outcomeAfter: reason, verified: false)
        }
        guard let original = policy.sources[policy.root]?.text,
            let edited = PolicyEdit.appending(text, to: original, path: policy.root, date: date)
        else { return failed("the entry cannot be added to `\(policy.root)`") }
        let (changed, diagnostics) = PolicyChecker.check(text: edited, path: policy.root)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else { return failed("the entry does not check: " + errors.map(\.message).joined(separator: "; ")) }
        var step = verify(.addEntry, summary, target: nil, changed: changed, subject: subject, expectDelivered: expectDelivered,
                          canOverride: canOverride, cannotOverride: cannotOverride)
        step.policyText = text
        step.file = policy.root
        return step
    }

    private func verify(_ kind: Recommendation.Kind, _ summary: String, target: SourceSpan?, changed: CheckedPolicy, subject: Case,
                        expectDelivered: Bool, canOverride: String?, cannotOverride: String?) -> Recommendation {
        let after = decide(subject, under: changed)
        let delivered = after.location == .inbox
        return Recommendation(
            kind: kind, summary: summary, target: target, canOverride: canOverride, cannotOverride: cannotOverride,
            outcomeAfter: after.summaryLine, verified: delivered == expectDelivered)
    }

    // MARK: - What would have changed the outcome

    func counterfactuals(_ subject: Case, _ decision: Decision, _ steps: [Recommendation]) -> [Counterfactual] {
        var found: [Counterfactual] = []
        if let step = steps.first(where: { $0.verified && $0.kind != .submit }), let outcome = step.outcomeAfter {
            found.append(Counterfactual(change: step.policyText.map { "adding `\($0)`" } ?? step.summary, outcomeAfter: outcome))
        }
        // Passing authentication: the sender's side of the fix, checked by deciding the message
        // again with a trusted, aligned pass in front of it.
        if decision.authentication.compauth != "pass", let domain = subject.message.author?.domain,
            let authserv = policy.organization.trustedAuthservIDs.first?.value ?? trustedAuthservIDs.first
        {
            let header = "Authentication-Results: \(authserv); spf=pass smtp.mailfrom=\(domain); dkim=pass header.d=\(domain); dmarc=pass header.from=\(domain)\r\n"
            var passing = subject
            passing.bytes = Array(header.utf8) + subject.bytes
            passing.message = MessageReader().read(passing.bytes)
            let after = decide(passing, under: policy)
            if after.location != decision.location {
                found.append(Counterfactual(change: "`\(domain)` passing SPF, DKIM and DMARC (aligned) at `\(authserv)`", outcomeAfter: after.summaryLine))
            }
        }
        return found
    }
}
