import SluiceDiagnostics
import Testing

@testable import SluiceMessage

/// Problem codes, without the missing `From` that most of these bare messages have.
private func codes(_ message: Message) -> [String] {
    message.problems.map(\.code.rawValue).filter { $0 != "header.missing-from" }
}

private func part(_ message: Message, _ path: String) -> MIMEPart? {
    message.root.allParts.first { $0.path == path }
}

private func options(_ features: ReadFeatures = .all, limits: ReadLimits = .standard) -> ReadOptions {
    ReadOptions(limits: limits, features: features)
}

private let mixed = """
    From: a@example.com
    Subject: mixed
    MIME-Version: 1.0
    Content-Type: multipart/mixed; boundary="XYZ"

    This is the preamble; readers ignore it.
    --XYZ
    Content-Type: text/plain; charset=utf-8

    hello
    --XYZ
    Content-Type: text/html; charset=utf-8

    <p>hi</p>
    --XYZ--
    This is the epilogue.
    """

@Suite("MIME tree (RFC 2045, RFC 2046)")
struct MIMETreeTests {
    @Test("RFC 2045 §5.2: without Content-Type a message is text/plain, us-ascii, 7bit")
    func defaults() throws {
        let message = Fixtures.message(text: "From: a@example.com\n\nplain body\n")
        #expect(message.root.path == "")
        #expect(message.root.contentType == "text/plain")
        #expect(message.root.charset == nil)
        #expect(message.root.transferEncoding == "7bit")
        #expect(message.root.children.isEmpty)
        #expect(message.root.leaves.map(\.path) == [""])
        let content = try #require(message.root.content)
        #expect(content.text == "plain body\n")
        #expect(content.size == 11)
        #expect(codes(message).isEmpty)
    }

    @Test(
        "RFC 2046 §5.1.1: parts split at delimiters; preamble and epilogue are not parts",
        arguments: [false, true])
    func multipartMixed(crlf: Bool) throws {
        let message = Fixtures.message(text: mixed, crlf: crlf)
        #expect(message.root.contentType == "multipart/mixed")
        #expect(message.root.parameters["boundary"] == "XYZ")
        #expect(message.root.children.map(\.path) == ["1", "2"])
        #expect(message.root.children.map(\.contentType) == ["text/plain", "text/html"])
        #expect(message.root.children.map(\.charset) == ["utf-8", "utf-8"])
        // The line break before a delimiter belongs to the delimiter.
        #expect(message.root.children.map { $0.content?.text } == ["hello", "<p>hi</p>"])
        #expect(message.root.content == nil)
        #expect(codes(message).isEmpty)
        let texts = message.bodyTexts.map(\.text)
        #expect(!texts.contains { $0.contains("preamble") || $0.contains("epilogue") })
    }

    @Test("RFC 2046 §5.1.1: a part's body range covers exactly its encoded body")
    func bodyRange() throws {
        let text = mixed
        let message = Fixtures.message(text: text, crlf: true)
        let bytes = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let first = try #require(part(message, "1"))
        #expect(String(decoding: bytes[first.bodyRange], as: UTF8.self) == "hello")
        #expect(first.headers["content-type"] == "text/plain; charset=utf-8")
    }

    @Test("RFC 2046 §5.1.7: nested multiparts number their parts by position")
    func nested() throws {
        let message = Fixtures.message(
            text: """
                From: a@example.com
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: multipart/alternative; boundary="inner"

                --inner
                Content-Type: text/plain

                plain
                --inner
                Content-Type: text/html

                <b>html</b>
                --inner--

                --outer
                Content-Type: application/pdf; name="report.pdf"
                Content-Transfer-Encoding: base64

                JVBERi0xLjQK
                --outer--
                """)
        #expect(message.root.allParts.map(\.path) == ["", "1", "1.1", "1.2", "2"])
        #expect(message.root.leaves.map(\.path) == ["1.1", "1.2", "2"])
        #expect(part(message, "1")?.contentType == "multipart/alternative")
        #expect(part(message, "1.2")?.content?.text == "<b>html</b>")
        let pdf = try #require(part(message, "2"))
        #expect(pdf.filename == "report.pdf")
        #expect(pdf.content?.detectedType == .pdf)
        #expect(pdf.content?.size == 9)
        #expect(pdf.isAttachment)
        #expect(message.attachments.map(\.part) == ["2"])
        #expect(codes(message).isEmpty)
    }

    @Test("RFC 2046 §5.1.1: a boundary is matched at line start only, with transport padding allowed")
    func delimiterNearMisses() {
        let message = Fixtures.message(
            text: """
                Content-Type: multipart/mixed; boundary="b"

                --b
                Content-Type: text/plain

                one
                --bx
                 --b
                x--b
                --b--x
                --b \t
                Content-Type: text/plain

                two
                --b--\t
                """)
        #expect(message.root.children.map { $0.content?.text } == ["one\n--bx\n --b\nx--b\n--b--x", "two"])
        #expect(!codes(message).contains("mime.unterminated-multipart"))
    }

    @Test("RFC 2046 §5.1.1: consecutive delimiters make an empty part with default headers")
    func emptyPart() throws {
        let message = Fixtures.message(
            text: "Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\nContent-Type: text/plain\n\nx\n--b--\n")
        #expect(message.root.children.count == 2)
        let empty = try #require(message.root.children.first)
        #expect(empty.headers.isEmpty)
        #expect(empty.contentType == "text/plain")
        #expect(empty.content?.size == 0)
    }

    @Test("RFC 2046 §5.1.1: a missing closing delimiter ends the last part at the end of the body")
    func unterminated() throws {
        let message = Fixtures.message(
            text: "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst\n--b\n\nsecond\n", crlf: true)
        #expect(message.root.children.map { $0.content?.text } == ["first", "second\r\n"])
        let problem = try #require(message.problems.first { $0.code == "mime.unterminated-multipart" })
        #expect(problem.severity == .warning)
        #expect(problem.message.contains("`--b--`"))
        #expect(problem.location == .message(MessageLocation(part: "")))
    }

    @Test("RFC 2046 §5.1.1: a boundary that never occurs leaves the multipart as one text leaf")
    func boundaryNotFound() throws {
        let message = Fixtures.message(
            text: "Content-Type: multipart/mixed; boundary=nowhere\n\n--elsewhere\n\nbody text\n")
        #expect(message.root.children.isEmpty)
        #expect(message.root.isLeaf)
        #expect(message.root.content?.text == "--elsewhere\n\nbody text\n")
        #expect(codes(message) == ["mime.boundary-not-found"])
        #expect(message.problems.first?.message.contains("`nowhere`") == true)
        #expect(message.bodyTexts.map(\.text) == ["--elsewhere\n\nbody text\n"])
    }

    @Test("RFC 2046 §5.1.1: a multipart without a boundary parameter is read as text")
    func missingBoundary() {
        let message = Fixtures.message(text: "Content-Type: multipart/mixed\n\n--x\n\nbody\n")
        #expect(message.root.children.isEmpty)
        #expect(message.root.content?.text == "--x\n\nbody\n")
        #expect(codes(message) == ["mime.missing-boundary"])
    }

    @Test("RFC 2045 §5.1: type, subtype and parameter names are case-insensitive; the boundary keeps its case")
    func caseInsensitiveType() {
        let message = Fixtures.message(
            text: "Content-Type: Multipart/Mixed; BOUNDARY=\"----=_Part_0_AbC.xYz\"\n\n------=_Part_0_AbC.xYz\n"
                + "Content-Type: TEXT/Plain; Charset=ISO-8859-1\n\ncaf\n------=_Part_0_AbC.xYz--\n")
        #expect(message.root.contentType == "multipart/mixed")
        #expect(message.root.children.map(\.contentType) == ["text/plain"])
        #expect(message.root.children.first?.charset == "ISO-8859-1")
    }

    @Test("RFC 2045 §5.2: an unreadable Content-Type is read as text/plain and reported")
    func invalidContentType() {
        for value in ["text", "/plain", "text/", "garbage; charset=utf-8"] {
            let message = Fixtures.message(text: "Content-Type: \(value)\n\nbody\n")
            #expect(message.root.contentType == "text/plain", "\(value)")
            #expect(codes(message).contains("mime.invalid-content-type"), "\(value)")
            #expect(message.root.content?.text == "body\n")
        }
    }

    @Test("RFC 2046 §5.2.1: a message/rfc822 part holds one child, the encapsulated message")
    func encapsulatedMessage() throws {
        let message = Fixtures.message(
            text: """
                From: outer@example.com
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                see attached
                --b
                Content-Type: message/rfc822

                From: inner@example.org
                Subject: the inner one
                Content-Type: multipart/alternative; boundary=c

                --c
                Content-Type: text/plain

                inner text
                --c--
                --b--
                """, crlf: true)
        let wrapper = try #require(part(message, "2"))
        #expect(wrapper.isEncapsulatedMessage)
        #expect(wrapper.children.count == 1)
        let inner = try #require(wrapper.children.first)
        #expect(inner.path == "2.1")
        #expect(inner.headers["subject"] == "the inner one")
        #expect(inner.contentType == "multipart/alternative")
        #expect(part(message, "2.1.1")?.content?.text == "inner text")
        #expect(message.root.leaves.map(\.path) == ["1", "2.1.1"])
        // The outer header is the message's own, not the inner one.
        #expect(message.author?.address == "outer@example.com")
        #expect(codes(message).isEmpty)
    }

    @Test("RFC 2046 §5.2.1: a base64 message/rfc822 is not opened but kept as a decoded leaf")
    func encodedEncapsulatedMessage() throws {
        let message = Fixtures.message(
            text: "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogaGkKCng=\n")
        #expect(message.root.children.isEmpty)
        let content = try #require(message.root.content)
        #expect(content.size == 14)
        #expect(content.text == nil)
    }

    @Test("RFC 2046 §5.1.5: in multipart/digest a part without Content-Type is message/rfc822")
    func digest() throws {
        let message = Fixtures.message(
            text: """
                Content-Type: multipart/digest; boundary=d

                --d

                From: one@example.com
                Subject: first

                body one
                --d
                Content-Type: text/plain

                not a message
                --d--
                """)
        let children = message.root.children
        #expect(children.map(\.contentType) == ["message/rfc822", "text/plain"])
        let first = try #require(children.first?.children.first)
        #expect(first.path == "1.1")
        #expect(first.headers["Subject"] == "first")
        #expect(first.contentType == "text/plain")
        #expect(first.content?.text == "body one")
        #expect(children.last?.content?.text == "not a message")
    }

    @Test("RFC 2046 §5.1.3: outside a digest, a part without Content-Type is text/plain")
    func mixedDefault() {
        let message = Fixtures.message(
            text: "Content-Type: multipart/mixed; boundary=d\n\n--d\n\nFrom: x@example.com\n\nhi\n--d--\n")
        #expect(message.root.children.map(\.contentType) == ["text/plain"])
        #expect(message.root.children.first?.children.isEmpty == true)
    }

    @Test("RFC 2231 §3–4: file names are decoded from extended and continued parameters")
    func rfc2231Filenames() {
        let message = Fixtures.message(
            text: """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: application/octet-stream
                Content-Disposition: attachment; filename*=utf-8''%E2%82%AC%20rates.pdf

                x
                --b
                Content-Type: application/octet-stream
                Content-Disposition: ATTACHMENT;
                 filename*0*=utf-8''Gr%C3%BC%C3%9Fe;
                 filename*1=".docx"

                y
                --b
                Content-Type: application/octet-stream; name*=iso-8859-1'fr'r%E9sum%E9.txt

                z
                --b
                Content-Type: application/octet-stream; name="fallback.bin"
                Content-Disposition: inline; filename="preferred.bin"

                w
                --b--
                """)
        #expect(message.root.children.map(\.filename) == ["€ rates.pdf", "Grüße.docx", "résumé.txt", "preferred.bin"])
        #expect(message.root.children.map(\.disposition) == ["attachment", "attachment", nil, "inline"])
        #expect(message.attachments.map(\.filename) == ["€ rates.pdf", "Grüße.docx", "résumé.txt", "preferred.bin"])
    }

    @Test("RFC 2183 §2.3: an empty `filename` does not hide the Content-Type `name`")
    func emptyFilename() {
        let message = Fixtures.message(
            text: """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: application/x-msdownload; name="payload.exe"
                Content-Disposition: attachment; filename=""

                MZ
                --b
                Content-Type: application/octet-stream; name=""
                Content-Disposition: attachment; filename=""

                x
                --b--
                """)
        #expect(message.root.children.map(\.filename) == ["payload.exe", nil])
        #expect(message.attachments.map(\.filename) == ["payload.exe", nil])
    }

    @Test("RFC 2045 §3: Content-Transfer-Encoding is a structured field; comments and case do not matter")
    func transferEncodingComment() {
        for value in ["base64 (it is)", "(encoded) BASE64", "Base64"] {
            let message = Fixtures.message(text: "Content-Transfer-Encoding: \(value)\n\naGk=\n")
            #expect(message.root.transferEncoding == "base64", "\(value)")
            #expect(message.root.content?.text == "hi", "\(value)")
            #expect(codes(message).isEmpty, "\(value)")
        }
    }

    @Test("RFC 2045 §6.8: a base64 attachment is decoded, hashed and sniffed")
    func base64Attachment() throws {
        let message = Fixtures.message(
            text: """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: application/octet-stream; name="invoice.pdf"
                Content-Transfer-Encoding: BASE64

                TVqQAAMAAAAEAAAA
                --b
                Content-Type: text/plain; name="greeting.txt"
                Content-Disposition: attachment
                Content-Transfer-Encoding: base64

                aGVs
                bG8=
                --b--
                """)
        let exe = try #require(part(message, "1"))
        #expect(exe.transferEncoding == "base64")
        #expect(exe.content?.size == 12)
        #expect(exe.content?.detectedType == .windowsExecutable)
        let greeting = try #require(part(message, "2"))
        #expect(greeting.content?.text == "hello")
        #expect(greeting.content?.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        let attachment = try #require(message.attachments.last)
        #expect(attachment.sha256 == greeting.content?.sha256)
        #expect(attachment.disposition == "attachment")
        #expect(codes(message).isEmpty)
    }

    @Test("RFC 2045 §6.7: a quoted-printable part is decoded in its declared charset")
    func quotedPrintableCharset() {
        let message = Fixtures.message(
            text: """
                Content-Type: text/plain; charset=iso-8859-1
                Content-Transfer-Encoding: quoted-printable

                caf=E9 cr=E8me =
                br=FBl=E9e
                """)
        #expect(message.root.content?.text == "café crème brûlée")
    }

    @Test("RFC 2045 §6.4: an unknown transfer encoding is read as it stands and reported")
    func unknownTransferEncoding() {
        let message = Fixtures.message(text: "Content-Transfer-Encoding: x-rot13\n\nuryyb\n")
        #expect(message.root.transferEncoding == "x-rot13")
        #expect(message.root.content?.text == "uryyb\n")
        #expect(codes(message) == ["mime.unknown-transfer-encoding"])
        #expect(message.problems.first?.message.contains("`x-rot13`") == true)
    }

    @Test("RFC 2045 §6.8: undecodable base64 is reported with the damaged byte count")
    func damagedBase64() {
        let message = Fixtures.message(
            text: "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\naGVs!!bG8=\n")
        #expect(message.root.content?.size == 5)
        #expect(codes(message) == ["mime.damaged-encoding"])
        #expect(message.problems.first?.message.hasPrefix("2 bytes of base64") == true)
    }

    @Test("RFC 2045 §2: reading headers only builds no tree and decodes nothing")
    func headersOnly() {
        let message = Fixtures.message(text: mixed, options: options(.headersOnly))
        #expect(message.root.contentType == "multipart/mixed")
        #expect(message.root.children.isEmpty)
        #expect(message.root.content == nil)
        #expect(message.subject == "mixed")
        #expect(message.urls.isEmpty)
        #expect(message.attachments.isEmpty)
    }

    @Test("RFC 2046 §5.1: reading structure builds the tree without decoding content")
    func structureOnly() throws {
        let message = Fixtures.message(text: mixed, options: options(.structure))
        #expect(message.root.children.map(\.contentType) == ["text/plain", "text/html"])
        #expect(message.root.leaves.allSatisfy { $0.content == nil })
        #expect(message.bodyTexts.isEmpty)
        let full = Fixtures.message(text: mixed, options: options(.content))
        #expect(full.root.leaves.allSatisfy { $0.content != nil })
        #expect(full.root.children.map(\.bodyRange) == message.root.children.map(\.bodyRange))
    }

    @Test("RFC 2046 §5.1: nesting past the depth limit leaves the deep part unopened")
    func depthLimit() throws {
        let message = Fixtures.message(
            text: """
                Content-Type: multipart/mixed; boundary=a

                --a
                Content-Type: multipart/mixed; boundary=b

                --b

                deep
                --b--
                --a--
                """, options: options(limits: ReadLimits(maxMIMEDepth: 1)))
        let first = try #require(part(message, "1"))
        #expect(first.children.isEmpty)
        #expect(first.content?.text?.contains("deep") == true)
        let problem = try #require(message.problems.first { $0.code == "limit.mime-depth" })
        #expect(problem.severity == .error)
        #expect(problem.location == .message(MessageLocation(part: "1")))
    }

    @Test("RFC 2046 §5.1: parts past the part limit are not read, and that is reported once")
    func partLimit() {
        var text = "Content-Type: multipart/mixed; boundary=b\n\n"
        for index in 1...6 { text += "--b\n\npart \(index)\n" }
        text += "--b--\n"
        let message = Fixtures.message(text: text, options: options(limits: ReadLimits(maxParts: 3)))
        #expect(message.root.children.map { $0.content?.text } == ["part 1", "part 2"])
        #expect(codes(message).filter { $0 == "limit.mime-parts" }.count == 1)
    }

    @Test("RFC 2046 §5.1.1: a part whose body starts without a blank line is reported, its text kept")
    func partWithoutSeparator() {
        let message = Fixtures.message(
            text: "Content-Type: multipart/mixed; boundary=b\n\n--b\nno headers here\n--b--\n")
        #expect(message.root.children.first?.content?.text == "no headers here")
        let problem = message.problems.first { $0.code == "header.missing-separator" }
        #expect(problem?.location == .message(MessageLocation(part: "1", byteOffset: 47)))
    }

    @Test(
        "RFC 2046 §5.1.1: a delimiter counts only at a line start, however many `-` the lines around it hold",
        arguments: [false, true])
    func delimitersAmongDashes(crlf: Bool) throws {
        let text = """
            From: a@example.com
            Content-Type: multipart/mixed; boundary="b-1"

            --b-1
            Content-Type: text/plain

            a line -- with --b-1 inside, and x--b-1
            ---b-1
            -- b-1
            --b-1x
            --b-1
            Content-Type: text/plain

            --b-1- still text -
            --b-1--
            --b-1
            """
        let message = Fixtures.message(text: text, crlf: crlf)
        let lineBreak = crlf ? "\r\n" : "\n"
        #expect(message.root.children.map(\.path) == ["1", "2"])
        #expect(
            message.root.children.first?.content?.text
                == ["a line -- with --b-1 inside, and x--b-1", "---b-1", "-- b-1", "--b-1x"].joined(separator: lineBreak))
        #expect(message.root.children.last?.content?.text == "--b-1- still text -")
        #expect(codes(message).isEmpty)
    }

    @Test("RFC 2046 §5.1.1: a body that opens with its delimiter, with no preamble or line break before it")
    func delimiterAtBodyStart() {
        let message = Fixtures.message(text: "Content-Type: multipart/mixed; boundary=q\n\n--q\n\none\n--q--")
        #expect(message.root.children.map { $0.content?.text } == ["one"])
    }
}
