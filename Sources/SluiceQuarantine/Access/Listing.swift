import GRDB
import SluiceChecking

/// What `sluice quarantine list` narrows to; every field is optional.
public struct QuarantineFilter: Sendable {
    public var recipient: String?
    /// An address, or a domain (`fabrikam.example` matches every sender there).
    public var sender: String?
    /// The reason as listed (`Spam`, `High confidence phishing`, …), case-insensitive.
    public var reason: String?
    public var policyType: String?
    public var receivedFrom: Timestamp?
    public var receivedBefore: Timestamp?
    public var status: ReleaseStatus?

    public init(recipient: String? = nil, sender: String? = nil, reason: String? = nil, policyType: String? = nil,
                receivedFrom: Timestamp? = nil, receivedBefore: Timestamp? = nil, status: ReleaseStatus? = nil) {
        self.recipient = recipient
        self.sender = sender
        self.reason = reason
        self.policyType = policyType
        self.receivedFrom = receivedFrom
        self.receivedBefore = receivedBefore
        self.status = status
    }
}

extension QuarantineStore {
    /// The copies `actor` may see that pass `filter`, oldest first. A recipient sees only their
    /// own copies, and not those their policy hides from them (no access, no notification);
    /// deleted copies are listed only when asked for by status.
    public func list(_ filter: QuarantineFilter, as actor: Actor) throws(QuarantineError) -> [QuarantinedCopy] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        func add(_ condition: String, _ values: any DatabaseValueConvertible...) {
            conditions.append(condition)
            arguments.append(contentsOf: values)
        }
        if case .recipient(let address) = actor { add("q.recipient = ?", address.lowercased()) }
        if let recipient = filter.recipient { add("q.recipient = ?", recipient.lowercased()) }
        if let sender = filter.sender?.lowercased() {
            if sender.contains("@") { add("m.sender = ?", sender) } else { add("(m.sender LIKE ? ESCAPE '\\' OR m.sender LIKE ? ESCAPE '\\')", "%@" + Self.escapeLike(sender), "%." + Self.escapeLike(sender)) }
        }
        if let reason = filter.reason { add("q.reason = ? COLLATE NOCASE", reason) }
        if let policyType = filter.policyType { add("q.policyType LIKE ? ESCAPE '\\'", Self.escapeLike(policyType) + "%") }
        if let from = filter.receivedFrom { add("m.receivedAt >= ?", from.seconds) }
        if let before = filter.receivedBefore { add("m.receivedAt < ?", before.seconds) }
        if let status = filter.status { add("q.status = ?", status.rawValue) } else { add("q.status != ?", ReleaseStatus.deleted.rawValue) }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let copies = try read { db in
            try Row.fetchAll(db, sql: "SELECT \(QuarantinedCopy.columns) FROM quarantine q JOIN message m ON m.id = q.messageId\(whereClause) ORDER BY m.receivedAt, q.id",
                             arguments: StatementArguments(arguments)).map(QuarantinedCopy.init(row:))
        }
        if case .recipient = actor { return copies.filter(\.visibleToRecipient) }
        return copies
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// The copies of message `id` that `actor` acts on: a recipient's own copy (which must exist
    /// and be visible to them), or for an admin those of `recipients` (all when empty).
    func targetCopies(_ id: Int64, actor: Actor, recipients: [String], in db: Database) throws -> [QuarantinedCopy] {
        let copies = try Row.fetchAll(db, sql: "SELECT \(QuarantinedCopy.columns) FROM quarantine q JOIN message m ON m.id = q.messageId WHERE q.messageId = ? ORDER BY q.id",
                                      arguments: [id]).map(QuarantinedCopy.init(row:))
        if copies.isEmpty { throw QuarantineError.noSuchMessage(id) }
        switch actor {
        case .recipient(let address):
            // A copy the recipient deleted is gone for them; one they may not see was never there.
            guard let own = copies.first(where: { $0.recipient == address.lowercased() }), own.visibleToRecipient, own.status != .deleted else {
                throw QuarantineError.notARecipient(id, address)
            }
            return [own]
        case .admin, .system:
            if recipients.isEmpty { return copies }
            return try recipients.map { wanted in
                guard let copy = copies.first(where: { $0.recipient == wanted.lowercased() }) else { throw QuarantineError.notARecipient(id, wanted) }
                return copy
            }
        }
    }

    /// Refuses a recipient an action their quarantine policy does not grant; admins may do all.
    func authorize(_ copy: QuarantinedCopy, actor: Actor, _ permission: QuarantinePermission, action: String, hint: String? = nil) throws {
        guard case .recipient = actor, !copy.permissions.contains(permission) else { return }
        throw QuarantineError.notPermitted(action: action, recipient: copy.recipient, policy: copy.quarantinePolicy, hint: hint)
    }
}

extension QuarantineStore {
    /// The message for a preview, after checking the recipient's preview permission; the
    /// preview is audited like every other action.
    public func authorizePreview(_ id: Int64, as actor: Actor, at now: Timestamp) throws(QuarantineError) -> StoredMessage {
        try write { db in
            for copy in try targetCopies(id, actor: actor, recipients: [], in: db) where actor != .admin {
                try authorize(copy, actor: actor, .preview, action: "preview")
            }
            guard let stored = try Self.message(id, in: db) else { throw QuarantineError.noSuchMessage(id) }
            let recipient: String? = if case .recipient(let address) = actor { address } else { nil }
            try audit(db, at: now, actor: actor, action: "previewed", messageID: id, recipient: recipient, detail: "preview shown")
            return stored
        }
    }
}

extension QuarantineStore {
    /// The copies whose recipients' lists a block-sender or allow-sender changes, after the
    /// permission check, and the message's sender (its From address).
    public func senderListTargets(_ id: Int64, recipients: [String], as actor: Actor,
                                  _ permission: QuarantinePermission) throws(QuarantineError) -> (copies: [QuarantinedCopy], sender: String?) {
        try read { db in
            let copies = try targetCopies(id, actor: actor, recipients: recipients, in: db)
            for copy in copies { try authorize(copy, actor: actor, permission, action: permission == .blockSender ? "block the sender of" : "allow the sender of") }
            return (copies, copies.first?.sender)
        }
    }

    /// Runs `body` holding the store's write lock, with a way to audit what it did (recorded
    /// when it succeeds): edits of files beside the store (user lists) by two sluice processes
    /// take turns this way.
    public func exclusively<T>(_ body: (_ audit: (String, Int64?, String?, Actor, String, Timestamp) -> Void) throws -> T) throws -> T {
        let result: Result<T, any Error> = try write { db in
            var pending: [(action: String, messageID: Int64?, recipient: String?, actor: Actor, detail: String, at: Timestamp)] = []
            let result = Result { try body { pending.append(($0, $1, $2, $3, $4, $5)) } }
            if case .success = result {
                for event in pending {
                    try audit(db, at: event.at, actor: event.actor, action: event.action, messageID: event.messageID, recipient: event.recipient,
                              detail: event.detail)
                }
            }
            return result
        }
        return try result.get()
    }

    /// Records an action done outside the store (a policy or user-list edit) in the audit log.
    public func recordAction(_ action: String, messageID: Int64?, recipient: String?, by actor: Actor, detail: String,
                             at now: Timestamp) throws(QuarantineError) {
        try write { db in try audit(db, at: now, actor: actor, action: action, messageID: messageID, recipient: recipient, detail: detail) }
    }
}
