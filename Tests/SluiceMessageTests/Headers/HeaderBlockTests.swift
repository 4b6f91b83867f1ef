import SluiceDiagnostics
import Testing

@testable import SluiceMessage

private func codes(_ message: Message) -> [String] {
    message.problems.map(\.code.rawValue).filter { $0 != "header.missing-from" }
}

private func read(_ bytes: [UInt8], limits: ReadLimits = .standard) -> Message {
    MessageReader(options: ReadOptions(limits: limits)).read(bytes)
}

@Suite("Header block (RFC 5322 §2.2, §3.6, §4.5)")
struct HeadersBlockTests {
    @Test("RFC 5322 §2.2.3: unfolding removes the line breaks and keeps the white space", arguments: [false, true])
    func unfolding(crlf: Bool) throws {
        let message = Fixtures.message(
            text: "Subject: a long\n  subject\n\tthat folds\nX-Other: y\n\nbody\n", crlf: crlf)
        let field = try #require(message.headers.first("Subject"))
        #expect(field.value == "a long  subject\tthat folds")
        let lineBreak = crlf ? "\r\n" : "\n"
        #expect(field.raw == " a long\(lineBreak)  subject\(lineBreak)\tthat folds")
        #expect(message.subject == "a long  subject\tthat folds")
        #expect(message.headers.map(\.name) == ["Subject", "X-Other"])
        #expect(message.root.content?.text == "body" + lineBreak)
    }

    @Test("RFC 5322 §3.6: duplicate fields are all kept, in order")
    func duplicates() {
        let message = Fixtures.message(
            text: "Received: from c by d\nX-A: 1\nReceived: from b by c\nreceived: from a by b\n\nbody\n")
        #expect(message.headers.all("RECEIVED").map(\.value) == ["from c by d", "from b by c", "from a by b"])
        #expect(message.headers.all("Received").map(\.name) == ["Received", "Received", "received"])
        #expect(message.headers.first("received")?.value == "from c by d")
        #expect(message.headers["x-a"] == "1")
        #expect(message.headers["X-Missing"] == nil)
        #expect(message.received.count == 3)
    }

    @Test("RFC 5322 §3.6: field offsets point at each field's first byte")
    func offsets() {
        let message = Fixtures.message(text: "A: 1\nBb: 22\n folded\nC: 3\n\n", crlf: true)
        #expect(message.headers.map(\.offset) == [0, 6, 23])
    }

    @Test("RFC 5322 §4.5.3: white space between the field name and the colon is allowed")
    func whitespaceBeforeColon() {
        let message = Fixtures.message(text: "Subject \t: spaced\nTo : a@x.example\n\nbody\n")
        #expect(message.headers.map(\.name) == ["Subject", "To"])
        #expect(message.subject == "spaced")
        #expect(message.to.map(\.address) == ["a@x.example"])
        #expect(codes(message).isEmpty)
    }

    @Test("RFC 4155 §2: a leading mbox `From ` line is skipped and noted")
    func mboxFromLine() throws {
        let message = Fixtures.message(
            text: "From sender@example.com Mon Jan  1 10:00:00 2024\nFrom: sender@example.com\nSubject: s\n\nbody\n")
        #expect(message.headers.map(\.name) == ["From", "Subject"])
        #expect(message.author?.address == "sender@example.com")
        let note = try #require(message.problems.first { $0.code == "header.mbox-from-line" })
        #expect(note.severity == .info)
        #expect(message.problems.count == 1)
    }

    @Test("RFC 5322 §4.5.3: `From :` on the first line is a field, not an mbox `From ` line")
    func fromFieldWithSpaceIsNotMbox() {
        let message = Fixtures.message(text: "From : alice@example.com\nSubject: s\n\nbody\n")
        #expect(message.headers.map(\.name) == ["From", "Subject"])
        #expect(message.author?.address == "alice@example.com")
        #expect(message.problems.isEmpty)
    }

    @Test("RFC 4155 §2: only the very first line may be an mbox `From ` line")
    func mboxFromLaterIsBody() throws {
        let message = Fixtures.message(text: "Subject: s\nFrom someone else\n\nbody\n")
        #expect(message.headers.map(\.name) == ["Subject"])
        #expect(codes(message) == ["header.missing-separator"])
        #expect(message.root.content?.text == "From someone else\n\nbody\n")
    }

    @Test("RFC 5322 §2.1: a line that is not a field ends the header block and starts the body")
    func missingSeparator() throws {
        let message = Fixtures.message(text: "Subject: hi\nFrom: a@x.example\nThis is the body.\nMore body.\n")
        #expect(message.headers.map(\.name) == ["Subject", "From"])
        #expect(message.root.content?.text == "This is the body.\nMore body.\n")
        let problem = try #require(message.problems.first { $0.code == "header.missing-separator" })
        #expect(problem.message == "line 3 of the header block is not a header field; the body is taken to start there")
        #expect(problem.location == .message(MessageLocation(part: "", byteOffset: 30)))
    }

    @Test(
        "RFC 5322 §3.6.8: a field name is printable ASCII without colon or space",
        arguments: ["Bad Name: x", ": no name", "Nämé: x", "NoColonHere"])
    func invalidFieldNames(line: String) {
        let message = Fixtures.message(text: "Subject: s\n\(line)\n\nbody\n")
        #expect(message.headers.map(\.name) == ["Subject"])
        // The body is us-ascii by default, so `Nämé` there is also reported as mislabelled.
        #expect(codes(message).filter { $0.hasPrefix("header.") } == ["header.missing-separator"])
        #expect(message.root.bodyRange.lowerBound == "Subject: s\n".utf8.count)
    }

    @Test("RFC 5322 §2.2.3: a folded line with no field before it is ignored and reported")
    func orphanContinuation() throws {
        let message = Fixtures.message(text: "  orphan text\nSubject: hi\n\nbody\n")
        #expect(message.headers.map(\.name) == ["Subject"])
        #expect(message.subject == "hi")
        let problem = try #require(message.problems.first { $0.code == "header.orphan-continuation" })
        #expect(problem.location == .message(MessageLocation(part: "", byteOffset: 0)))
        #expect(message.root.content?.text == "body\n")
    }

    @Test("RFC 5322 §2.2: a header block that runs to the end of the message has an empty body")
    func noBody() {
        let message = Fixtures.message(text: "From: a@x.example\nSubject: last")
        #expect(message.subject == "last")
        #expect(message.root.content?.size == 0)
        #expect(message.problems.isEmpty)
    }

    @Test("RFC 5322 §3.2.3: a field may have an empty body")
    func emptyFieldBody() {
        let message = Fixtures.message(text: "From: a@x.example\nX-Empty:\nX-Blank:   \n\nbody\n")
        #expect(message.headers["X-Empty"] == "")
        #expect(message.headers["X-Blank"] == "")
    }

    @Test("RFC 6532 §3.2: UTF-8 in header fields is read as UTF-8 and not reported")
    func utf8Headers() {
        let message = read(Array("From: Jörg <jörg@bücher.example>\nSubject: Grüße 🙂\n\nbody\n".utf8))
        #expect(message.subject == "Grüße 🙂")
        #expect(message.author?.displayName == "Jörg")
        #expect(message.author?.domain == "bücher.example")
        #expect(message.problems.isEmpty)
    }

    @Test("RFC 6532 §3: 8-bit header bytes that are not UTF-8 are read as windows-1252 and reported")
    func eightBitFallback() throws {
        var bytes = Array("From: a@x.example\nSubject: caf".utf8)
        bytes += [0xE9, 0x20, 0x80, 0x35]
        bytes += Array("\n\nbody\n".utf8)
        let message = read(bytes)
        #expect(message.subject == "café €5")
        let problem = try #require(message.problems.first { $0.code == "header.not-utf8" })
        #expect(problem.message.contains("`Subject`"))
        #expect(problem.message.hasSuffix("read as windows-1252"))
        #expect(problem.location == .message(MessageLocation(part: "", header: "Subject", byteOffset: 18)))
    }

    @Test("RFC 2045 §4: raw 8-bit header text is read in the charset the message declares")
    func eightBitDeclaredCharset() throws {
        var bytes = Array("From: a@x.example\nSubject: Pozdrawiam ".utf8)
        bytes += [0xB1, 0xB6]  // `ąś` in ISO-8859-2, `±¶` in windows-1252
        bytes += Array("\nContent-Type: text/plain; charset=iso-8859-2\n\nbody\n".utf8)
        let message = read(bytes)
        #expect(message.subject == "Pozdrawiam ąś")
        let problem = try #require(message.problems.first { $0.code == "header.not-utf8" })
        #expect(problem.message.hasSuffix("read as iso-8859-2"))
    }

    @Test("RFC 5322 §2.1.1: a header line over 998 characters is reported once, not cut")
    func longLine() {
        let long = String(repeating: "x", count: 1200)
        let message = Fixtures.message(text: "From: a@x.example\nX-Long: \(long)\nX-Long2: \(long)\n\nbody\n")
        #expect(message.headers["X-Long"] == long)
        #expect(codes(message) == ["header.line-too-long"])
    }

    @Test("ReadLimits.maxHeaderFields: fields past the field limit are counted and reported, not kept")
    func fieldLimit() throws {
        let message = read(
            Array("From: a@x.example\nA: 1\nB: 2\nC: 3\n\nbody\n".utf8), limits: ReadLimits(maxHeaderFields: 2))
        #expect(message.headers.map(\.name) == ["From", "A"])
        let problem = try #require(message.problems.first { $0.code == "limit.header-fields" })
        #expect(problem.message == "the header block has 4 fields; only the first 2 are read")
        #expect(message.root.content?.text == "body\n")
    }

    @Test("ReadLimits.maxHeaderFieldBytes: a field longer than the byte limit is cut and reported")
    func fieldByteLimit() {
        let message = read(
            Array("From: a@x.example\nX-Big: 0123456789\n  abcdef\n\nbody\n".utf8),
            limits: ReadLimits(maxHeaderFieldBytes: 12))
        #expect(message.headers["X-Big"] == "0123456789")
        #expect(message.problems.map(\.code.rawValue) == ["header.field-too-long"])
    }

    @Test("RFC 5322 §3.5: a message with no header fields is reported")
    func noFields() {
        let message = Fixtures.message(text: "\nonly a body\n")
        #expect(message.headers.isEmpty)
        #expect(message.root.content?.text == "only a body\n")
        #expect(message.problems.map(\.code.rawValue).contains("message.no-header-fields"))
    }

    @Test("RFC 5322 §2.2 (obs-FWS, §4.2): a line of white space continues the field; it does not end the block")
    func whitespaceOnlyLine() {
        let message = Fixtures.message(text: "Subject: a\n \nX-Next: b\n\nbody\n")
        #expect(message.headers.map(\.name) == ["Subject", "X-Next"])
        #expect(message.subject == "a")
        #expect(message.root.content?.text == "body\n")
    }

    @Test("RFC 5322 §2.2.3: a folded field longer than any scratch buffer on the stack, or holding UTF-8 and a stray CR, unfolds whole")
    func unfoldingLongAndNonASCII() throws {
        let words = (0..<400).map { "word\($0)" }
        let long = Fixtures.message(text: "X-Long: " + words.joined(separator: "\n ") + "\n\nbody\n", crlf: true)
        #expect(long.headers.first("X-Long")?.value == words.joined(separator: " "))
        let mixed = Fixtures.message(text: "Subject: caf\u{E9}\r\u{2603}\n\tna\u{EF}ve\n\nbody\n")
        #expect(mixed.headers.first("Subject")?.value == "caf\u{E9}\u{2603}\tna\u{EF}ve")
    }
}
