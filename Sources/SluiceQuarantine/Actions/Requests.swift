import GRDB

extension QuarantineStore {
    /// A recipient whose policy grants "request release" asks an admin to release their copy;
    /// the request raises the reference's informational alert in the audit log (§4.4).
    public func requestRelease(_ id: Int64, by actor: Actor, at now: Timestamp) throws(QuarantineError) {
        try write { db in
            for copy in try targetCopies(id, actor: actor, recipients: [], in: db) {
                try authorize(copy, actor: actor, .requestRelease, action: "request release of",
                              hint: copy.permissions.contains(.release) ? "release it directly (`sluice quarantine release \(id) --as \(copy.recipient)`)" : nil)
                guard copy.status == .needsReview else {
                    throw QuarantineError.wrongStatus(id, copy.recipient, status: copy.status.displayName.lowercased(), action: "requested for release")
                }
                try setStatus(.releaseRequested, copy: copy, by: actor, at: now, in: db)
                try audit(db, at: now, actor: actor, action: "release requested", messageID: id, recipient: copy.recipient,
                          detail: "alert: User requested to release a quarantined message")
            }
        }
    }

    /// An admin approves pending release requests: the requesting copies (or those named) are released.
    public func approve(_ id: Int64, recipients: [String] = [], to destination: ReleaseDestination,
                        at now: Timestamp) throws(QuarantineError) -> [ReleasedCopy] {
        try deliverCopies(by: .admin, to: destination, at: now, note: "release approved") { db in
            let requested = try targetCopies(id, actor: .admin, recipients: recipients, in: db)
                .filter { recipients.isEmpty ? $0.status == .releaseRequested : true }
            guard !requested.isEmpty else { throw QuarantineError.wrongStatus(id, "any recipient", status: "not requested for release", action: "approved") }
            for copy in requested {
                guard copy.status == .releaseRequested else {
                    throw QuarantineError.wrongStatus(id, copy.recipient, status: copy.status.displayName.lowercased(), action: "approved")
                }
                if let refusal = try releaseRefusal(copy, at: now, in: db) { throw refusal }
            }
            return requested
        }
    }

    /// An admin denies the release requests of a message; denial applies to all its recipients (§4.6).
    public func deny(_ id: Int64, at now: Timestamp) throws(QuarantineError) -> [String] {
        try write { db in
            let requested = try targetCopies(id, actor: .admin, recipients: [], in: db).filter { $0.status == .releaseRequested }
            guard !requested.isEmpty else { throw QuarantineError.wrongStatus(id, "any recipient", status: "not requested for release", action: "denied") }
            for copy in requested {
                try setStatus(.denied, copy: copy, by: .admin, at: now, in: db)
                try audit(db, at: now, actor: .admin, action: "release denied", messageID: id, recipient: copy.recipient, detail: "request denied")
            }
            return requested.map(\.recipient)
        }
    }

    /// Deletes copies: a recipient their own (with the delete permission), an admin any. The
    /// copy stays recoverable until retention purges it; `permanently` (admin) removes the
    /// message and every copy now.
    public func delete(_ id: Int64, recipients: [String] = [], by actor: Actor, permanently: Bool, at now: Timestamp) throws(QuarantineError) -> [String] {
        try write { db in
            let copies = try targetCopies(id, actor: actor, recipients: recipients, in: db)
            if permanently {
                guard actor == .admin else { throw QuarantineError.notPermitted(action: "permanently delete", recipient: actor.description, policy: copies[0].quarantinePolicy, hint: "only an admin can") }
                // Permanent deletion removes the message itself, so it is for every recipient.
                guard recipients.isEmpty else { throw QuarantineError.wrongStatus(id, recipients.joined(separator: ", "), status: "one of several recipients", action: "permanently deleted alone; delete the message for all") }
                try db.execute(sql: "DELETE FROM message WHERE id = ?", arguments: [id])
                try audit(db, at: now, actor: actor, action: "permanently deleted", messageID: id, recipient: nil, detail: "message and its \(copies.count) copies removed")
                return copies.map(\.recipient)
            }
            // An admin deleting every copy skips those deleted before; a named one is an error.
            let all = actor == .admin && recipients.isEmpty
            let deleting = all && copies.contains { $0.status != .deleted } ? copies.filter { $0.status != .deleted } : copies
            for copy in deleting {
                try authorize(copy, actor: actor, .delete, action: "delete")
                guard copy.status != .deleted else { throw QuarantineError.wrongStatus(id, copy.recipient, status: "deleted", action: "deleted again") }
                try setStatus(.deleted, copy: copy, by: actor, at: now, in: db)
                try audit(db, at: now, actor: actor, action: "deleted", messageID: id, recipient: copy.recipient, detail: "Deleted Quarantine message")
            }
            return deleting.map(\.recipient)
        }
    }

    /// Removes every copy past its retention, and then every message left with no copy — unless
    /// a submission waits on it, or one was resolved less than 30 days ago (the report's
    /// history stays that long). Expired messages are permanently deleted (§4.5).
    public func purge(at now: Timestamp) throws(QuarantineError) -> (copies: Int, messages: Int) {
        try write { db in
            let expired = try Row.fetchAll(db, sql: "SELECT id, messageId, recipient FROM quarantine WHERE expiresAt <= ?", arguments: [now.seconds])
            for row in expired {
                try audit(db, at: now, actor: .system, action: "purged", messageID: row["messageId"], recipient: row["recipient"], detail: "retention ended")
            }
            try db.execute(sql: "DELETE FROM quarantine WHERE expiresAt <= ?", arguments: [now.seconds])
            let orphans = try Int64.fetchAll(db, sql: """
                SELECT id FROM message WHERE id NOT IN (SELECT messageId FROM quarantine)
                  AND id NOT IN (SELECT messageId FROM submission WHERE status = 'pending' OR resolvedAt > ?)
                """, arguments: [now.seconds - 30 * 86_400])
            for id in orphans {
                try audit(db, at: now, actor: .system, action: "purged", messageID: id, recipient: nil, detail: "message removed: no copy left")
                try db.execute(sql: "DELETE FROM message WHERE id = ?", arguments: [id])
            }
            return (expired.count, orphans.count)
        }
    }

    func setStatus(_ status: ReleaseStatus, copy: QuarantinedCopy, by actor: Actor, at now: Timestamp, in db: Database) throws {
        try db.execute(sql: "UPDATE quarantine SET status = ?, statusAt = ?, statusBy = ? WHERE id = ?",
                       arguments: [status.rawValue, now.seconds, actor.description, copy.copyID])
    }
}
