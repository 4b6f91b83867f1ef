import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceMessage

/// Explains one decision the way an admin submission's result does (reference §7.2), then
/// goes further: the deciding source's lines, every stage's say, recommended policy changes
/// each verified by re-evaluating, and the smallest changes that would have changed the outcome.
public struct Explainer: Sendable {
    public let policy: CheckedPolicy
    public let date: CalendarDate
    public let trustedAuthservIDs: Set<String>

    public init(policy: CheckedPolicy, date: CalendarDate, trustedAuthservIDs: Set<String> = []) {
        self.policy = policy
        self.date = date
        self.trustedAuthservIDs = trustedAuthservIDs
    }

    /// The inputs of one decision, kept so that changes can be re-evaluated.
    struct Case {
        var message: Message
        var bytes: [UInt8]
        var envelope: Envelope
        var recipient: String
    }

    public func explain(bytes: [UInt8], file: String, envelope given: EnvelopeInput, givenBy: String, recipient: String,
                        trustedHosts: Set<String>) -> Explanation {
        let message = MessageReader().read(bytes)
        let hosts = trustedHosts.union(policy.organization.trustedAuthservIDs.map(\.value))
        let (envelope, _) = Envelope.resolve(given: given, givenBy: givenBy, message: message, trustedHosts: hosts)
        let subject = Case(message: message, bytes: bytes, envelope: envelope, recipient: recipient)
        let decision = decide(subject, under: policy)
        let (result, why) = Self.result(decision, message: message)
        let summary = decision.authentication
        var authentication = "spf=\(summary.spf)\(summary.spfDomain.map { " smtp.mailfrom=\($0)" } ?? "")"
        authentication += "; dkim=\(summary.dkim)\(summary.dkimDomains.first.map { " header.d=\($0)" } ?? "")"
        authentication += "; dmarc=\(summary.dmarc)\(summary.dmarcPolicy.map { " (p=\($0))" } ?? "") header.from=\(summary.fromDomain ?? "none")"
        authentication += "; compauth=\(summary.compauth) reason=\(summary.reason)"
        authentication += summary.trustedFrom.map { "  [trusted: \($0)]" } ?? "  [no trusted Authentication-Results]"
        let recommendations = recommend(subject, decision)
        return Explanation(
            message: MessageSummary(
                file: file, from: message.author?.address, subject: message.subject,
                date: message.headers["Date"]?.trimmingCharacters(in: .whitespaces), messageID: message.messageID),
            recipient: decision.recipient, result: result, why: why, decision: decision,
            decidingLines: decision.decidedBy.span.map(lines) ?? [], authenticationLine: authentication,
            stages: decision.trace.compactMap { stage in
                let findings = stage.steps.filter { $0.outcome != .clear }.map { "\($0.check): \($0.detail)" }
                return findings.isEmpty ? nil : StageSummary(stage: stage.name, findings: findings)
            },
            recommendations: recommendations, whatWouldChange: counterfactuals(subject, decision, recommendations))
    }

    func decide(_ subject: Case, under policy: CheckedPolicy) -> Decision {
        Evaluator.compiled(policy).evaluate(subject.message, envelope: subject.envelope, recipient: subject.recipient, on: date,
                                            trustedAuthservIDs: trustedAuthservIDs)
    }

    /// The lines of a span as written (at most three).
    func lines(_ span: SourceSpan) -> [SourceLine] {
        guard let source = policy.sources[span.file] else { return [] }
        let last = min(source.position(of: max(span.start, span.end - 1)).line, span.line + 2)
        return (span.line...max(span.line, last)).map { SourceLine(file: span.file, line: $0, text: source.line($0)) }
    }

    // MARK: - Result (§7.2)

    /// The §7.2 result and one sentence of why; `sluice test` compares the result.
    public static func result(_ decision: Decision, message: Message) -> (String, String) {
        let from = message.author.map { "`\($0.address)`" } ?? "the sender"
        let delivered = decision.location == .inbox
        let verdict = decision.verdict?.displayName ?? "no threat"
        switch decision.decidedBy.kind {
        case .advancedDelivery:
            if decision.decidedBy.description.hasPrefix("phishing simulation") {
                return ("Phishing simulation", "The message is part of a phishing simulation the advanced delivery policy lets through untouched.")
            }
            return ("Allowed due to organizational overrides", "\(decision.recipient) is a SecOps mailbox, which receives everything unfiltered.")
        case .userOverride:
            return delivered
                ? ("Allowed due to user overrides", "\(from) is on \(decision.recipient)'s safe senders, which overrode the \(verdict) verdict.")
                : ("Blocked due to user overrides", "\(decision.recipient)'s own settings (\(decision.decidedBy.description)) sent it to \(decision.location.rawValue).")
        case .organizationOverride:
            let source = decision.decidedBy.description.prefix(1).uppercased() + decision.decidedBy.description.dropFirst()
            return delivered
                ? ("Allowed due to organizational overrides", "\(source) let it through despite the \(verdict) verdict.")
                : ("Blocked due to organizational overrides", "\(source) decided it: \(decision.location.rawValue).")
        case .filter, .upstream:
            guard let threat = decision.verdict else {
                return ("No threats found", "No filter, entry or rule found a threat in the message from \(from).")
            }
            let by = decision.decidedBy.kind == .upstream ? " (\(decision.decidedBy.header ?? "upstream filter"))" : ""
            switch threat {
            case .malware: return ("Malware", "The filters found malware\(by): \(decision.decidedBy.description).")
            case .highConfidencePhish, .phish: return ("Phishing", "The message was classified as \(threat.displayName)\(by): \(decision.decidedBy.description).")
            case .spoofDMARCReject, .spoofDMARCQuarantine:
                return ("Authentication failed", "The message from \(from) failed DMARC and its domain asks receivers to \(threat == .spoofDMARCReject ? "reject" : "quarantine") such mail.")
            case .spoof: return ("Spoofed message", "\(from) failed authentication for a domain it is not allowed to send as: \(decision.decidedBy.description).")
            case .highConfidenceSpam, .spam: return ("Spam", "The message was classified as \(threat.displayName)\(by): \(decision.decidedBy.description).")
            case .bulk: return ("Bulk", "The sender is a bulk mailer: \(decision.decidedBy.description).")
            }
        }
    }
}
