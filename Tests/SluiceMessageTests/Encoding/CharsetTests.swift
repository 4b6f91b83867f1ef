import SluiceDiagnostics
import Testing

@testable import SluiceMessage

/// A labelled byte sequence and the text it must decode to, written out by hand.
struct CharsetSample: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let expected: String
    var testDescription: String { label }
}

private func problemCodes(_ problems: [Diagnostic]) -> [String] { problems.map(\.code.rawValue) }

@Suite("Charset")
struct CharsetTests {
    @Test(
        "RFC 2046 §4.1.2: labelled text decodes in its charset",
        arguments: [
            CharsetSample(label: "UTF-8", bytes: [0xC3, 0x9C, 0x6E, 0xC3, 0xAF], expected: "Ünï"),
            CharsetSample(label: "us-ascii", bytes: Array("plain".utf8), expected: "plain"),
            CharsetSample(label: "ISO-8859-1", bytes: [0xDC, 0x6E, 0xEF, 0x63, 0xF6, 0x64, 0xE9], expected: "Ünïcödé"),
            CharsetSample(
                label: "iso-8859-2",
                bytes: [
                    0x5A, 0x61, 0xBF, 0xF3, 0xB3, 0xE6, 0x20, 0x67, 0xEA, 0xB6, 0x6C, 0xB1, 0x20, 0x6A, 0x61,
                    0xBC, 0xF1,
                ],
                expected: "Zażółć gęślą jaźń"),
            CharsetSample(label: "ISO-8859-7", bytes: [0xC5, 0xEB, 0xEB, 0xDC, 0xE4, 0xE1], expected: "Ελλάδα"),
            CharsetSample(label: "iso-8859-9", bytes: [0xD0, 0xFC, 0xFE, 0xDD], expected: "Ğüşİ"),
            CharsetSample(label: "iso-8859-15", bytes: [0xA4, 0x20, 0xBD, 0x20, 0xBE], expected: "€ œ Ÿ"),
            CharsetSample(label: "windows-1251", bytes: [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], expected: "Привет"),
            CharsetSample(
                label: "windows-1252",
                bytes: [
                    0x93, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x94, 0x20, 0x96, 0x20, 0x69, 0x74, 0x92, 0x73, 0x20,
                    0x80, 0x35,
                ],
                expected: "“Hello” – it’s €5"),
            CharsetSample(label: "KOI8-R", bytes: [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], expected: "Привет"),
            CharsetSample(label: "koi8-u", bytes: [0xBD, 0xC1, 0xCE, 0xCF, 0xCB], expected: "Ґанок"),
            CharsetSample(label: "TIS-620", bytes: [0xC0, 0xD2, 0xC9, 0xD2, 0xE4, 0xB7, 0xC2], expected: "ภาษาไทย"),
            CharsetSample(label: "GB2312", bytes: [0xD6, 0xD0, 0xCE, 0xC4], expected: "中文"),
            CharsetSample(label: "gb18030", bytes: [0xD6, 0xD0, 0xCE, 0xC4], expected: "中文"),
            CharsetSample(label: "Big5", bytes: [0xA4, 0xA4, 0xA4, 0xE5], expected: "中文"),
            CharsetSample(label: "euc-kr", bytes: [0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE], expected: "한국어"),
            CharsetSample(label: "EUC-JP", bytes: [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC], expected: "日本語"),
            // Windows-31J: 0x5C is a backslash, not glibc SJIS's yen sign.
            CharsetSample(label: "Shift_JIS", bytes: [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA, 0x5C], expected: "日本語\\"),
            CharsetSample(label: "shift_jis", bytes: [0x87, 0x40], expected: "①"),
            CharsetSample(
                label: "ISO-2022-JP",
                bytes: [
                    0x1B, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4B, 0x24, 0x41, 0x24, 0x4F, 0x1B, 0x28,
                    0x42,
                ],
                expected: "こんにちは"),
            // NEC row 13 inside ISO-2022-JP, as Japanese Windows mailers send it.
            CharsetSample(
                label: "iso-2022-jp", bytes: [0x41, 0x1B, 0x24, 0x42, 0x2D, 0x21, 0x1B, 0x28, 0x42, 0x42],
                expected: "A①B"),
            CharsetSample(label: "UTF-16", bytes: [0xFF, 0xFE, 0x48, 0x00, 0x69, 0x00, 0xAC, 0x20], expected: "Hi€"),
            CharsetSample(label: "utf-16", bytes: [0xFE, 0xFF, 0x00, 0x48, 0x00, 0x69, 0x20, 0xAC], expected: "Hi€"),
            CharsetSample(label: "UTF-7", bytes: Array("Hi +IKw-".utf8), expected: "Hi €"),
        ])
    func decodesCharset(_ sample: CharsetSample) {
        let decoded = Charset.decode(sample.bytes, label: sample.label)
        #expect(decoded.text == sample.expected)
        #expect(decoded.problems.isEmpty)
    }

    @Test("RFC 2046 §4.1.2: charset labels match case-insensitively and through aliases")
    func aliases() throws {
        for label in ["utf-8", "utf8", "UTF-8", "Utf_8", "unicode-1-1-utf-8"] {
            #expect(Charset(label: label) == .utf8, "\(label)")
        }
        for label in ["us-ascii", "ASCII", "ANSI_X3.4-1968", "iso646-us"] {
            #expect(Charset(label: label) == .usASCII, "\(label)")
        }
        for label in ["latin1", "ISO8859-1", "iso_8859-1", "ISO_8859-1:1987", "cp1252", "Windows-1252"] {
            #expect(Charset(label: label) == .windows1252, "\(label)")
        }
        #expect(Charset(label: "ISO_8859-2:1987")?.name == "iso-8859-2")
        #expect(Charset(label: "x-sjis")?.name == "shift_jis")
        #expect(Charset(label: "ks_c_5601-1987")?.name == "euc-kr")
        #expect(Charset(label: "cp1250")?.name == "windows-1250")
        for label in ["unknown-8bit", "x-unknown", ""] {
            #expect(Charset(label: label) == .unknown8Bit, "\(label)")
        }
        // Not in the table, but glibc has it.
        #expect(Charset(label: "CP437") != nil)
        #expect(Charset(label: "x-no-such-charset") == nil)
        #expect(Charset(label: "UTF-8//TRANSLIT") == nil)
    }

    @Test("RFC 2046 §4.1.2: every charset in the table has an iconv converter")
    func codePagesAvailable() {
        let labels =
            (1250...1258).filter { $0 != 1252 }.map { "windows-\($0)" }
            + [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16].map { "iso-8859-\($0)" }
            + [
                "koi8-r", "koi8-u", "gbk", "gb18030", "big5", "shift_jis", "euc-jp", "euc-kr", "iso-2022-kr",
                "utf-7", "ibm866", "macintosh",
            ]
        for label in labels {
            guard case .iconv(let iconvName, _)? = Charset(label: label)?.engine else {
                Issue.record("`\(label)` does not resolve to an iconv charset")
                continue
            }
            #expect(Iconv.isAvailable(iconvName), "\(label)")
        }
    }

    @Test("RFC 2781 §4.3: UTF-16 and UTF-32 with an explicit byte order need no BOM")
    func explicitByteOrder() {
        #expect(Charset.decode([0x61, 0x00, 0x3B, 0x04], label: "UTF-16LE").text == "aл")
        #expect(Charset.decode([0x00, 0x61, 0x04, 0x3B], label: "utf-16be").text == "aл")
        #expect(Charset.decode([0x00, 0x00, 0xFE, 0xFF, 0x00, 0x01, 0xF6, 0x00], label: "utf-32").text == "😀")
    }

    @Test("RFC 2781 §2.2: an unpaired surrogate costs one character, not the alignment of the rest")
    func unpairedSurrogate() {
        let decoded = Charset.decode([0x61, 0x00, 0x00, 0xDC, 0x62, 0x00, 0x63, 0x00], label: "utf-16le")
        #expect(decoded.text == "a\u{FFFD}bc")
        #expect(decoded.problems.first?.message == "replaced 1 invalid byte sequence in `utf-16le` text")
    }

    @Test("WHATWG Encoding §4.2: iso-8859-1 is read as windows-1252, so C1 bytes are smart quotes")
    func latin1IsWindows1252() {
        let decoded = Charset.decode([0x93, 0x6F, 0x6B, 0x94, 0x20, 0x80, 0x81], label: "iso-8859-1")
        #expect(decoded.text == "“ok” €\u{81}")
        #expect(decoded.problems.isEmpty)
    }

    @Test("RFC 2046 §4.1.2: 8-bit bytes labelled us-ascii decode as UTF-8 when valid")
    func asciiWithUTF8() {
        let decoded = Charset.decode([0x63, 0x61, 0x66, 0xC3, 0xA9], label: "us-ascii")
        #expect(decoded.text == "café")
        #expect(problemCodes(decoded.problems) == ["charset.mislabelled"])
        #expect(decoded.problems.first?.notes == ["decoded as utf-8"])
    }

    @Test("RFC 2046 §4.1.2: 8-bit bytes labelled us-ascii that are not UTF-8 decode as windows-1252")
    func asciiWithWindows1252() {
        let decoded = Charset.decode([0x63, 0x61, 0x66, 0xE9, 0x20, 0x93, 0x78, 0x94], label: "US-ASCII")
        #expect(decoded.text == "café “x”")
        #expect(problemCodes(decoded.problems) == ["charset.mislabelled"])
        #expect(decoded.problems.first?.notes == ["decoded as windows-1252"])
    }

    @Test("RFC 3629 §3: ASCII is UTF-8 as it stands, controls and NUL included")
    func asciiAsUTF8() {
        let decoded = Charset.decode([0x00, 0x09, 0x41, 0x0D, 0x0A, 0x7F], label: "utf-8")
        #expect(decoded.text == "\u{0}\tA\r\n\u{7F}")
        #expect(decoded.text.utf8.count == 6)
        #expect(decoded.problems.isEmpty)
    }

    @Test("RFC 3629 §3: invalid UTF-8 becomes U+FFFD and is counted")
    func invalidUTF8() {
        let decoded = Charset.decode([0x61, 0xFF, 0x62, 0xE2, 0x82, 0x63, 0xC3], label: "utf-8")
        #expect(decoded.text == "a\u{FFFD}b\u{FFFD}c\u{FFFD}")
        #expect(problemCodes(decoded.problems) == ["charset.invalid-bytes"])
        #expect(decoded.problems.first?.message == "replaced 3 invalid byte sequences in `utf-8` text")
        #expect(decoded.problems.first?.severity == .error)
    }

    @Test("RFC 2046 §4.1.2: invalid bytes in an iconv charset are replaced and decoding resumes")
    func invalidIconvBytes() {
        // 0x98 is unassigned in windows-1251; a lone Shift_JIS lead byte ends the second input.
        let cyrillic = Charset.decode([0xCF, 0x98, 0xF0], label: "windows-1251")
        #expect(cyrillic.text == "П\u{FFFD}р")
        #expect(cyrillic.problems.first?.message == "replaced 1 invalid byte sequence in `windows-1251` text")

        let japanese = Charset.decode([0x93, 0xFA, 0x41, 0x93], label: "shift_jis")
        #expect(japanese.text == "日A\u{FFFD}")
        #expect(problemCodes(japanese.problems) == ["charset.invalid-bytes"])
    }

    @Test("RFC 1468 §3: bytes that cannot occur in ISO-2022-JP are replaced")
    func invalidISO2022JP() {
        let decoded = Charset.decode(
            [0x61, 0xA4, 0x1B, 0x24, 0x42, 0x24, 0x33, 0x24, 0x1B, 0x28, 0x42],
            label: "iso-2022-jp")
        #expect(decoded.text == "a\u{FFFD}こ\u{FFFD}")
        #expect(decoded.problems.first?.message == "replaced 2 invalid byte sequences in `iso-2022-jp` text")
    }

    @Test("RFC 2046 §4.1.2: an unknown charset decodes as UTF-8 when valid and is reported")
    func unknownCharsetUTF8() {
        let decoded = Charset.decode([0xD0, 0x9F, 0xD1, 0x80, 0xD0, 0xB8], label: "x-made-up")
        #expect(decoded.text == "При")
        #expect(problemCodes(decoded.problems) == ["charset.unknown"])
        #expect(decoded.problems.first?.message == "unknown charset `x-made-up`")
    }

    @Test("RFC 2046 §4.1.2: an unknown charset falls back to windows-1252 when not UTF-8")
    func unknownCharsetWindows1252() {
        let decoded = Charset.decode([0x66, 0xFC, 0x72], label: "klingon")
        #expect(decoded.text == "für")
        #expect(problemCodes(decoded.problems) == ["charset.unknown"])
    }

    @Test("RFC 2046 §4.1.2: a charset whose converter is missing decodes by guess and is reported")
    func missingConverter() {
        let charset = Charset(name: "x-gone", engine: .iconv("X-NO-SUCH-CONVERTER", asciiSuperset: true))
        let decoded = charset.decode([0x66, 0xFC, 0x72])
        #expect(decoded.text == "für")
        #expect(problemCodes(decoded.problems) == ["charset.unavailable"])
        #expect(decoded.problems.first?.message == "no converter for charset `x-gone` on this system")
        // Plain ASCII never reaches the converter.
        #expect(charset.decode(Array("abc".utf8)) == DecodedText(text: "abc"))
    }

    @Test("RFC 1428 §3: unknown-8bit guesses without reporting")
    func unknown8Bit() {
        #expect(Charset.decode([0x66, 0xC3, 0xBC, 0x72], label: "unknown-8bit") == DecodedText(text: "für"))
        #expect(Charset.decode([0x66, 0xFC, 0x72], label: "x-unknown") == DecodedText(text: "für"))
    }

    @Test("RFC 2046 §4.1.2: empty input decodes to empty text in every engine")
    func emptyInput() {
        for label in ["utf-8", "us-ascii", "latin1", "unknown-8bit", "iso-2022-jp", "koi8-r", "utf-16"] {
            #expect(Charset.decode([], label: label) == DecodedText(text: ""), "\(label)")
        }
    }

    @Test("RFC 2046 §4.1.2: large input through iconv grows its buffer correctly")
    func largeInput() {
        // Each Thai byte becomes three UTF-8 bytes, more than the first output buffer holds.
        let bytes = [UInt8](repeating: 0xC0, count: 100_000) + [0xDB, 0x41]
        let decoded = Charset.decode(bytes, label: "tis-620")
        #expect(decoded.text == String(repeating: "ภ", count: 100_000) + "\u{FFFD}A")
    }

    @Test("RFC 2046 §4.1.2: decoding is safe from many threads at once")
    func concurrentDecoding() async {
        let samples: [(String, [UInt8], String)] = [
            ("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "Привет"),
            ("shift_jis", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "日本語"),
            ("iso-8859-1", [0xDC, 0x6E, 0xEF], "Ünï"),
            ("utf-8", [0xE2, 0x82, 0xAC], "€"),
        ]
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<64 {
                group.addTask {
                    var failures = 0
                    for round in 0..<50 {
                        let (label, bytes, expected) = samples[(task + round) % samples.count]
                        if Charset.decode(bytes, label: label).text != expected { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}
