import Foundation
import SluiceDiagnostics
import SluiceWorkload
import Testing

@testable import SluiceMessage

/// Bad input is read as far as it goes, quickly, with the damage reported; never a crash.
@Suite("Malformed and hostile input")
struct MalformedInputTests {
    private func codes(_ message: Message) -> Set<String> { Set(message.problems.map(\.code.rawValue)) }

    /// What must hold for any input: every part's body lies inside the bytes read, and every
    /// problem that names a byte offset names one inside the message.
    private func expectConsistent(_ message: Message, sourceLocation: SourceLocation = #_sourceLocation) {
        for part in message.root.allParts {
            #expect(part.bodyRange.lowerBound >= 0 && part.bodyRange.upperBound <= message.size,
                    "part `\(part.path)` body \(part.bodyRange) lies outside \(message.size) bytes", sourceLocation: sourceLocation)
        }
        for problem in message.problems {
            if case .message(let location)? = problem.location, let offset = location.byteOffset {
                #expect(offset >= 0 && offset <= message.size, "`\(problem.code)` points at byte \(offset)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    private func timed(_ body: () -> Message) -> (Message, Duration) {
        let clock = ContinuousClock()
        var message: Message?
        let elapsed = clock.measure { message = body() }
        return (message!, elapsed)
    }

    @Test("every corpus message cut at eight points reads without a crash", arguments: Fixtures.corpusMessages)
    func truncatedCorpusMessages(file: String) throws {
        let bytes = try Fixtures.bytes(file)
        for eighth in 0..<8 {
            let cut = Array(bytes.prefix(bytes.count * eighth / 8 + eighth))
            let message = MessageReader().read(cut)
            #expect(message.size == cut.count)
            expectConsistent(message)
            if cut.isEmpty { #expect(codes(message).contains("message.empty")) }
        }
    }

    @Test("a message cut inside a multipart reports the missing closing boundary (RFC 2046 §5.1.1)")
    func truncatedMultipart() {
        let message = Fixtures.message(text: """
            From: a@example.com
            Content-Type: multipart/mixed; boundary=b1

            --b1
            Content-Type: text/plain

            first part
            --b1
            Content-Type: text/plain

            second part, cut off he
            """)
        #expect(message.root.children.count == 2)
        #expect(message.root.children[1].content?.text == "second part, cut off he")
        #expect(codes(message).contains("mime.unterminated-multipart"))
    }

    @Test("one megabyte of random bytes is read as a headerless body, with the problem reported")
    func binaryGarbage() {
        var generator = SeededGenerator(seed: 0x5EED)
        let garbage = (0..<1_048_576).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let (message, elapsed) = timed { MessageReader().read(garbage) }
        #expect(message.size == garbage.count)
        #expect(codes(message).contains("message.no-header-fields"))
        expectConsistent(message)
        #expect(elapsed < .seconds(10))
    }

    @Test("NUL bytes, bare CRs and a lone LF do not confuse the reader")
    func controlCharacters() {
        let bytes: [UInt8] = Array("From: a@example.com\r\nSubject: x\u{0}y\r\r\n\r\nbody\u{0}\r".utf8)
        let message = MessageReader().read(bytes)
        #expect(message.author?.address == "a@example.com")
        #expect(message.subject == "x\u{0}y")
        let lone = MessageReader().read([0x0A])
        #expect(lone.headers.isEmpty)
        #expect(lone.size == 1)
    }

    @Test("a 50 MB message is cut at the size limit, read up to it, and the cut is reported")
    func fiftyMegabytes() throws {
        var generator = SeededGenerator(seed: 50)
        let payload = (0..<(3 * 1024 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let line = Data(payload).base64EncodedString(options: .lineLength76Characters)
        var text = """
            From: sender@example.com
            Subject: quarterly figures
            Content-Type: multipart/mixed; boundary=big

            --big
            Content-Type: text/plain

            see https://files.example.com/q3
            --big
            Content-Type: application/octet-stream; name=figures.bin
            Content-Transfer-Encoding: base64


            """
        var bytes = Array(text.utf8)
        let chunk = Array((line + "\r\n").utf8)
        while bytes.count < 50 * 1024 * 1024 { bytes += chunk }
        text = "\n--big--\n"
        bytes += Array(text.utf8)

        let (message, elapsed) = timed { MessageReader().read(bytes) }
        #expect(message.size == bytes.count)
        #expect(codes(message).contains("limit.message-size"))
        #expect(message.subject == "quarterly figures")
        #expect(message.urls.map(\.host) == ["files.example.com"])
        let attachment = try #require(message.attachments.first)
        #expect(attachment.filename == "figures.bin")
        #expect((attachment.size ?? 0) > 20 * 1024 * 1024)
        #expect(elapsed < .seconds(30))
    }

    @Test("10,000 header fields: the first 1,000 are kept and the rest reported (limit)")
    func tenThousandHeaders() {
        var text = "From: a@example.com\n"
        for index in 0..<10_000 { text += "X-Filler-\(index): value \(index)\n" }
        text += "Subject: after the flood\n\nbody\n"
        let (message, elapsed) = timed { Fixtures.message(text: text) }
        #expect(message.headers.count == ReadLimits.standard.maxHeaderFields)
        #expect(codes(message).contains("limit.header-fields"))
        #expect(message.root.content?.text == "body\n")
        #expect(elapsed < .seconds(10))
    }

    @Test("1,000 nested multiparts stop at the depth limit and the rest is kept opaque")
    func deepNesting() {
        var text = "From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for level in 1..<1_000 {
            text += "--b\(level - 1)\nContent-Type: multipart/mixed; boundary=b\(level)\n\n"
        }
        text += "--b999\nContent-Type: text/plain\n\ndeep inside\n"
        for level in stride(from: 999, through: 0, by: -1) { text += "--b\(level)--\n" }
        let (message, elapsed) = timed { Fixtures.message(text: text) }
        #expect(codes(message).contains("limit.mime-depth"))
        var depth = 0
        var part = message.root
        while let child = part.children.first {
            depth += 1
            part = child
        }
        #expect(depth == ReadLimits.standard.maxMIMEDepth)
        #expect(elapsed < .seconds(10))
    }

    @Test("more MIME parts than the limit: the rest are not read, and that is reported")
    func tooManyParts() {
        var text = "From: a@example.com\nContent-Type: multipart/mixed; boundary=p\n\n"
        for index in 0..<1_500 { text += "--p\nContent-Type: text/plain\n\npart \(index)\n" }
        text += "--p--\n"
        let message = Fixtures.message(text: text)
        #expect(codes(message).contains("limit.mime-parts"))
        #expect(message.root.allParts.count == ReadLimits.standard.maxParts)
    }

    @Test("an over-long header line is reported (RFC 5322 §2.1.1) and kept whole")
    func longLine() {
        let long = String(repeating: "x", count: 5_000)
        let message = Fixtures.message(text: "From: a@example.com\nSubject: \(long)\n\nbody\n")
        #expect(codes(message).contains("header.line-too-long"))
        #expect(message.subject?.count == 5_000)
    }

    @Test("random mutations of corpus messages never crash the reader", arguments: 0..<8)
    func mutatedCorpus(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed) &* 7919)
        let files = Fixtures.corpusMessages.filter { !$0.hasPrefix("mail-parser/mail_test_") }
        for file in files.shuffled(using: &generator).prefix(20) {
            var bytes = try Fixtures.bytes(file)
            guard !bytes.isEmpty else { continue }
            for _ in 0..<32 {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(contentsOf: Array("\n--".utf8), at: index)
                default: bytes.insert(contentsOf: Array("=?utf-8?B?".utf8), at: index)
                }
            }
            let message = MessageReader().read(bytes)
            #expect(message.size == bytes.count)
            expectConsistent(message)
        }
    }
}
