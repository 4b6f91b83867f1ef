import Testing

@testable import SluiceMessage

private func bytes(_ text: String) -> ArraySlice<UInt8> { Array(text.utf8)[...] }
private func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

@Suite("Content-Transfer-Encoding (RFC 2045 §6)")
struct MIMETransferEncodingTests {
    @Test(
        "RFC 2045 §6.1: encoding names are case-insensitive, white space ignored, empty means 7bit",
        arguments: [
            ("", TransferEncoding.sevenBit),
            (" 7BIT ", .sevenBit),
            ("8bit", .eightBit),
            ("Binary", .binary),
            ("Quoted-Printable", .quotedPrintable),
            ("\tBASE64\r\n", .base64),
            ("x-uuencode", .uuencode),
            ("X-UUE", .uuencode),
            ("uuencode", .uuencode),
        ])
    func knownNames(name: String, expected: TransferEncoding) {
        #expect(TransferEncoding(header: name) == expected)
    }

    @Test("RFC 2045 §6.1: unknown and misspelt encodings are not guessed", arguments: ["base-64", "x-gzip", "7 bit", "qp"])
    func unknownNames(name: String) {
        #expect(TransferEncoding(header: name) == nil)
    }

    @Test("RFC 2045 §6.2: 7bit, 8bit and binary leave the bytes alone")
    func identity() {
        let input: [UInt8] = [0x00, 0x41, 0xFF, 0x0D, 0x0A, 0x3D]
        for encoding in [TransferEncoding.sevenBit, .eightBit, .binary] {
            let (decoded, damaged) = encoding.decode(input[...])
            #expect(decoded == input)
            #expect(damaged == 0)
        }
    }

    @Test(
        "RFC 4648 §10: base64 test vectors",
        arguments: [
            ("", ""), ("Zg==", "f"), ("Zm8=", "fo"), ("Zm9v", "foo"), ("Zm9vYg==", "foob"), ("Zm9vYmE=", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ])
    func base64Vectors(encoded: String, expected: String) {
        let (decoded, damaged) = TransferEncoding.base64.decode(bytes(encoded))
        #expect(string(decoded) == expected)
        #expect(damaged == 0)
    }

    @Test("RFC 2045 §6.8: line breaks and white space inside base64 are ignored, not damage")
    func base64LineBreaks() {
        let (decoded, damaged) = TransferEncoding.base64.decode(bytes("Zm9v\r\nYm\tFy \nIQ==\r\n"))
        #expect(string(decoded) == "foobar!")
        #expect(damaged == 0)
    }

    @Test("RFC 2045 §6.8: missing padding is tolerated")
    func base64MissingPadding() {
        let (decoded, damaged) = TransferEncoding.base64.decode(bytes("Zm9vYg"))
        #expect(string(decoded) == "foob")
        #expect(damaged == 0)
    }

    @Test("RFC 2045 §6.8: characters outside the alphabet are skipped and counted")
    func base64Garbage() {
        let (decoded, damaged) = TransferEncoding.base64.decode(bytes("Zm9v!*YmFy."))
        #expect(string(decoded) == "foobar")
        #expect(damaged == 3)
    }

    @Test("RFC 2045 §6.8: a lone final sextet cannot make a byte and is damage")
    func base64LoneSextet() {
        let (decoded, damaged) = TransferEncoding.base64.decode(bytes("Zm9vY"))
        #expect(string(decoded) == "foo")
        #expect(damaged == 1)
    }

    @Test("RFC 2045 §6.8: data after padding starts a new chunk (concatenated encoders)")
    func base64Concatenated() {
        let (decoded, damaged) = TransferEncoding.base64.decode(bytes("Zg==Zm8=\r\nZm9v"))
        #expect(string(decoded) == "ffofoo")
        #expect(damaged == 0)
    }

    @Test("RFC 4648 §5: the URL-safe alphabet decodes like `+` and `/`")
    func base64URLSafe() {
        let standard = TransferEncoding.base64.decode(bytes("+/+/"))
        let urlSafe = TransferEncoding.base64.decode(bytes("-_-_"))
        #expect(standard.bytes == [0xFB, 0xFF, 0xBF])
        #expect(urlSafe.bytes == standard.bytes)
        #expect(urlSafe.damaged == 0)
    }

    @Test("RFC 2045 §6.7 rule 1: `=XX` is a byte, in either case of hex digit")
    func qpEscapes() {
        let (decoded, damaged) = TransferEncoding.quotedPrintable.decode(bytes("=48=65llo caf=C3=a9 =3D"))
        #expect(string(decoded) == "Hello café =")
        #expect(damaged == 0)
    }

    @Test(
        "RFC 2045 §6.7 rule 5: `=` at the end of a line is a soft line break",
        arguments: ["long=\nline", "long=\r\nline", "long= \t\r\nline", "long=  \nline"])
    func qpSoftBreak(input: String) {
        let (decoded, damaged) = TransferEncoding.quotedPrintable.decode(bytes(input))
        #expect(string(decoded) == "longline")
        #expect(damaged == 0)
    }

    @Test("RFC 2045 §6.7 rule 3: trailing white space on a line is dropped, `=20` is kept")
    func qpTrailingWhitespace() {
        let (decoded, _) = TransferEncoding.quotedPrintable.decode(bytes("a  \r\nb\t\nc=20\nd =20 \ne  "))
        #expect(string(decoded) == "a\r\nb\nc \nd  \ne")
    }

    @Test("RFC 2045 §6.7 rule 3: white space before a soft line break belongs to the text")
    func qpSpaceBeforeSoftBreak() {
        let (decoded, _) = TransferEncoding.quotedPrintable.decode(bytes("two  =\r\nwords"))
        #expect(string(decoded) == "two  words")
    }

    @Test("RFC 2045 §6.7 rule 4: hard line breaks are kept as written, LF or CRLF")
    func qpLineBreaksKept() {
        #expect(string(TransferEncoding.quotedPrintable.decode(bytes("a\nb\r\nc")).bytes) == "a\nb\r\nc")
    }

    @Test(
        "RFC 2045 §6.7 note (2): a malformed `=` is kept literally and counted",
        arguments: [("=ZZ", "=ZZ", 1), ("x=4", "x=4", 1), ("100% =G0", "100% =G0", 1), ("a= b", "a= b", 1), ("50=", "50", 0)])
    func qpMalformed(input: String, expected: String, damage: Int) {
        let (decoded, damaged) = TransferEncoding.quotedPrintable.decode(bytes(input))
        #expect(string(decoded) == expected)
        #expect(damaged == damage)
    }

    @Test("POSIX uuencode: `begin`, length-prefixed lines, `end`; text around is ignored")
    func uuencode() {
        let input = "Here is the file:\r\n\r\nbegin 644 cat.txt\r\n#0V%T\r\n`\r\nend\r\ntrailing words\r\n"
        let (decoded, damaged) = TransferEncoding.uuencode.decode(bytes(input))
        #expect(string(decoded) == "Cat")
        #expect(damaged == 0)
    }

    @Test("POSIX uuencode: several lines decode in order")
    func uuencodeLines() {
        // `printf 'Hello, world!\n' | uuencode x`
        let input = "begin 644 x\n.2&5L;&\\L('=O<FQD(0H`\n`\nend\n"
        let (decoded, damaged) = TransferEncoding.uuencode.decode(bytes(input))
        #expect(string(decoded) == "Hello, world!\n")
        #expect(damaged == 0)
    }

    @Test("POSIX uuencode: a short line is padded and the missing characters counted")
    func uuencodeShortLine() {
        let (decoded, damaged) = TransferEncoding.uuencode.decode(bytes("begin 644 x\n#0V\nend\n"))
        #expect(decoded.count == 3)
        #expect(decoded.first == UInt8(ascii: "C"))
        #expect(damaged == 2)
    }

    @Test("POSIX uuencode: without `begin` nothing decodes and every byte is damage")
    func uuencodeNoBegin() {
        let input = "#0V%T\nend\n"
        let (decoded, damaged) = TransferEncoding.uuencode.decode(bytes(input))
        #expect(decoded.isEmpty)
        #expect(damaged == input.utf8.count)
    }

    @Test("RFC 2047 §4.1 versus RFC 2045 §6.8: strict base64 counts what bodies tolerate as damage",
          arguments: ["YQ==YQ==", "-_8A"])
    func strictBase64(input: String) {
        let lenient = TransferEncoding.decodeBase64(ArraySlice(input.utf8))
        #expect(lenient.damaged == 0)
        #expect(!lenient.bytes.isEmpty)
        let strict = TransferEncoding.decodeBase64(ArraySlice(input.utf8), strict: true)
        #expect(strict.damaged > 0)
        #expect(EncodedWords.decode("=?utf-8?b?\(input)?=").problems.map(\.code.rawValue) == ["encoded-word.bad-base64"])
    }

    @Test("base64: whole groups decoded at once give what a sextet-by-sextet reading gives")
    func base64GroupsMatchSextets() {
        let pieces = ["Zm9v", "YmFy", "Zg", "=", "==", "\r\n", "\n", " ", "\t", "*", "!", "-", "_", "+/", "A", "QUJD", "\u{E9}"]
        var state: UInt64 = 0xB64
        func next() -> Int {
            // xorshift64*: deterministic, so a failure can be reproduced.
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int(truncatingIfNeeded: (state &* 2_685_821_657_736_338_717) >> 33)
        }
        for _ in 0..<3000 {
            let input = Array((0..<(1 + next() % 30)).map { _ in pieces[next() % pieces.count] }.joined().utf8)[...]
            for strict in [false, true] {
                let decoded = TransferEncoding.decodeBase64(input, strict: strict)
                let reference = Self.base64BySextets(input, strict: strict)
                #expect(decoded.bytes == reference.bytes, "\(String(decoding: input, as: UTF8.self).debugDescription)")
                #expect(decoded.damaged == reference.damaged, "\(String(decoding: input, as: UTF8.self).debugDescription)")
            }
        }
    }

    /// The decoder as it was, one input byte at a time.
    private static func base64BySextets(_ input: ArraySlice<UInt8>, strict: Bool) -> (bytes: [UInt8], damaged: Int) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var damaged = 0, accumulator: UInt32 = 0, bits = 0, sawPadding = false
        for byte in input {
            var value = alphabet.firstIndex(of: byte)
            if byte == UInt8(ascii: "-") { value = 62 }
            if byte == UInt8(ascii: "_") { value = 63 }
            guard let value else {
                if byte == UInt8(ascii: "=") {
                    sawPadding = true
                } else if ![0x0D, 0x0A, 0x20, 0x09].contains(byte) {
                    damaged += 1
                }
                continue
            }
            if strict && (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")) {
                damaged += 1
                continue
            }
            if sawPadding {
                if strict { damaged += 1 }
                (sawPadding, accumulator, bits) = (false, 0, 0)
            }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        if bits >= 6 { damaged += 1 }
        return (output, damaged)
    }
}
