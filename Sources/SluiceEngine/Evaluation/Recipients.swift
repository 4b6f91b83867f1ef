import SluiceChecking
import SluiceMessage

/// Who a message is decided for, when the caller does not say: shared by `eval`, `explain`,
/// `test` and `diff`, so every command picks the same recipients.
public enum Recipients {
    /// `explicit` (lower-cased), else RCPT TO, else the To and Cc addresses in the
    /// organization's accepted domains, without repeats.
    public static func resolve(explicit: [String], envelope: Envelope, message: Message, organization: Organization) -> [String] {
        if !explicit.isEmpty { return explicit.map { $0.lowercased() } }
        if let rcpt = envelope.recipients?.value, !rcpt.isEmpty { return rcpt.map { $0.lowercased() } }
        var seen: Set<String> = []
        return (message.to + message.cc).filter { organization.accepts($0.domain) }.map { $0.address.lowercased() }.filter { seen.insert($0).inserted }
    }
}
