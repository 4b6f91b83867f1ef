import Foundation
import Testing

/// `sluice inspect`, run as a built binary.
@Suite("sluice inspect")
struct InspectCommandTests {
    let sample = SluiceBinary.fixture("rules/examples/messages/invoice-from-partner.eml")

    @Test("text output shows addresses, authentication, parts, URLs and problems")
    func textOutput() throws {
        let result = try SluiceBinary.run(["inspect", sample, "--trust-authserv", "mx1.contoso.example"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let out = result.stdout
        #expect(out.contains("From          Fabrikam Facturación <billing@fabrikam.example>"))
        #expect(out.contains("Subject       Invoice #2026-1147 – November services"))
        #expect(out.contains("mx1.contoso.example  trusted"))
        #expect(out.contains("dmarc=pass (p=quarantine dis=none) header.from=fabrikam.example"))
        #expect(out.contains("client IP   198.51.100.25  from Received header 1 (written by trusted host mx1.contoso.example)"))
        #expect(out.contains("\"Invoice 2026-1147.pdf\"  attachment"))
        #expect(out.contains("https://portal.fabrikam.example/invoices/2026-1147?ref=mail&lang=en"))
        #expect(out.contains("Problems\n  none"))
        #expect(!out.contains("\u{1B}["), "NO_COLOR is set, so there must be no escape codes")
        for line in out.split(separator: "\n") {
            #expect(line.count <= 100, "line wider than 100 columns: \(line)")
        }
    }

    @Test("without --trust-authserv the same results are shown as untrusted")
    func untrustedByDefault() throws {
        let result = try SluiceBinary.run(["inspect", sample])
        #expect(result.stdout.contains("mx1.contoso.example  untrusted"))
        #expect(result.stdout.contains("no trusted host given"))
    }

    @Test("json output is one document with the documented top-level shape")
    func jsonOutput() throws {
        let result = try SluiceBinary.run(["inspect", "--format", "json", sample, "--trust-authserv", "mx1.contoso.example"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "sluice.inspect/1")
        let messages = try #require(document["messages"] as? [[String: Any]])
        #expect(messages.count == 1)
        let report = messages[0]
        #expect((report["file"] as? String)?.hasSuffix("invoice-from-partner.eml") == true)
        let message = try #require(report["message"] as? [String: Any])
        let from = try #require(message["from"] as? [[String: Any]])
        #expect(from.first?["address"] as? String == "billing@fabrikam.example")
        #expect(message["subject"] as? String == "Invoice #2026-1147 – November services")
        #expect(message["date"] as? String == "2026-11-17T09:13:58Z")
        let attachments = try #require(message["attachments"] as? [[String: Any]])
        #expect(attachments.first?["filename"] as? String == "Invoice 2026-1147.pdf")
        #expect(attachments.first?["detectedType"] as? String == "pdf")
        let authentication = try #require(message["authentication"] as? [String: Any])
        let results = try #require(authentication["results"] as? [[String: Any]])
        #expect(results.first?["isTrusted"] as? Bool == true)
        let envelope = try #require(report["envelope"] as? [String: Any])
        let clientIP = try #require(envelope["clientIP"] as? [String: Any])
        #expect(clientIP["value"] as? String == "198.51.100.25")
    }

    @Test("jsonl prints one line per message, and directories are walked")
    func jsonLinesOverDirectory() throws {
        let directory = SluiceBinary.fixture("Tests/Fixtures/corpus/authheaders")
        let result = try SluiceBinary.run(["inspect", "--format", "jsonl", directory])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 13)  // twelve messages and the README, which reads as a headerless message
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["schema"] as? String == "sluice.inspect/1")
        }
    }

    @Test("standard input is read with -, and the envelope can be given on the command line")
    func standardInputAndEnvelope() throws {
        let message = Data("From: a@example.com\nSubject: hi\n\nhello\n".utf8)
        let result = try SluiceBinary.run(
            ["inspect", "-", "--client-ip", "2001:db8::25", "--mail-from", "<>", "--rcpt-to", "bob@contoso.example"],
            stdin: message)
        #expect(result.status == 0)
        #expect(result.stdout.contains("<stdin>"))
        #expect(result.stdout.contains("client IP   2001:db8::25  from command line"))
        #expect(result.stdout.contains("MAIL FROM   <>  from command line"))
        #expect(result.stdout.contains("RCPT TO     bob@contoso.example  from command line"))
    }

    @Test("an envelope sidecar fills what the options leave out")
    func envelopeSidecar() throws {
        let sidecar = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-envelope-\(UUID()).json")
        try Data(#"{"mailFrom": "bounce@partner.example", "clientIP": "192.0.2.9", "helo": "mta.partner.example"}"#.utf8)
            .write(to: sidecar)
        defer { try? FileManager.default.removeItem(at: sidecar) }
        let result = try SluiceBinary.run(["inspect", sample, "--envelope", sidecar.path, "--helo", "given.example"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("client IP   192.0.2.9  from command line and envelope file"))
        #expect(result.stdout.contains("HELO        given.example"))
        #expect(result.stdout.contains("MAIL FROM   bounce@partner.example"))
    }

    @Test("an unreadable file is reported on stderr, the others are still shown, and the exit status is 2")
    func unreadableFile() throws {
        let result = try SluiceBinary.run(["inspect", "/nonexistent/message.eml", sample])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: cannot read `/nonexistent/message.eml`"))
        #expect(result.stdout.contains("invoice-from-partner.eml"))
    }

    @Test("a malformed message is shown with its damage, and the exit status is still 0")
    func malformedMessage() throws {
        let result = try SluiceBinary.run(["inspect", SluiceBinary.fixture("Tests/Fixtures/corpus/mail-parser/mail_malformed_1")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("warning[mime.boundary-not-found]"))
    }

    @Test("a bad option value is a usage error with exit status 2")
    func usageError() throws {
        let result = try SluiceBinary.run(["inspect", sample, "--format", "yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("yaml"))
    }

    @Test("an invalid client IP is reported as a problem of the message")
    func invalidClientIP() throws {
        let result = try SluiceBinary.run(["inspect", sample, "--client-ip", "300.1.2.3"])
        #expect(result.stdout.contains("error[envelope.invalid-client-ip]: client IP `300.1.2.3` is not an IPv4 or IPv6 address"))
    }
}
