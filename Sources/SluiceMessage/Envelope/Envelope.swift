import Foundation
import SluiceDiagnostics

/// The SMTP envelope and connection of a message (RFC 5321): what the receiving server saw,
/// which the header cannot be trusted to say. Each value records where it came from, so a trace
/// can tell a given fact from a recovered guess.
public struct Envelope: Sendable, Hashable, Codable {
    /// MAIL FROM; the empty string is the null reverse path `<>`.
    public var mailFrom: Sourced<String>?
    /// RCPT TO.
    public var recipients: Sourced<[String]>?
    public var clientIP: Sourced<IPAddress>?
    public var helo: Sourced<String>?
    /// Reverse DNS name of the client IP.
    public var ptr: Sourced<String>?

    public init() {}

    /// The text without `<`, `>`, space and tab at either end. All four are ASCII, so trimming
    /// bytes trims the same scalars Foundation's `trimmingCharacters(in:)` would, much faster.
    static func trimmingAngleBracketsAndSpace(_ text: String) -> String {
        func isTrimmed(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == 0x20 || byte == 0x09
        }
        return ASCII.withBytes(of: text) { bytes in
            var start = 0, end = bytes.count
            while start < end && isTrimmed(bytes[start]) { start += 1 }
            while end > start && isTrimmed(bytes[end - 1]) { end -= 1 }
            if start == 0 && end == bytes.count { return text }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }
}

/// A value and where it came from, in words (`--client-ip option`, `Return-Path header`).
public struct Sourced<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public var value: Value
    public var source: String

    public init(_ value: Value, source: String) {
        self.value = value
        self.source = source
    }
}

/// The envelope as given on the command line or in a JSON sidecar; every field optional.
public struct EnvelopeInput: Sendable, Hashable, Codable {
    public var mailFrom: String?
    public var rcptTo: [String]?
    public var clientIP: String?
    public var helo: String?
    public var ptr: String?

    public init(mailFrom: String? = nil, rcptTo: [String]? = nil, clientIP: String? = nil, helo: String? = nil, ptr: String? = nil) {
        self.mailFrom = mailFrom
        self.rcptTo = rcptTo
        self.clientIP = clientIP
        self.helo = helo
        self.ptr = ptr
    }

    /// Fields of `self` where set, else those of `fallback` (command-line options over a sidecar).
    public func overriding(_ fallback: EnvelopeInput) -> EnvelopeInput {
        EnvelopeInput(
            mailFrom: mailFrom ?? fallback.mailFrom, rcptTo: rcptTo ?? fallback.rcptTo,
            clientIP: clientIP ?? fallback.clientIP, helo: helo ?? fallback.helo, ptr: ptr ?? fallback.ptr)
    }
}

extension Envelope {
    /// Builds the envelope from what was given, filling the gaps from the message's trace headers:
    /// `Return-Path` for MAIL FROM; `Delivered-To`/`X-Original-To` or the `for` clause for RCPT TO;
    /// the `Received` header written by the first trusted host for the client IP, HELO and PTR,
    /// else Microsoft's `X-Forefront-Antispam-Report` (CIP, H, PTR).
    ///
    /// `trustedHosts` are the organization's own mail hosts (lower case). Without any, the topmost
    /// `Received` header is used and the source says so.
    public static func resolve(
        given: EnvelopeInput, givenBy: String, message: Message, trustedHosts: Set<String>
    ) -> (Envelope, [Diagnostic]) {
        var envelope = Envelope()
        var problems: [Diagnostic] = []

        if let mailFrom = given.mailFrom {
            let trimmed = ASCII.trimmed(mailFrom)
            let bare = trimmed == "<>" ? "" : trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            envelope.mailFrom = Sourced(bare, source: givenBy)
        } else if let returnPath = message.returnPath {
            envelope.mailFrom = Sourced(returnPath.address, source: "Return-Path header")
        }

        if let recipients = given.rcptTo, !recipients.isEmpty {
            envelope.recipients = Sourced(recipients.map(ASCII.unicodeLowercased), source: givenBy)
        } else {
            for (name, key) in [("Delivered-To", "delivered-to"), ("X-Original-To", "x-original-to"), ("Envelope-To", "envelope-to")] {
                let values = message.headers.all(key: key).map { ASCII.unicodeLowercased(Self.trimmingAngleBracketsAndSpace($0.value)) }
                    .filter { !$0.isEmpty }
                if !values.isEmpty {
                    envelope.recipients = Sourced(values, source: "\(name) header")
                    break
                }
            }
        }

        if let text = given.clientIP {
            if let address = IPAddress(text) {
                envelope.clientIP = Sourced(address, source: givenBy)
            } else {
                problems.append(Diagnostic(
                    "envelope.invalid-client-ip", .error, "client IP `\(text)` is not an IPv4 or IPv6 address"))
            }
        }
        if let helo = given.helo { envelope.helo = Sourced(helo, source: givenBy) }
        if let ptr = given.ptr { envelope.ptr = Sourced(ASCII.unicodeLowercased(ptr), source: givenBy) }

        if let (index, how) = connectingHop(message.received, trustedHosts: trustedHosts) {
            // Built at its length: interpolation would grow it on the way.
            var source = ""
            source.reserveCapacity(20 + how.utf8.count)
            source += "Received header "
            source += String(index + 1)
            source += " ("
            source += how
            source += ")"
            // Read in place (`received[index].x`): a copy of the header retains all it holds.
            if envelope.clientIP == nil, let address = message.received[index].connectingIP {
                envelope.clientIP = Sourced(address, source: source)
            }
            if envelope.helo == nil, let helo = message.received[index].helo { envelope.helo = Sourced(helo, source: source) }
            if envelope.ptr == nil, let ptr = message.received[index].reverseDNS {
                envelope.ptr = Sourced(ASCII.unicodeLowercased(ptr), source: source)
            }
            if envelope.recipients == nil, let recipient = message.received[index].for?.value {
                let address = ASCII.unicodeLowercased(Self.trimmingAngleBracketsAndSpace(recipient))
                if !address.isEmpty { envelope.recipients = Sourced([address], source: source) }
            }
        }
        if let report = message.upstream.forefront.first {
            let source = "X-Forefront-Antispam-Report header"
            if envelope.clientIP == nil, let address = report.cip { envelope.clientIP = Sourced(address, source: source) }
            if envelope.helo == nil, let helo = report.helo { envelope.helo = Sourced(helo, source: source) }
            if envelope.ptr == nil, let ptr = report.ptr { envelope.ptr = Sourced(ASCII.unicodeLowercased(ptr), source: source) }
        }
        return (envelope, problems)
    }

    /// The Received header that records the connection from outside: the topmost one written
    /// by a trusted host about a host that is not trusted.
    private static func connectingHop(_ received: [ReceivedHeader], trustedHosts: Set<String>) -> (Int, String)? {
        func isTrusted(_ name: String?) -> Bool {
            guard var host = name?.lowercased() else { return false }
            while host.hasSuffix(".") { host.removeLast() }
            return trustedHosts.contains { host == $0 || host.hasSuffix("." + $0) }
        }
        if trustedHosts.isEmpty {
            guard let index = received.indices.first(where: { received[$0].connectingIP != nil }) else { return nil }
            return (index, "topmost with an IP; no trusted host given")
        }
        /// The connecting host as the receiving host established it: its reverse DNS name. The
        /// from-name is the client's own HELO claim; it stands in only where no lookup is recorded
        /// (Exchange's internal hops give just an address), never where the lookup failed.
        func connectingName(_ hop: ReceivedHeader) -> String? {
            if let name = hop.reverseDNS { return name }
            let lookupFailed = hop.from?.comments.contains { $0.lowercased().hasPrefix("unknown") } ?? false
            return lookupFailed ? nil : hop.from?.value
        }
        for (index, hop) in received.enumerated() where isTrusted(hop.by?.value) {
            if isTrusted(connectingName(hop)) { continue }
            return (index, "written by trusted host \(hop.by!.value.lowercased())")
        }
        return nil
    }
}
