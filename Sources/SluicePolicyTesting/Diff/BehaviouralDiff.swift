import Dispatch
import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceEngine
import SluiceMessage
import Synchronization

/// One message for `BehaviouralDiff`: its name in the report and its bytes, and, for a message
/// kept with its own circumstances (a quarantined one), the envelope, recipients and extra
/// trusted authserv-ids it was decided with.
public struct DiffMessage: Sendable {
    public var name: String
    public var bytes: [UInt8]
    public var envelope: EnvelopeInput?
    public var recipients: [String]
    public var trustedAuthservIDs: Set<String>

    public init(name: String, bytes: [UInt8], envelope: EnvelopeInput? = nil, recipients: [String] = [], trustedAuthservIDs: Set<String> = []) {
        self.name = name
        self.bytes = bytes
        self.envelope = envelope
        self.recipients = recipients
        self.trustedAuthservIDs = trustedAuthservIDs
    }
}

/// `sluice diff OLD NEW --messages DIR`: every message decided under both policies, and the
/// decisions whose outcome changes (action, location, verdict or deciding source), grouped by
/// the entry, rule or setting responsible.
///
/// Both policies are compiled once; each message is read and parsed once and decided under
/// both on all cores, so a diff costs about one read and two evaluations per message.
public struct BehaviouralDiff: Sendable {
    public let old: Evaluator
    public let new: Evaluator
    public let date: CalendarDate
    public let envelope: EnvelopeInput
    public let envelopeSource: String
    public let explicitRecipients: [String]
    public let trustedAuthservIDs: Set<String>
    /// Hosts whose `Received` lines are believed, beyond the policies' authserv-ids.
    public let receivingHosts: Set<String>

    public init(old: CheckedPolicy, new: CheckedPolicy, date: CalendarDate, envelope: EnvelopeInput = EnvelopeInput(),
                envelopeSource: String = "command line", recipients: [String] = [], trustedAuthservIDs: Set<String> = [],
                receivingHosts: Set<String> = []) {
        self.old = Evaluator.compiled(old)
        self.new = Evaluator.compiled(new)
        self.date = date
        self.envelope = envelope
        self.envelopeSource = envelopeSource
        explicitRecipients = recipients
        self.trustedAuthservIDs = trustedAuthservIDs
        self.receivingHosts = receivingHosts
    }

    /// A message to compare, or why it cannot be read.
    public typealias Input = Result<DiffMessage, MessageFailure>

    public struct MessageFailure: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Decides `count` messages (read by `read`, called once per index from any thread) under
    /// both policies.
    public func run(count: Int, read: @Sendable (Int) -> Input) -> BehaviouralReport {
        let reader = MessageReader()
        let outcomes = Mutex<[Int: Result<(decisions: Int, changes: [DecisionChange]), MessageFailure>]>([:])
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let outcome = read(index).flatMap { input in compare(reader.read(input.bytes), input) }
            outcomes.withLock { $0[index] = outcome }
        }
        let collected = outcomes.withLock { $0 }
        var changes: [DecisionChange] = [], failures: [String] = [], changedMessages = 0, decided = 0
        for index in 0..<count {
            switch collected[index]! {
            case .failure(let failure): failures.append(failure.description)
            case .success(let found):
                decided += found.decisions
                if !found.changes.isEmpty { changedMessages += 1 }
                changes += found.changes
            }
        }
        return BehaviouralReport(messages: count, decisions: decided, changedMessages: changedMessages,
                                 groups: Self.group(changes), failures: failures)
    }

    /// The message decided for each recipient under both policies: how many decisions were
    /// made per policy, and those that changed.
    func compare(_ message: Message, _ input: DiffMessage) -> Result<(decisions: Int, changes: [DecisionChange]), MessageFailure> {
        let name = input.name
        let envelope = input.envelope ?? envelope
        let envelopeSource = input.envelope == nil ? envelopeSource : "stored envelope"
        let explicitRecipients = input.recipients.isEmpty ? explicitRecipients : input.recipients
        let trustedAuthservIDs = trustedAuthservIDs.union(input.trustedAuthservIDs)
        // Each policy reads the trace headers its own trusted hosts wrote, as `eval` would; the
        // envelope is resolved once when they trust the same hosts (the usual case).
        let oldHosts = receivingHosts.union(old.policy.organization.trustedAuthservIDs.map(\.value))
        let newHosts = receivingHosts.union(new.policy.organization.trustedAuthservIDs.map(\.value))
        let oldEnvelope = Envelope.resolve(given: envelope, givenBy: envelopeSource, message: message, trustedHosts: oldHosts).0
        let newEnvelope = oldHosts == newHosts
            ? oldEnvelope : Envelope.resolve(given: envelope, givenBy: envelopeSource, message: message, trustedHosts: newHosts).0
        // Recipients in either policy's accepted domains, so a change of accepted domains shows.
        var recipients = Recipients.resolve(explicit: explicitRecipients, envelope: oldEnvelope, message: message, organization: old.policy.organization)
        for recipient in Recipients.resolve(explicit: explicitRecipients, envelope: newEnvelope, message: message, organization: new.policy.organization)
        where !recipients.contains(recipient) {
            recipients.append(recipient)
        }
        guard !recipients.isEmpty else {
            return .failure(MessageFailure("`\(name)` has no recipient to decide for: give --recipient or --rcpt-to, or list the organization's accepted domains"))
        }
        var changes: [DecisionChange] = []
        for recipient in recipients {
            let before = old.evaluate(message, envelope: oldEnvelope, recipient: recipient, on: date, trustedAuthservIDs: trustedAuthservIDs)
            let after = new.evaluate(message, envelope: newEnvelope, recipient: recipient, on: date, trustedAuthservIDs: trustedAuthservIDs)
            let fields = Self.changedFields(before, after)
            guard !fields.isEmpty else { continue }
            changes.append(DecisionChange(message: name, recipient: recipient, changed: fields, old: DecisionOutcome(before), new: DecisionOutcome(after),
                                          cause: Self.cause(before, after, old: old.policy, new: new.policy)))
        }
        return .success((recipients.count, changes))
    }

    static func changedFields(_ old: Decision, _ new: Decision) -> [String] {
        var fields: [String] = []
        if old.action != new.action { fields.append("action") }
        if old.location != new.location { fields.append("location") }
        if old.verdict != new.verdict { fields.append("verdict") }
        if !sameSource(old.decidedBy, new.decidedBy) { fields.append("deciding source") }
        return fields
    }

    /// The same deciding source in both policies: the same kind and description (an entry or
    /// rule that only moved in the file is the same source).
    static func sameSource(_ old: DecidingSource, _ new: DecidingSource) -> Bool {
        old.kind == new.kind && old.description == new.description && old.header == new.header
    }

    /// What is responsible for a change: the new deciding source when it differs and is
    /// something the new policy says; else the old one, which no longer decides; else, for the
    /// same source with another outcome, the setting the new decision's action came from.
    static func cause(_ old: Decision, _ new: Decision, old oldPolicy: CheckedPolicy, new newPolicy: CheckedPolicy) -> Cause {
        func cause(_ side: Cause.Side, _ role: Cause.Role, _ span: SourceSpan, in policy: CheckedPolicy) -> Cause {
            Cause(policy: side, role: role, place: Place(span), text: policy.sources[span.file]?.line(span.line).trimmingCharacters(in: .whitespaces) ?? "")
        }
        if !sameSource(old.decidedBy, new.decidedBy) {
            if let span = new.decidedBy.span { return cause(.new, .decides, span, in: newPolicy) }
            if let span = old.decidedBy.span { return cause(.old, .noLongerDecides, span, in: oldPolicy) }
            return Cause(policy: .new, role: .decides, text: new.decidedBy.description)
        }
        if let span = new.trace.first(where: { $0.name == "action" })?.steps.first(where: { $0.outcome == .matched && $0.span != nil })?.span {
            return cause(.new, .setsAction, span, in: newPolicy)
        }
        if let span = new.decidedBy.span { return cause(.new, .decides, span, in: newPolicy) }
        return Cause(policy: .new, role: .decides, text: new.decidedBy.description)
    }

    /// Changes grouped by cause, the causes in order of their first change.
    static func group(_ changes: [DecisionChange]) -> [CauseGroup] {
        var groups: [CauseGroup] = []
        var index: [Cause: Int] = [:]
        for change in changes {
            if let known = index[change.cause] {
                groups[known].changes.append(change)
            } else {
                index[change.cause] = groups.count
                groups.append(CauseGroup(cause: change.cause, changes: [change]))
            }
        }
        return groups
    }
}

public struct BehaviouralReport: Sendable, Codable {
    public var messages: Int
    /// Decisions made under each policy (one per message and recipient).
    public var decisions: Int
    public var changedMessages: Int
    public var groups: [CauseGroup]
    /// Messages that could not be read or had no recipient.
    public var failures: [String]

    public var changedDecisions: Int { groups.reduce(0) { $0 + $1.changes.count } }
}

public struct CauseGroup: Sendable, Codable {
    public var cause: Cause
    public var changes: [DecisionChange]
}

/// The entry, rule or setting a change is due to: where it is and its first line as written
/// (or, for a source with no place in the policy, the engine's words for it).
public struct Cause: Sendable, Codable, Hashable {
    public enum Side: String, Sendable, Codable { case old, new }
    public enum Role: String, Sendable, Codable {
        /// It decides under the new policy (and did not under the old).
        case decides = "now decides"
        /// It decided under the old policy and does not under the new.
        case noLongerDecides = "no longer decides"
        /// The same source decides, and this setting turns the verdict into another action.
        case setsAction = "sets the action"
    }

    /// Which policy the place is in.
    public var policy: Side
    public var role: Role
    public var place: Place?
    public var text: String
}

public struct DecisionChange: Sendable, Codable {
    public var message: String
    public var recipient: String
    /// `action`, `location`, `verdict`, `deciding source`.
    public var changed: [String]
    public var old: DecisionOutcome
    public var new: DecisionOutcome
    public var cause: Cause
}

/// What a decision comes to, as the diff compares and prints it.
public struct DecisionOutcome: Sendable, Codable {
    public var action: String
    public var location: String
    public var verdict: String?
    public var decidedBy: String
    public var deciding: String
    public var place: Place?
    /// `Quarantine (high confidence phishing, HPHSH), organization override: …`
    public var summary: String

    init(_ decision: Decision) {
        action = decision.action.name
        location = decision.location.rawValue
        verdict = decision.verdict?.rawValue
        decidedBy = decision.decidedBy.kind.rawValue
        deciding = decision.decidedBy.description
        place = decision.decidedBy.span.map(Place.init)
        summary = decision.summaryLine
    }
}
