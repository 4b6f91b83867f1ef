import SluiceChecking
import SluiceMessage

/// What the evaluator reads from one message for one recipient, gathered once: addresses,
/// trusted upstream verdicts, authentication. Every stage takes its inputs from here and from
/// the message itself, which is passed to the stages rather than kept: a copy of it would
/// retain and release every one of its fields.
struct MessageFacts {
    var envelope: Envelope
    var recipient: EmailAddress
    /// `recipient` as text, made once for the decision and the trace steps that name it.
    var recipientText: String
    var from: Mailbox?
    var authentication: CompositeAuthentication
    var upstream: TrustedUpstream

    /// The envelope MAIL FROM, else `message`'s `Sender` header.
    func senderAddress(_ message: Message) -> String? {
        if let mailFrom = envelope.mailFrom?.value, !mailFrom.isEmpty { return mailFrom.lowercased() }
        return message.sender.map { $0.address.lowercased() }
    }
}

/// Verdict headers from upstream filters, believed only when a host the policy trusts for that
/// header received the message before the header was written: a header standing above a
/// trusted host's `Received` line was added at or after that host, so a sender cannot forge it.
struct TrustedUpstream {
    private(set) var forefront: (report: ForefrontAntispamReport, host: String)?
    private(set) var microsoftAntispam: (header: MicrosoftAntispam, host: String)?
    private(set) var spamAssassin: (status: SpamAssassinStatus, host: String)?
    private(set) var rspamd: (result: RspamdResult, action: String?, host: String)?
    /// The trusted `X-Microsoft-Antispam` header's bulk complaint level, read from the header's
    /// fields once for every stage that asks.
    private(set) var bcl: Int?
    var scl: Int? { forefront?.report.scl }

    /// `trustedHosts`: for each header, the hosts trusted for it (`Evaluator.upstreamHosts`).
    init(message: borrowing Message, trustedHosts: [UpstreamHeader: Set<String>], trace: inout TraceStage) {
        // One walk over the header finds the Received lines and the verdict headers, which most
        // messages lack, instead of a look-up by lower-cased name for each; fields are read in
        // place, and only the few wanted are copied.
        var receivedOffsets: [Int] = []
        var verdictFields: [(header: UpstreamHeader, index: Int)] = []
        var rspamdAction: Int? = nil
        let fields = message.headers.fields
        for index in fields.indices {
            // Every wanted name starts with `r` or `x`: most fields are passed over on their first byte.
            let key = fields[index].key
            switch key.utf8.first {
            case UInt8(ascii: "r"):
                if key == "received" { receivedOffsets.append(fields[index].offset) }
            case UInt8(ascii: "x"):
                if let header = Self.upstreamHeaders.first(where: { key == $0.rawValue }) {
                    verdictFields.append((header, index))
                } else if rspamdAction == nil, key == "x-rspamd-action" {
                    rspamdAction = index
                }
            default: continue
            }
        }
        // The nested functions capture the Received lines, not a copy of the whole message.
        let received = message.received
        func trustedHost(for header: UpstreamHeader, above offset: Int) -> String? {
            guard let hosts = trustedHosts[header], !hosts.isEmpty else { return nil }
            for (index, fieldOffset) in receivedOffsets.enumerated() where fieldOffset > offset && index < received.count {
                if let by = received[index].by?.value.lowercasedSharingStorage(), hosts.contains(by) { return by }
            }
            return nil
        }
        func first(_ header: UpstreamHeader, named name: String) -> (field: HeaderField, host: String)? {
            guard verdictFields.contains(where: { $0.header == header }) else { return nil }
            for (fieldHeader, index) in verdictFields where fieldHeader == header {
                if let host = trustedHost(for: header, above: fields[index].offset) { return (fields[index], host) }
            }
            trace.steps.append(TraceStep(
                "upstream `\(name)`", .declined,
                "present but not trusted: no `Received` line below it from a host trusted for it (upstream { trust \(name) from … })"))
            return nil
        }
        if let (field, host) = first(.forefront, named: "X-Forefront-Antispam-Report") {
            forefront = (ForefrontAntispamReport(parsing: field.value), host)
        }
        if let (field, host) = first(.microsoftAntispam, named: "X-Microsoft-Antispam") {
            let header = MicrosoftAntispam(parsing: field.value)
            microsoftAntispam = (header, host)
            bcl = header.bcl
        }
        if let (field, host) = first(.spamAssassin, named: "X-Spam-Status") {
            spamAssassin = (SpamAssassinStatus(parsing: field.value), host)
        }
        if let (field, host) = first(.rspamd, named: "X-Spamd-Result") {
            let action = rspamdAction.map { fields[$0].value.trimmingCharacters(in: .whitespaces).lowercased() }
            rspamd = (RspamdResult(parsing: field.value), action, host)
        }
    }

    /// Made once: `allCases` builds a new array on each call.
    private static let upstreamHeaders = UpstreamHeader.allCases
}
