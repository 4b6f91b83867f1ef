/// Why a quarantine command could not do what it was asked; each says what to do instead.
public enum QuarantineError: Error, Sendable, Equatable, CustomStringConvertible {
    case noStore(String)
    case newerSchema(String)
    case database(String, String)
    case noSuchMessage(Int64)
    case notARecipient(Int64, String)
    case notPermitted(action: String, recipient: String, policy: String, hint: String?)
    case alreadyReleased(Int64, String)
    case wrongStatus(Int64, String, status: String, action: String)
    case noSuchSubmission(Int64)
    case delivery(String)
    case policyEdit(String)

    public var description: String {
        switch self {
        case .noStore(let path): "no quarantine store at `\(path)`: give --store, or ingest messages first (`sluice eval --quarantine-store`)"
        case .newerSchema(let path): "the store `\(path)` was written by a newer sluice; upgrade sluice to open it"
        case .database(let path, let reason): "the store `\(path)` cannot be used: \(reason)"
        case .noSuchMessage(let id): "no quarantined message with id \(id) (`sluice quarantine list` shows the ids)"
        case .notARecipient(let id, let recipient): "message \(id) has no quarantined copy that `\(recipient)` can see"
        case .notPermitted(let action, let recipient, let policy, let hint):
            "`\(recipient)` may not \(action) this message: its quarantine policy `\(policy)` does not allow it" + (hint.map { "; \($0)" } ?? "")
        case .alreadyReleased(let id, let recipient): "message \(id) was already released to `\(recipient)`; a message is never released twice to the same recipient"
        case .wrongStatus(let id, let recipient, let status, let action): "message \(id) for `\(recipient)` is \(status): it cannot be \(action)"
        case .noSuchSubmission(let id): "no submission with id \(id) (`sluice submissions list` shows the ids)"
        case .delivery(let reason): "release failed: \(reason)"
        case .policyEdit(let reason): "the policy file was not changed: \(reason)"
        }
    }
}
