import SluiceChecking
import SluiceMessage

/// What the evaluator reads from one message for one recipient, gathered once: addresses,
/// trusted upstream verdicts, authentication. Every stage takes its inputs from here.
struct MessageFacts {
    var message: Message
    var envelope: Envelope
    var recipient: EmailAddress
    var from: Mailbox?
    var authentication: CompositeAuthentication
    var upstream: TrustedUpstream

    /// The envelope MAIL FROM, else the `Sender` header.
    var senderAddress: String? {
        if let mailFrom = envelope.mailFrom?.value, !mailFrom.isEmpty { return mailFrom.lowercased() }
        return message.sender.map { $0.address.lowercased() }
    }
}

/// Verdict headers from upstream filters, believed only when a host the policy trusts for that
/// header received the message before the header was written: a header standing above a
/// trusted host's `Received` line was added at or after that host, so a sender cannot forge it.
struct TrustedUpstream {
    var forefront: (report: ForefrontAntispamReport, host: String)?
    var microsoftAntispam: (header: MicrosoftAntispam, host: String)?
    var spamAssassin: (status: SpamAssassinStatus, host: String)?
    var rspamd: (result: RspamdResult, action: String?, host: String)?

    var bcl: Int? { microsoftAntispam?.header.bcl }
    var scl: Int? { forefront?.report.scl }

    init(message: Message, trust: [UpstreamTrust], trace: inout TraceStage) {
        let receivedFields = message.headers.all("Received")
        func trustedHost(for header: UpstreamHeader, above offset: Int) -> String? {
            let hosts = Set(trust.filter { $0.header == header }.flatMap(\.hosts))
            guard !hosts.isEmpty else { return nil }
            for (index, field) in receivedFields.enumerated() where field.offset > offset && index < message.received.count {
                if let by = message.received[index].by?.value.lowercased(), hosts.contains(by) { return by }
            }
            return nil
        }
        func first(_ header: UpstreamHeader, named name: String) -> (field: HeaderField, host: String)? {
            for field in message.headers.all(name) {
                if let host = trustedHost(for: header, above: field.offset) { return (field, host) }
            }
            if !message.headers.all(name).isEmpty {
                trace.steps.append(TraceStep(
                    "upstream `\(name)`", .declined,
                    "present but not trusted: no `Received` line below it from a host trusted for it (upstream { trust \(name) from … })"))
            }
            return nil
        }
        if let (field, host) = first(.forefront, named: "X-Forefront-Antispam-Report") {
            forefront = (ForefrontAntispamReport(parsing: field.value), host)
        }
        if let (field, host) = first(.microsoftAntispam, named: "X-Microsoft-Antispam") {
            microsoftAntispam = (MicrosoftAntispam(parsing: field.value), host)
        }
        if let (field, host) = first(.spamAssassin, named: "X-Spam-Status") {
            spamAssassin = (SpamAssassinStatus(parsing: field.value), host)
        }
        if let (field, host) = first(.rspamd, named: "X-Spamd-Result") {
            let action = message.headers.first("X-Rspamd-Action")?.value.trimmingCharacters(in: .whitespaces).lowercased()
            rspamd = (RspamdResult(parsing: field.value), action, host)
        }
    }
}
