import SluiceDiagnostics
import Testing

@testable import SluiceMessage

private func resolve(
    _ text: String, given: EnvelopeInput = EnvelopeInput(), trusted: Set<String> = []
) -> (Envelope, [Diagnostic]) {
    Envelope.resolve(given: given, givenBy: "--option", message: Fixtures.message(text: text), trustedHosts: trusted)
}

private func ip(_ text: String) -> IPAddress { IPAddress(text)! }

/// A message that went sender → mx1 (the organization's edge) → mx2 (internal) → mailbox.
private let relayed = """
    Return-Path: <Bounce+123@Sender.Example>
    Delivered-To: Alice@Corp.Example
    Received: from mx1.corp.example (mx1.corp.example [10.0.0.5])
    \tby mx2.corp.example (Postfix) with ESMTP id 2; Mon, 1 Jan 2024 10:00:02 +0000
    Received: from mail.sender.example (mail.sender.example [203.0.113.5])
    \tby mx1.corp.example (Postfix) with ESMTPS id 1
    \tfor <alice@corp.example>; Mon, 1 Jan 2024 10:00:01 +0000
    Received: from laptop (unknown [192.168.1.20])
    \tby mail.sender.example (Postfix) with ESMTPSA id 0; Mon, 1 Jan 2024 10:00:00 +0000
    From: bob@sender.example
    Subject: hi

    body
    """

@Suite("Envelope recovery (RFC 5321 §4.4)")
struct EnvelopeResolveTests {
    @Test("RFC 5321 §3.3: given values win over every header and say where they came from")
    func givenWins() {
        let given = EnvelopeInput(
            mailFrom: " <Given@Example.com> ", rcptTo: ["Bob@Corp.Example", "carol@corp.example"],
            clientIP: "198.51.100.7", helo: "Given.Helo", ptr: "Host.Example.NET")
        let (envelope, problems) = resolve(relayed, given: given, trusted: ["corp.example"])
        #expect(envelope.mailFrom == Sourced("Given@Example.com", source: "--option"))
        #expect(envelope.recipients == Sourced(["bob@corp.example", "carol@corp.example"], source: "--option"))
        #expect(envelope.clientIP == Sourced(ip("198.51.100.7"), source: "--option"))
        #expect(envelope.helo == Sourced("Given.Helo", source: "--option"))
        #expect(envelope.ptr == Sourced("host.example.net", source: "--option"))
        #expect(problems.isEmpty)
    }

    @Test("RFC 5321 §4.5.5: a given `<>` is the null reverse path")
    func givenNullPath() {
        let (envelope, _) = resolve(relayed, given: EnvelopeInput(mailFrom: "<>"))
        #expect(envelope.mailFrom == Sourced("", source: "--option"))
    }

    @Test("RFC 5321 §4.4: Return-Path gives MAIL FROM when none is given")
    func returnPath() {
        let (envelope, _) = resolve(relayed)
        #expect(envelope.mailFrom == Sourced("Bounce+123@sender.example", source: "Return-Path header"))
    }

    @Test("RFC 5321 §4.5.5: `Return-Path: <>` is the null reverse path, not a missing one")
    func returnPathNull() {
        for value in ["<>", "< >", " <>  "] {
            let (envelope, _) = resolve("Return-Path: \(value)\nFrom: mailer-daemon@x.example\n\nbounce\n")
            #expect(envelope.mailFrom == Sourced("", source: "Return-Path header"), "\(value)")
        }
        let (none, _) = resolve("From: a@x.example\n\nbody\n")
        #expect(none.mailFrom == nil)
    }

    @Test("RFC 9228 §4: Delivered-To gives RCPT TO, lower-cased and without brackets, every field in order")
    func deliveredTo() {
        let (envelope, _) = resolve(
            "Delivered-To: <Alice@Corp.Example>\nDelivered-To: list@corp.example\nX-Original-To: other@corp.example\n"
                + "From: a@x.example\n\nbody\n")
        #expect(envelope.recipients == Sourced(["alice@corp.example", "list@corp.example"], source: "Delivered-To header"))
    }

    @Test("Postfix local(8) X-Original-To: used when there is no Delivered-To; an empty field is skipped")
    func originalTo() {
        let (envelope, _) = resolve(
            "Delivered-To: <>\nX-Original-To: Bob@Corp.Example\nFrom: a@x.example\n\nbody\n")
        #expect(envelope.recipients == Sourced(["bob@corp.example"], source: "X-Original-To header"))
    }

    @Test("RFC 5321 §4.4: with trusted hosts, the hop written by a trusted host about an outside host is used")
    func trustedHop() {
        let (envelope, problems) = resolve(relayed, trusted: ["corp.example"])
        let source = "Received header 2 (written by trusted host mx1.corp.example)"
        #expect(envelope.clientIP == Sourced(ip("203.0.113.5"), source: source))
        #expect(envelope.helo == Sourced("mail.sender.example", source: source))
        #expect(envelope.ptr == Sourced("mail.sender.example", source: source))
        // Delivered-To comes before the `for` clause.
        #expect(envelope.recipients?.source == "Delivered-To header")
        #expect(problems.isEmpty)
    }

    @Test("RFC 5321 §4.4: the `for` clause of the connecting hop gives RCPT TO when no header does")
    func forClause() {
        let text = relayed.replacingOccurrences(of: "Delivered-To: Alice@Corp.Example\n", with: "")
        let (envelope, _) = resolve(text, trusted: ["mx1.corp.example", "mx2.corp.example"])
        #expect(envelope.recipients == Sourced(
            ["alice@corp.example"], source: "Received header 2 (written by trusted host mx1.corp.example)"))
    }

    @Test("RFC 5321 §4.4: a trusted name matches itself and its subdomains, not look-alikes")
    func trustedSuffix() {
        let text = """
            Received: from mail.sender.example (mail.sender.example [203.0.113.5])
            \tby mx.evilcorp.example; Mon, 1 Jan 2024 10:00:01 +0000
            Received: from x (x [198.51.100.1]) by MX.Corp.Example.; Mon, 1 Jan 2024 10:00:00 +0000
            From: a@x.example

            body
            """
        let (envelope, _) = resolve(text, trusted: ["corp.example"])
        #expect(envelope.clientIP?.value == ip("198.51.100.1"))
        #expect(envelope.clientIP?.source.hasPrefix("Received header 2 (written by trusted host mx.corp.example") == true)
    }

    @Test("RFC 5321 §4.4: without trusted hosts the topmost Received with an IP is used, and says so")
    func noTrustedHosts() {
        let text = "Received: by localhost with local; Mon, 1 Jan 2024 10:00:03 +0000\n" + relayed
        let (envelope, _) = resolve(text)
        let source = "Received header 2 (topmost with an IP; no trusted host given)"
        #expect(envelope.clientIP == Sourced(ip("10.0.0.5"), source: source))
        #expect(envelope.helo?.value == "mx1.corp.example")
    }

    @Test("RFC 5321 §4.4: a hop whose trusted-looking name is only the client's HELO is not internal")
    func heloSpoof() {
        let text = """
            Received: from mx1.corp.example (attacker.example [203.0.113.66])
            \tby mx1.corp.example (Postfix) with ESMTP id 9; Mon, 1 Jan 2024 10:00:01 +0000
            Received: from forged (forged [10.9.9.9]) by mx1.corp.example; Mon, 1 Jan 2024 10:00:00 +0000
            From: ceo@corp.example

            body
            """
        let (envelope, _) = resolve(text, trusted: ["corp.example"])
        #expect(envelope.clientIP?.value == ip("203.0.113.66"))
        #expect(envelope.ptr?.value == "attacker.example")
        #expect(envelope.helo?.value == "mx1.corp.example")
    }

    @Test("RFC 5321 §4.4: a trusted HELO name does not make a hop internal when the reverse lookup failed")
    func heloSpoofUnknownPTR() {
        let text = """
            Received: from mx1.corp.example (unknown [203.0.113.66])
            \tby mx2.corp.example (Postfix) with ESMTP id 9; Mon, 1 Jan 2024 10:00:01 +0000
            Received: from forged (forged [10.9.9.9]) by mx1.corp.example; Mon, 1 Jan 2024 10:00:00 +0000
            From: ceo@corp.example

            body
            """
        let (envelope, _) = resolve(text, trusted: ["corp.example"])
        #expect(envelope.clientIP == Sourced(
            ip("203.0.113.66"), source: "Received header 1 (written by trusted host mx2.corp.example)"))
        #expect(envelope.ptr == nil)
    }

    @Test("RFC 5321 §4.4: an internal hop named only by its HELO (no reverse DNS) is still skipped")
    func internalHopWithoutReverseDNS() {
        let text = """
            Received: from DM6PR11MB0001.namprd11.prod.outlook.com (2603:10b6:5:1d8::20)
            \tby DM6PR11MB0002.namprd11.prod.outlook.com with HTTPS; Mon, 1 Jan 2024 10:00:02 +0000
            Received: from mail.sender.example (mail.sender.example [203.0.113.5])
            \tby DM6PR11MB0001.namprd11.prod.outlook.com with ESMTPS; Mon, 1 Jan 2024 10:00:01 +0000
            From: a@sender.example

            body
            """
        let (envelope, _) = resolve(text, trusted: ["prod.outlook.com"])
        #expect(envelope.clientIP?.value == ip("203.0.113.5"))
        #expect(envelope.clientIP?.source.hasPrefix("Received header 2 ") == true)
    }

    @Test("Microsoft antispam reference §6.1: X-Forefront-Antispam-Report CIP, H and PTR fill what Received does not")
    func forefrontFallback() {
        let text = """
            Received: from x (x [198.51.100.1]) by mx.other.example; Mon, 1 Jan 2024 10:00:00 +0000
            X-Forefront-Antispam-Report: CIP:203.0.113.9;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;
             H:mail.sender.example;PTR:Mail.Sender.Example;CAT:NONE;SFS:;DIR:INB;
            From: a@x.example

            body
            """
        let (envelope, _) = resolve(text, trusted: ["corp.example"])
        let source = "X-Forefront-Antispam-Report header"
        #expect(envelope.clientIP == Sourced(ip("203.0.113.9"), source: source))
        #expect(envelope.helo == Sourced("mail.sender.example", source: source))
        #expect(envelope.ptr == Sourced("mail.sender.example", source: source))
    }

    @Test("Microsoft antispam reference §6.1: the connecting Received hop comes before Forefront")
    func receivedBeforeForefront() {
        let text = "X-Forefront-Antispam-Report: CIP:203.0.113.9;H:other.example\n" + relayed
        let (envelope, _) = resolve(text, trusted: ["corp.example"])
        #expect(envelope.clientIP?.value == ip("203.0.113.5"))
        #expect(envelope.helo?.value == "mail.sender.example")
    }

    @Test("RFC 5321 §4.1.3: an invalid given client IP is an error and the headers are used instead")
    func invalidClientIP() throws {
        let (envelope, problems) = resolve(
            relayed, given: EnvelopeInput(clientIP: "999.1.2.3"), trusted: ["corp.example"])
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.code == "envelope.invalid-client-ip")
        #expect(problem.severity == .error)
        #expect(problem.message == "client IP `999.1.2.3` is not an IPv4 or IPv6 address")
        #expect(envelope.clientIP?.value == ip("203.0.113.5"))
    }

    @Test("RFC 5321 §4.1.3: a given IPv6 client address is accepted")
    func givenIPv6() {
        let (envelope, problems) = resolve(relayed, given: EnvelopeInput(clientIP: "2001:db8::25"))
        #expect(envelope.clientIP == Sourced(ip("2001:db8::25"), source: "--option"))
        #expect(problems.isEmpty)
    }

    @Test("RFC 5321 §4.4: a message without trace fields gives an empty envelope")
    func nothingToRecover() {
        let (envelope, problems) = resolve("From: a@x.example\n\nbody\n", trusted: ["corp.example"])
        #expect(envelope == Envelope())
        #expect(problems.isEmpty)
    }

    @Test("EnvelopeInput.overriding: command-line fields override the sidecar's, field by field")
    func overriding() {
        let cli = EnvelopeInput(mailFrom: "cli@x.example", clientIP: "192.0.2.1")
        let sidecar = EnvelopeInput(mailFrom: "file@x.example", rcptTo: ["r@x.example"], clientIP: "192.0.2.2", helo: "h")
        #expect(cli.overriding(sidecar) == EnvelopeInput(
            mailFrom: "cli@x.example", rcptTo: ["r@x.example"], clientIP: "192.0.2.1", helo: "h"))
    }
}
