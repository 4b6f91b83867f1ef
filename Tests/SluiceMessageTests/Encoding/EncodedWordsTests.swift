import SluiceDiagnostics
import Testing

@testable import SluiceMessage

/// An RFC 2047 header value and the text it must display as.
struct EncodedSample: Sendable, CustomTestStringConvertible {
    let encoded: String
    let expected: String
    var testDescription: String { encoded }
}

private func problemCodes(_ problems: [Diagnostic]) -> [String] { problems.map(\.code.rawValue) }

@Suite("RFC 2047 encoded words")
struct EncodedWordsTests {
    @Test(
        "RFC 2047 §8: the examples of the RFC display as it says",
        arguments: [
            EncodedSample(encoded: "(=?ISO-8859-1?Q?a?=)", expected: "(a)"),
            EncodedSample(encoded: "(=?ISO-8859-1?Q?a?= b)", expected: "(a b)"),
            EncodedSample(encoded: "(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", expected: "(ab)"),
            EncodedSample(encoded: "(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", expected: "(ab)"),
            EncodedSample(encoded: "(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", expected: "(ab)"),
            EncodedSample(encoded: "(=?ISO-8859-1?Q?a_b?=)", expected: "(a b)"),
            EncodedSample(encoded: "(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", expected: "(a b)"),
            EncodedSample(
                encoded: "=?ISO-8859-1?Q?Andr=E9?= Pirard", expected: "André Pirard"),
            EncodedSample(
                encoded:
                    "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
                expected: "If you can read this you understand the example."),
        ])
    func rfcExamples(_ sample: EncodedSample) {
        let decoded = EncodedWords.decode(sample.encoded)
        #expect(decoded.text == sample.expected)
        #expect(decoded.problems.isEmpty)
    }

    @Test(
        "RFC 2047 §4: B and Q words decode in many charsets",
        arguments: [
            EncodedSample(encoded: "=?UTF-8?B?w5xuw69jw7Zkw6k=?=", expected: "Ünïcödé"),
            EncodedSample(encoded: "=?utf-8?q?=C3=9Cn=C3=AFc=C3=B6d=C3=A9?=", expected: "Ünïcödé"),
            EncodedSample(encoded: "=?ISO-8859-1?Q?=DCn=EFc=F6d=E9?=", expected: "Ünïcödé"),
            EncodedSample(encoded: "=?iso-8859-2?q?Za=BF=F3=B3=E6_g=EA=B6l=B1?=", expected: "Zażółć gęślą"),
            EncodedSample(encoded: "=?ISO-8859-15?Q?=A4_=BD?=", expected: "€ œ"),
            EncodedSample(encoded: "=?windows-1251?B?z/Do4uXy?=", expected: "Привет"),
            EncodedSample(encoded: "=?Windows-1252?Q?=93Hello=94_it=92s?=", expected: "“Hello” it’s"),
            EncodedSample(encoded: "=?KOI8-R?B?8NLJ18XU?=", expected: "Привет"),
            EncodedSample(encoded: "=?Shift_JIS?B?k/qWe4zq?=", expected: "日本語"),
            EncodedSample(encoded: "=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=", expected: "こんにちは"),
            EncodedSample(encoded: "=?GB2312?B?1tDOxNPKvP4=?=", expected: "中文邮件"),
        ])
    func charsets(_ sample: EncodedSample) {
        let decoded = EncodedWords.decode(sample.encoded)
        #expect(decoded.text == sample.expected)
        #expect(decoded.problems.isEmpty)
    }

    @Test("RFC 2047 §4.2: underscore is a space, `=5F` an underscore, hex digits in either case")
    func qUnderscore() {
        #expect(EncodedWords.decode("=?utf-8?q?snake=5Fcase_is_fine?=").text == "snake_case is fine")
        #expect(EncodedWords.decode("=?utf-8?Q?caf=c3=a9?=").text == "café")
    }

    @Test("RFC 2047 §6.2: adjacent encoded words join without whitespace, text keeps it")
    func adjacency() {
        #expect(
            EncodedWords.decode("Re: =?utf-8?q?caf=C3=A9?= \t =?utf-8?q?_cr=C3=A8me?= now").text
                == "Re: café crème now")
        #expect(EncodedWords.decode("=?utf-8?q?one?= and =?utf-8?q?two?=").text == "one and two")
    }

    @Test("RFC 2047 §5: a character split across adjacent words of one charset decodes")
    func splitMultibyte() {
        // U+20AC is E2 82 AC; the split leaves neither word valid UTF-8 on its own.
        let b = EncodedWords.decode("=?UTF-8?B?4oI=?= =?UTF-8?B?rA==?= rates")
        #expect(b.text == "€ rates")
        #expect(b.problems.isEmpty)
        let q = EncodedWords.decode("=?utf-8?q?=E2=82?=\r\n =?UTF-8?Q?=AC?=")
        #expect(q.text == "€")
        #expect(q.problems.isEmpty)
        // 日本語 in Shift_JIS is 93FA 967B 8CEA; the split falls inside 967B.
        let sjis = EncodedWords.decode("=?shift_jis?B?k/qW?= =?Shift_JIS?B?e4zq?=")
        #expect(sjis.text == "日本語")
        #expect(sjis.problems.isEmpty)
    }

    @Test("RFC 2047 §6.2: adjacent words in different charsets are decoded separately")
    func differentCharsets() {
        let decoded = EncodedWords.decode("=?koi8-r?b?8NLJ?= =?windows-1251?b?4uXy?=")
        #expect(decoded.text == "Привет")
        #expect(decoded.problems.isEmpty)
    }

    @Test("RFC 2231 §5: a language suffix on the charset is accepted and ignored")
    func languageSuffix() {
        let decoded = EncodedWords.decode("=?US-ASCII*EN?Q?Keith_Moore?=")
        #expect(decoded.text == "Keith Moore")
        #expect(decoded.problems.isEmpty)
    }

    @Test("RFC 2047 §4.1: base64 without padding is accepted")
    func lenientPadding() {
        #expect(EncodedWords.decode("=?utf-8?b?w5w?=") == DecodedText(text: "Ü"))
        #expect(EncodedWords.decode("=?utf-8?b?w5xu?=") == DecodedText(text: "Ün"))
    }

    @Test("RFC 2047 §5: words touching other text are decoded anyway")
    func noSurroundingWhitespace() {
        #expect(EncodedWords.decode("foo=?utf-8?q?bar?=baz") == DecodedText(text: "foobarbaz"))
        #expect(EncodedWords.decode("[=?utf-8?q?=C3=A9?=]") == DecodedText(text: "[é]"))
    }

    @Test("RFC 2047 §5: spaces inside Q text, as Outlook sends, are kept as spaces")
    func spacesInQ() {
        #expect(EncodedWords.decode("=?utf-8?Q?hello world caf=C3=A9?=") == DecodedText(text: "hello world café"))
    }

    @Test("RFC 2047 §2: a word folded inside its B text still decodes")
    func foldedB() {
        #expect(EncodedWords.decode("=?utf-8?B?w5xuw69j\r\n w7Zkw6k=?=") == DecodedText(text: "Ünïcödé"))
    }

    @Test("RFC 2047 §6.3: an unknown charset decodes with fallback and is reported")
    func unknownCharset() {
        let decoded = EncodedWords.decode("Hi =?x-made-up?q?caf=C3=A9?= and =?x-made-up?q?na=EFve?=")
        #expect(decoded.text == "Hi café and naïve")
        #expect(problemCodes(decoded.problems) == ["encoded-word.unknown-charset", "encoded-word.unknown-charset"])
        #expect(decoded.problems.first?.message == "unknown charset `x-made-up` in encoded word")
    }

    @Test("RFC 2047 §6.3: malformed encoded words are left as written and reported")
    func malformed() {
        let unknownEncoding = EncodedWords.decode("a =?utf-8?x?abc?= b")
        #expect(unknownEncoding.text == "a =?utf-8?x?abc?= b")
        #expect(problemCodes(unknownEncoding.problems) == ["encoded-word.malformed"])

        let badBase64 = EncodedWords.decode("=?utf-8?b?w5x!?=")
        #expect(badBase64.text == "=?utf-8?b?w5x!?=")
        #expect(problemCodes(badBase64.problems) == ["encoded-word.bad-base64"])
        #expect(badBase64.problems.first?.message == "invalid base64 in encoded word `=?utf-8?b?w5x!?=`")

        let badQ = EncodedWords.decode("=?utf-8?q?100=ZZ?=")
        #expect(badQ.text == "=?utf-8?q?100=ZZ?=")
        #expect(problemCodes(badQ.problems) == ["encoded-word.bad-q-encoding"])

        let unterminated = EncodedWords.decode("=?utf-8?q?never_ends")
        #expect(unterminated.text == "=?utf-8?q?never_ends")
        #expect(problemCodes(unterminated.problems) == ["encoded-word.malformed"])

        let noCharset = EncodedWords.decode("=?*en?q?x?=")
        #expect(noCharset.text == "=?*en?q?x?=")
        #expect(problemCodes(noCharset.problems) == ["encoded-word.malformed"])
    }

    @Test("RFC 2047 §6.3: a well-formed word after a malformed one still decodes")
    func recoversAfterMalformed() {
        let decoded = EncodedWords.decode("=?utf-8?q?broken =?utf-8?q?caf=C3=A9?=")
        #expect(decoded.text == "=?utf-8?q?broken café")
        #expect(problemCodes(decoded.problems) == ["encoded-word.malformed"])
        // A malformed word between two good ones keeps the whitespace around it.
        let between = EncodedWords.decode("=?utf-8?q?a?= =?utf-8?b?!?= =?utf-8?q?b?=")
        #expect(between.text == "a =?utf-8?b?!?= b")
    }

    @Test("RFC 2047 §5: `=?` that is not shaped like an encoded word is plain text")
    func plainQuestionMarks() {
        for text in ["what =? no", "a=?b", "x =?? y", "=?utf-8 is it?", "=?a?bc?d?="] {
            #expect(EncodedWords.decode(text) == DecodedText(text: text), "\(text)")
        }
    }

    @Test("RFC 6532 §3.2: raw UTF-8 in a header passes through unchanged")
    func rawUTF8() {
        #expect(EncodedWords.decode("Grüße aus Köln 🎉") == DecodedText(text: "Grüße aus Köln 🎉"))
        #expect(EncodedWords.decode("Grüße =?utf-8?q?=C3=BC?=") == DecodedText(text: "Grüße ü"))
    }

    @Test("RFC 2047 §6.2: invalid bytes inside a word are replaced and reported")
    func invalidBytesInWord() {
        let decoded = EncodedWords.decode("=?utf-8?q?a=FFb?=")
        #expect(decoded.text == "a\u{FFFD}b")
        #expect(problemCodes(decoded.problems) == ["charset.invalid-bytes"])
    }

    @Test("RFC 2047 §4.1: an empty encoded word decodes to nothing")
    func emptyWord() {
        #expect(EncodedWords.decode("a =?utf-8?q??= b") == DecodedText(text: "a  b"))
        #expect(EncodedWords.decode("=?utf-8?b??=") == DecodedText(text: ""))
    }
}
