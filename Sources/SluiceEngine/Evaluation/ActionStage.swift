import SluiceChecking
import SluiceDiagnostics

/// The action stage: the applicable policy's action for the verdict (§3.1, §3.4), secure by
/// default's conversions (§2.3), the quarantine policy with the recipient's effective
/// permissions (§4), retention (§4.5) and notification.
extension Evaluation {
    /// The anti-spam policy's action for the anti-spam verdicts; nil for the others.
    func actionFor(_ verdict: ThreatVerdict, antiSpam: AntiSpamPolicy) -> PolicyAction? {
        verdict.antiSpamVerdict.flatMap { antiSpam.actions[$0]?.value }
    }

    private func policyAction(_ verdict: ThreatVerdict, antiSpam: AntiSpamPolicy, antiPhishing: AntiPhishingPolicy,
                              antiMalware: AntiMalwarePolicy) -> (action: PolicyAction, span: SourceSpan?, policyName: String) {
        switch verdict {
        case .malware:
            return (antiMalware.action.value, antiMalware.action.span, "anti-malware \(antiMalware.header.displayName)")
        case .spoofDMARCReject:
            return (antiPhishing.dmarcRejectAction.value, antiPhishing.dmarcRejectAction.span, "anti-phishing \(antiPhishing.header.displayName)")
        case .spoofDMARCQuarantine:
            return (antiPhishing.dmarcQuarantineAction.value, antiPhishing.dmarcQuarantineAction.span, "anti-phishing \(antiPhishing.header.displayName)")
        case .spoof:
            return (antiPhishing.spoofAction.value, antiPhishing.spoofAction.span, "anti-phishing \(antiPhishing.header.displayName)")
        default:
            let setting = antiSpam.actions[verdict.antiSpamVerdict!]!
            return (setting.value, setting.span, "anti-spam \(antiSpam.header.displayName)")
        }
    }

    /// The quarantine policy a verdict uses when its action names none (§3.3, §3.4, §4.3).
    static func defaultQuarantinePolicy(_ verdict: ThreatVerdict?) -> String {
        switch verdict {
        case .malware?, .highConfidencePhish?, nil: QuarantinePolicy.adminOnly
        default: QuarantinePolicy.defaultFullAccess
        }
    }

    /// DMARC quarantines use the spoof action's quarantine policy (§5.2), by default
    /// DefaultFullAccessPolicy (§3.4 `SpoofQuarantineTag`).
    private func spoofQuarantinePolicy(_ antiPhishing: AntiPhishingPolicy) -> String {
        if case .quarantine(let name?) = antiPhishing.spoofAction.value { return name }
        return QuarantinePolicy.defaultFullAccess
    }

    mutating func decision(_ outcome: Outcome, verdict: ThreatVerdict?, winner: Detection?, antiSpam: AntiSpamPolicy,
                           antiPhishing: AntiPhishingPolicy, antiMalware: AntiMalwarePolicy, applied: [String: String]) -> Decision {
        var stage = TraceStage(name: "action")
        // Room for the action's steps (at most three), made once rather than grown.
        stage.reserveCapacity(3)
        var action = FinalAction.deliver
        var location = DeliveryLocation.inbox
        var quarantine: QuarantineOutcome? = nil
        let retention = antiSpam.retentionDays.value

        switch outcome.disposition {
        case .deliver:
            stage.steps.append(TraceStep("delivery", .note, "delivered to the Inbox"))
        case .junk:
            (action, location) = (.junk, .junk)
            stage.steps.append(TraceStep("delivery", .note, "moved to Junk"))
        case .drop:
            (action, location) = (.drop, .dropped)
            stage.steps.append(TraceStep("delivery", .note, "dropped at the edge"))
        case .rule(let ruleAction):
            switch ruleAction {
            case .quarantine(let name):
                (action, location) = (.quarantine, .quarantine)
                // Mail flow rule quarantines are admin-only and kept 30 days (§4.3, §4.5).
                quarantine = quarantineOutcome(name ?? QuarantinePolicy.adminOnly, span: nil, verdict: verdict, retention: 30, stage: &stage)
            case .junk: (action, location) = (.junk, .junk)
            case .reject(let code, let enhanced, let text): (action, location) = (.reject(code: code, enhancedCode: enhanced, text: text), .rejected)
            case .delete: (action, location) = (.delete, .dropped)
            case .redirect(let addresses): (action, location) = (.redirect(addresses.map(\.description)), .redirected)
            default: break
            }
            stage.steps.append(TraceStep("rule action", .note) { "\(ruleAction)" })
        case .verdictAction:
            let verdict = verdict!
            var (policyAction, span, policyName) = policyAction(verdict, antiSpam: antiSpam, antiPhishing: antiPhishing, antiMalware: antiMalware)
            if verdict == .highConfidencePhish, policyAction == .junk {
                stage.steps.append(TraceStep("secure by default", .note, "a Junk action for high confidence phish becomes quarantine (§2.3)", span: span))
                policyAction = .quarantine(nil)
            }
            stage.steps.append(TraceStep(policyName, .matched, span: span) { [policyAction] in "\(verdict.displayName) → `\(policyAction)`" })
            switch policyAction {
            case .junk: (action, location) = (.junk, .junk)
            case .quarantine(let name):
                (action, location) = (.quarantine, .quarantine)
                let days = verdict == .malware ? 30 : retention
                let policyName = name ?? (verdict.isSpoof ? spoofQuarantinePolicy(antiPhishing) : Self.defaultQuarantinePolicy(verdict))
                quarantine = quarantineOutcome(policyName, span: span, verdict: verdict, retention: days, stage: &stage)
            case .delete: (action, location) = (.delete, .dropped)
            case .redirect(let addresses): (action, location) = (.redirect(addresses.map(\.description)), .redirected)
            case .addHeader(let name):
                modifications.append("add header `\(name): This message appears to be spam`")
                location = verdict == .spam || verdict == .highConfidenceSpam ? .junk : .inbox
                action = location == .junk ? .junk : .deliver
            case .prependSubject(let text):
                modifications.append("prepend `\(text)` to the subject")
                (action, location) = (.junk, .junk)
            case .noAction: break
            case .reject:
                let domain = facts.authentication.summary.fromDomain ?? ""
                (action, location) = (.reject(code: "550", enhancedCode: "5.7.509",
                                              text: "Access denied, sending domain \(domain) does not pass DMARC verification and has a DMARC policy of reject"), .rejected)
            }
        }

        let bcl = facts.upstream.bcl
        let requested = ruleSCL.flatMap { $0.scl == -1 ? nil : $0.scl }
        let scl: Int = outcome.bypassed ? -1 : requested ?? facts.upstream.scl ?? {
            switch verdict {
            case nil: return 1
            case .spam?: return 5
            case .bulk?: return 6
            default: return 9
            }
        }()
        trace.append(stage)
        return Decision(
            recipient: facts.recipientText, action: action, location: location, verdict: verdict,
            category: verdict?.category ?? "NONE", decidedBy: outcome.source, scl: scl, bcl: bcl, sfv: outcome.sfv,
            authentication: facts.authentication.summary, appliedPolicies: applied, quarantine: quarantine,
            modifications: modifications, refreshedEntries: refreshed, usedEntries: used, trace: trace, policyHash: evaluator.policyHash)
    }

    private func quarantineOutcome(_ name: String, span: SourceSpan?, verdict: ThreatVerdict?, retention: Int,
                                   stage: inout TraceStage) -> QuarantineOutcome {
        let terms = evaluator.quarantineTerms[name]
            ?? QuarantineTerms(name: name, policy: QuarantinePolicy.builtIn[0], cadence: policy.notifications.cadence.value)
        var (permissions, lead) = (terms.permissions, terms.lead)
        var hardRule = false
        // Recipients can never release malware or high confidence phish themselves (§4.3).
        if verdict?.isSecureByDefault == true, let secured = terms.secured {
            (permissions, lead) = secured
            hardRule = true
            stage.steps.append(TraceStep("quarantine permissions", .note,
                                         "`\(name)` grants release, but \(verdict!.displayName) can at most be requested for release (§4.3)",
                                         span: terms.policy.span))
        }
        let tail = terms.tail
        stage.steps.append(TraceStep("quarantine policy", .note, span: terms.policy.span) { [lead] in lead + String(retention) + tail })
        return QuarantineOutcome(
            policy: name, policySpan: terms.policy.span, permissions: permissions, retentionDays: retention,
            expires: date.adding(days: retention), notify: terms.policy.notify,
            notificationCadence: terms.cadence, hardRuleApplied: hardRule)
    }
}

/// A quarantine policy's permissions as a decision lists them and its trace text, prepared once
/// per policy (`Evaluator.Prepared`) rather than sorted and joined per quarantined message.
struct QuarantineTerms: Sendable {
    let policy: QuarantinePolicy
    /// The permissions, sorted, and the trace text up to the retention days.
    let permissions: [QuarantinePermission]
    let lead: String
    /// The same for a verdict recipients may at most request release of (§4.3); nil when the
    /// policy grants no release.
    let secured: (permissions: [QuarantinePermission], lead: String)?
    /// The trace text after the retention days.
    let tail: String
    /// The notification cadence's text, when the policy notifies.
    let cadence: String?

    init(name: String, policy: QuarantinePolicy, cadence: NotificationCadence) {
        func terms(_ permissions: Set<QuarantinePermission>) -> ([QuarantinePermission], String) {
            let sorted = permissions.sorted()
            return (sorted, "`\(name)`: " + (sorted.isEmpty ? "no permissions" : sorted.map(\.rawValue).joined(separator: ", ")) + "; kept ")
        }
        self.policy = policy
        (permissions, lead) = terms(policy.permissions)
        if policy.permissions.contains(.release) {
            var secured = policy.permissions
            secured.remove(.release)
            secured.insert(.requestRelease)
            self.secured = terms(secured)
        } else {
            secured = nil
        }
        tail = " days; " + (policy.notify ? "notified \(cadence)" : "no notification")
        self.cadence = policy.notify ? cadence.description : nil
    }
}
