import Foundation
import SluiceDiagnostics
import SluiceMessage
import Testing

/// Key fields of real messages from public test suites (Tests/Fixtures/corpus), checked against
/// the raw files; each test names the part of the standard it exercises.
@Suite("Reading the corpus")
struct CorpusReadingTests {
    private func codes(_ message: Message) -> [String] { message.problems.map(\.code.rawValue) }

    @Test("every corpus message reads, keeps its size, and reports problems with stable codes",
          arguments: Fixtures.corpusMessages)
    func everyMessageReads(file: String) throws {
        let bytes = try Fixtures.bytes(file)
        let message = MessageReader().read(bytes)
        #expect(message.size == bytes.count)
        for problem in message.problems {
            #expect(problem.code.rawValue.contains("."), "code `\(problem.code)` has no area prefix")
            #expect(problem.message.first?.isUppercase != true, "message starts upper case: \(problem.message)")
            #expect(!problem.message.hasSuffix("."), "message ends with a period: \(problem.message)")
        }
    }

    @Test("RFC 2045 §6.8: a base64 GIF attachment decodes to its bytes, name and hash (cpython msg_07)")
    func base64Attachment() throws {
        let message = try Fixtures.message("cpython-test_email/msg_07.txt")
        let gif = try #require(message.attachments.first)
        #expect(gif.filename == "dingusfish.gif")
        #expect(gif.contentType == "image/gif")
        #expect(gif.disposition == "attachment")
        #expect(gif.size == 3_512)
        #expect(gif.sha256?.hasPrefix("354288075c6cd6c6") == true)
        #expect(gif.detectedType == .gif)
    }

    @Test("RFC 2183 §2.3: a PDF sent as application/octet-stream is found by name and by its bytes (mail_test_10)")
    func pdfAttachment() throws {
        let message = try Fixtures.message("mail-parser/mail_test_10")
        let pdf = try #require(message.attachments.first { $0.filename?.hasSuffix(".pdf") == true })
        #expect(pdf.filename == "Move To Eight ZWEP6227F.pdf")
        #expect(pdf.contentType == "application/octet-stream")
        #expect(pdf.size == 140_061)
        #expect(pdf.sha256?.hasPrefix("cf199f10569d1c38") == true)
        #expect(pdf.detectedType == .pdf)
    }

    @Test("RFC 2046 §5.1.5: parts of a multipart/digest default to message/rfc822 (cpython msg_02)")
    func digest() throws {
        let message = try Fixtures.message("cpython-test_email/msg_02.txt")
        let digest = try #require(message.root.children.first { $0.contentType == "multipart/digest" })
        #expect(digest.path == "3")
        #expect(digest.children.count == 5)
        for entry in digest.children {
            #expect(entry.contentType == "message/rfc822")
            #expect(entry.children.count == 1)
            #expect(entry.children.first?.contentType == "text/plain")
        }
        #expect(message.subject == "Ppp digest, Vol 1 #2 - 5 msgs")
        #expect(message.sender?.address == "ppp-admin@zzz.org")
    }

    @Test("RFC 2231 §4: a charset parameter given in extended form (cpython msg_32)")
    func extendedParameter() throws {
        let message = try Fixtures.message("cpython-test_email/msg_32.txt")
        #expect(message.root.charset == "us-ascii")
        #expect(message.root.disposition == "inline")
    }

    @Test("RFC 2047 §6.2: a Subject in two folded base64 words decodes as one string (mail_test_6)")
    func encodedWordSubject() throws {
        let message = try Fixtures.message("mail-parser/mail_test_6")
        #expect(message.subject == "Быстрее вкладывайте в золото!")
    }

    @Test("RFC 8601 §2.2: results, properties and comments of a real Authentication-Results (mail_test_6)")
    func authenticationResults() throws {
        let untrusted = try Fixtures.message("mail-parser/mail_test_6")
        let results = try #require(untrusted.authentication.results.first)
        #expect(results.authservID == "mxs.test.it")
        #expect(!results.isTrusted)
        let spf = try #require(results.results(for: "spf").first)
        #expect(spf.result == "pass")
        #expect(spf.property("smtp.mailfrom") == "noreply@ggg.com")
        #expect(spf.property("smtp.helo") == "smtp11.ggg.com")
        #expect(spf.comments.first?.contains("designates 66.202.209.213") == true)
        #expect(results.results(for: "dkim").first?.property("header.d") == "ggg.com")

        let trusted = try Fixtures.message(
            "mail-parser/mail_test_6", options: ReadOptions(trustedAuthservIDs: ["MXS.test.it"]))
        #expect(trusted.authentication.results.first?.isTrusted == true)
        #expect(trusted.authentication.trusted.count == 1)
    }

    @Test("RFC 7208 §9.1: Received-SPF result, comment and key-value pairs (mail_test_17)")
    func receivedSPF() throws {
        let message = try Fixtures.message("mail-parser/mail_test_17")
        let spf = try #require(message.authentication.receivedSPF.first)
        #expect(spf.result == "none")
        #expect(spf.clientIP?.description == "152.228.133.10")
        #expect(spf.receiver == "mailb.triara.com")
        #expect(spf.identity == "mailfrom")
    }

    @Test("RFC 5322 §3.6.2: two From mailboxes without a Sender are kept and reported (authheaders multi2)")
    func multipleAuthors() throws {
        let message = try Fixtures.message("authheaders/test.message_multi2")
        #expect(message.from.map(\.address) == ["test@example.com", "spoof@example.org"])
        #expect(codes(message).contains("header.multiple-authors-without-sender"))
    }

    @Test("RFC 5322 §3.4: a display name that looks like an address is not the address (mail_test_15)")
    func displayNameLure() throws {
        let message = try Fixtures.message("mail-parser/mail_test_15")
        let author = try #require(message.author)
        #expect(author.address == "do-not-reply@ncs.gov.ng")
        #expect(author.displayName == "purchasing@aquillaindustries.com")
    }

    @Test("RFC 5321 §4.4: an mbox From line is skipped and Return-Path gives the reverse path (dsn_01)")
    func mboxLineAndReturnPath() throws {
        let message = try Fixtures.message("flufl-bounce/dsn_01.txt")
        #expect(codes(message).contains("header.mbox-from-line"))
        #expect(message.returnPath == .address(Mailbox(localPart: "jpython-interest-admin", domain: "python.org")))
    }

    @Test("RFC 6532 §3.2 and mail clients: raw 8-bit Subject read in the charset the message declares (sina_01)")
    func eightBitSubject() throws {
        let message = try Fixtures.message("flufl-bounce/sina_01.txt")
        #expect(message.subject == "邮件传输失败！")
        #expect(codes(message).contains("header.not-utf8"))
    }

    @Test("RFC 5322 §3.6.7: the Received chain, topmost first, with the connecting IPs (mail_test_2)")
    func receivedChain() throws {
        let message = try Fixtures.message("mail-parser/mail_test_2")
        #expect(message.received.count == 4)
        let hop = message.received[1]
        #expect(hop.from?.value == "smtp2.regione.vda.it")
        #expect(hop.by?.value == "smtp.customers.net")
        #expect(hop.connectingIP?.description == "217.76.210.112")
        #expect(message.received[3].connectingIP?.description == "172.30.2.196" || message.received[2].connectingIP?.description == "172.30.2.196")
    }

    @Test("RFC 5321 §4.4: the client IP comes from the Received header the trusted host wrote (mail_test_2)")
    func envelopeFromTrustedHop() throws {
        let message = try Fixtures.message("mail-parser/mail_test_2")
        let (envelope, problems) = Envelope.resolve(
            given: EnvelopeInput(), givenBy: "test", message: message, trustedHosts: ["smtp.customers.net"])
        #expect(problems.isEmpty)
        #expect(envelope.clientIP?.value.description == "217.76.210.112")
        #expect(envelope.clientIP?.source.contains("smtp.customers.net") == true)
        #expect(envelope.mailFrom?.value == "meteo@regione.vda.it")
        #expect(envelope.recipients?.value == ["mporcile@server_mail.it"])
    }

    @Test("RFC 2046 §5.1.1: a nested multipart that reuses its parent's boundary is reported, and its text still read (mail_malformed_1)")
    func reusedBoundary() throws {
        let message = try Fixtures.message("mail-parser/mail_malformed_1")
        #expect(codes(message).contains("mime.boundary-not-found"))
        #expect(message.subject == "immagine")
        #expect(message.root.leaves.contains { $0.content?.text?.isEmpty == false })
    }

    @Test("the GTUBE string is in the decoded body text (SpamAssassin sample-spam)")
    func gtubeBody() throws {
        let message = try Fixtures.message("spamassassin-samples/sample-spam.txt")
        let text = try #require(message.root.content?.text)
        #expect(text.contains("XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"))
        #expect(message.problems.isEmpty)
    }

    @Test("SpamAssassin X-Spam-Status in the older `hits=` form with the flag header (dkimpy message.mbox)")
    func spamAssassinStatus() throws {
        let message = try Fixtures.message("dkimpy/message.mbox")
        let status = try #require(message.upstream.spamAssassin)
        #expect(status.isSpam == false)
        #expect(status.status?.score == -102.4)
        #expect(status.status?.required == 3.5)
        #expect(status.status?.tests.map(\.name).contains("USER_IN_WHITELIST") == true)
    }
}
