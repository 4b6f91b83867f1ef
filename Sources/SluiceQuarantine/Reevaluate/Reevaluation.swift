import GRDB
import SluiceEngine
import SluiceMessage

/// One copy decided again under a new policy.
public struct Reevaluated: Sendable, Codable {
    public var messageID: Int64
    public var recipient: String
    public var sender: String?
    public var subject: String?
    public var before: Decision
    public var after: Decision

    /// Whether the new policy would deliver the message to the mailbox (Inbox or Junk).
    public var wouldDeliver: Bool { after.location == .inbox || after.location == .junk }
}

extension QuarantineStore {
    /// Decides every copy still in quarantine (needs review, release requested, denied; not
    /// past its retention) again
    /// under `evaluator`'s policy, with the envelope and trust each was first decided with.
    /// Reads only: the store is not locked while messages are evaluated.
    public func reevaluate(with evaluator: Evaluator, at now: Timestamp) throws(QuarantineError) -> [Reevaluated] {
        let held: [ReleaseStatus] = [.needsReview, .releaseRequested, .denied]
        let copies = try list(QuarantineFilter(), as: .admin).filter { held.contains($0.status) && $0.expiresAt > now }
        let reader = MessageReader()
        var results: [Reevaluated] = []
        var messages: [Int64: (StoredMessage, Message)] = [:]
        for copy in copies {
            if messages[copy.id] == nil {
                let stored = try message(copy.id)
                messages[copy.id] = (stored, reader.read(stored.raw))
            }
            let (stored, message) = messages[copy.id]!
            let before = try decision(messageID: copy.id, recipient: copy.recipient)
            let after = evaluator.evaluate(message, envelope: stored.envelope, recipient: copy.recipient, on: now.day,
                                           trustedAuthservIDs: stored.trustedAuthservIDs)
            results.append(Reevaluated(messageID: copy.id, recipient: copy.recipient, sender: copy.sender, subject: copy.subject,
                                       before: before, after: after))
        }
        return results
    }

    /// Releases the given copies (the bulk release after a policy fix), to an outbox in one
    /// transaction; copies released, deleted or expired since they were re-evaluated are
    /// skipped, not released twice.
    public func releaseAll(_ targets: [(messageID: Int64, recipient: String)], by actor: Actor, to destination: ReleaseDestination,
                           at now: Timestamp, note: String) throws(QuarantineError) -> [ReleasedCopy] {
        try deliverCopies(by: actor, to: destination, at: now, note: note) { db in
            var eligible: [QuarantinedCopy] = []
            for target in targets {
                let copy = try targetCopies(target.messageID, actor: .admin, recipients: [target.recipient], in: db)[0]
                if try releaseRefusal(copy, at: now, in: db) == nil { eligible.append(copy) }
            }
            return eligible
        }
    }
}
