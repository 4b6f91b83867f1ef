import SluiceDiagnostics
import Testing

@testable import SluiceMessage

private func problemCodes(_ problems: [Diagnostic]) -> [String] { problems.map(\.code.rawValue) }

@Suite("MIME header parameters")
struct HeaderParametersTests {
    @Test("RFC 2045 §5.1: type, subtype and parameter names are case-insensitive; values keep case")
    func caseHandling() {
        let parsed = ParameterizedValue(parsing: "Text/HTML; CharSet=\"UTF-8\"; Format=Flowed")
        #expect(parsed.mediaType == "text/html")
        #expect(parsed.type == "text")
        #expect(parsed.subtype == "html")
        #expect(parsed.charset == "UTF-8")
        #expect(parsed[parameter: "FORMAT"] == "Flowed")
        #expect(parsed.parameters.map(\.name) == ["charset", "format"])
        #expect(parsed.problems.isEmpty)
    }

    @Test("RFC 2046 §5.1.1: the boundary keeps its case and its `=` and `.` characters")
    func boundaryCase() {
        let quoted = ParameterizedValue(parsing: "multipart/mixed; boundary=\"----=_Part_0_AbC.xYz\"")
        #expect(quoted.boundary == "----=_Part_0_AbC.xYz")
        let unquoted = ParameterizedValue(
            parsing: "multipart/alternative;\r\n\tboundary=----=_NextPart_000_0012_01D4ABCD.1234EF")
        #expect(unquoted.boundary == "----=_NextPart_000_0012_01D4ABCD.1234EF")
        #expect(unquoted.problems.isEmpty)
    }

    @Test("RFC 2045 §5.1: the comment in the RFC's own example is skipped")
    func rfcComment() {
        let parsed = ParameterizedValue(parsing: "text/plain; charset=us-ascii (Plain text)")
        #expect(parsed.mediaType == "text/plain")
        #expect(parsed.charset == "us-ascii")
        #expect(parsed.problems.isEmpty)
    }

    @Test("RFC 5322 §3.2.2: comments and folding whitespace anywhere in Content-Type are skipped")
    func commentsEverywhere() {
        let parsed = ParameterizedValue(
            parsing:
                "(lead) text (a) / (b) plain (c) ; (d) charset (e) = (f (nested)) \"utf-8\" (g) ;\r\n format=flowed")
        #expect(parsed.mediaType == "text/plain")
        #expect(parsed.charset == "utf-8")
        #expect(parsed[parameter: "format"] == "flowed")
        #expect(parsed.problems.isEmpty)
    }

    @Test("RFC 5322 §3.2.4: quoted strings resolve backslash escapes and keep `;`")
    func quotedStrings() {
        let parsed = ParameterizedValue(parsing: #"attachment; filename="a \"quoted\" \\ name; really.txt""#)
        #expect(parsed.mediaType == "attachment")
        #expect(parsed.filename == #"a "quoted" \ name; really.txt"#)
        #expect(parsed.problems.isEmpty)
    }

    @Test("RFC 2231 §3: continuations join in order")
    func continuations() {
        let parsed = ParameterizedValue(
            parsing:
                "message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\""
        )
        #expect(parsed[parameter: "url"] == "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar")
        #expect(parsed[parameter: "access-type"] == "URL")
        #expect(parsed.problems.isEmpty)
    }

    @Test("RFC 2231 §4: charset and language decode a percent-encoded value")
    func extendedValue() {
        let parsed = ParameterizedValue(
            parsing: "application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A")
        #expect(parsed[parameter: "title"] == "This is ***fun***")
        #expect(parsed.parameters.first?.language == "en-us")
        #expect(parsed.problems.isEmpty)

        let euro = ParameterizedValue(parsing: "attachment; filename*=utf-8''%E2%82%AC%20rates.pdf")
        #expect(euro.filename == "€ rates.pdf")
        #expect(euro.parameters.first?.language == nil)

        let latin = ParameterizedValue(parsing: "attachment; filename*=ISO-8859-1'de'%FCber%20%93x%94.txt")
        #expect(latin.filename == "über “x”.txt")
        #expect(latin.parameters.first?.language == "de")
    }

    @Test("RFC 2231 §4.1: extended and plain continuation sections combine")
    func combinedContinuations() {
        let parsed = ParameterizedValue(
            parsing:
                "application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\""
        )
        #expect(parsed[parameter: "title"] == "This is even more ***fun*** isn't it!")
        #expect(parsed.parameters.first?.language == "en")
        #expect(parsed.problems.isEmpty)
    }

    @Test("RFC 2231 §4.1: a character split across extended sections decodes")
    func splitAcrossSections() {
        let parsed = ParameterizedValue(
            parsing: "attachment; filename*0*=UTF-8''%D0%9F%D1%80%D0%B8%D0; filename*1*=%B2%D0%B5%D1%82.txt")
        #expect(parsed.filename == "Привет.txt")
        #expect(parsed.problems.isEmpty)
    }

    @Test("RFC 2231 §3: sections out of order are joined in numeric order")
    func outOfOrder() {
        let parsed = ParameterizedValue(parsing: "attachment; filename*1=\"b.txt\"; filename*0=\"a-\"")
        #expect(parsed.filename == "a-b.txt")
        #expect(problemCodes(parsed.problems) == ["parameter.continuation-order"])
        #expect(parsed.problems.first?.severity == .info)
    }

    @Test("RFC 2231 §3: missing sections are reported and the rest joined")
    func missingSections() {
        let parsed = ParameterizedValue(parsing: "attachment; filename*0=\"a\"; filename*2=\"c\"; filename*5=\"f\"")
        #expect(parsed.filename == "acf")
        #expect(problemCodes(parsed.problems) == ["parameter.bad-continuation"])
        #expect(parsed.problems.first?.message == "parameter `filename` is missing continuation sections 1, 3-4")

        let noFirst = ParameterizedValue(parsing: "attachment; filename*1=\"b\"")
        #expect(noFirst.filename == "b")
        #expect(noFirst.problems.first?.message == "parameter `filename` is missing continuation section 0")
    }

    @Test("RFC 2231 §4: the extended form wins over a plain fallback sent beside it")
    func extendedWins() {
        let parsed = ParameterizedValue(
            parsing: "attachment; filename=\"fallback.pdf\"; filename*=utf-8''r%C3%A9sum%C3%A9.pdf")
        #expect(parsed.filename == "résumé.pdf")
        #expect(parsed.problems.isEmpty)
    }

    @Test("RFC 2231 §4: a bad percent escape and a missing charset prefix are reported")
    func badExtended() {
        let badPercent = ParameterizedValue(parsing: "attachment; filename*=utf-8''100%25%zz.txt")
        #expect(badPercent.filename == "100%%zz.txt")
        #expect(problemCodes(badPercent.problems) == ["parameter.bad-percent-encoding"])

        let noPrefix = ParameterizedValue(parsing: "attachment; filename*=%C3%A9t%C3%A9.txt")
        #expect(noPrefix.filename == "été.txt")
        #expect(problemCodes(noPrefix.problems) == ["parameter.bad-extended-value"])

        let unknown = ParameterizedValue(parsing: "attachment; filename*=x-nonsense''%E9t%E9.txt")
        #expect(unknown.filename == "été.txt")
        #expect(problemCodes(unknown.problems) == ["charset.unknown"])
    }

    @Test("RFC 2047 §5: encoded words inside a quoted filename are decoded, as Outlook sends them")
    func encodedWordInQuotedValue() {
        let parsed = ParameterizedValue(parsing: "attachment; filename=\"=?UTF-8?B?0J/RgNC40LLQtdGCLnR4dA==?=\"")
        #expect(parsed.filename == "Привет.txt")
        #expect(parsed.problems.isEmpty)

        let unquoted = ParameterizedValue(parsing: "application/pdf; name==?iso-8859-1?q?=DCbersicht.pdf?=")
        #expect(unquoted.name == "Übersicht.pdf")

        // Outlook also splits one encoded word across RFC 2231 sections.
        let split = ParameterizedValue(
            parsing: "application/pdf; name*0=\"=?utf-8?q?R=C3=A9\"; name*1=\"sum=C3=A9.pdf?=\"")
        #expect(split.filename == "Résumé.pdf")
    }

    @Test("RFC 2046 §5.1.1: a boundary that looks like an encoded word is left alone")
    func boundaryNotDecoded() {
        let parsed = ParameterizedValue(parsing: "multipart/mixed; boundary=\"=?utf-8?q?x?=\"")
        #expect(parsed.boundary == "=?utf-8?q?x?=")
    }

    @Test("RFC 2045 §5.1: a repeated parameter keeps its first value and is reported")
    func duplicates() {
        let parsed = ParameterizedValue(parsing: "text/plain; charset=utf-8; CHARSET=iso-8859-1")
        #expect(parsed.charset == "utf-8")
        #expect(parsed.parameters.count == 1)
        #expect(problemCodes(parsed.problems) == ["parameter.duplicate"])
        #expect(parsed.problems.first?.message == "parameter `charset` appears more than once")

        let sections = ParameterizedValue(parsing: "attachment; filename*0=a; filename*0=b; filename*1=c")
        #expect(sections.filename == "ac")
        #expect(sections.problems.first?.message == "parameter `filename*0` appears more than once")
    }

    @Test("RFC 5322 §3.2.4: an unterminated quoted string runs to the end and is reported")
    func unterminatedQuote() {
        let parsed = ParameterizedValue(parsing: "attachment; filename=\"unterminated; name.txt")
        #expect(parsed.filename == "unterminated; name.txt")
        #expect(problemCodes(parsed.problems) == ["parameter.unterminated-quote"])
    }

    @Test("RFC 2045 §5.1: a missing `=` or `;` is forgiven and reported")
    func missingPunctuation() {
        let noEquals = ParameterizedValue(parsing: "text/plain; charset \"utf-8\"")
        #expect(noEquals.charset == "utf-8")
        #expect(problemCodes(noEquals.problems) == ["parameter.missing-equals"])

        let noSemicolon = ParameterizedValue(parsing: "text/plain charset=utf-8 format=flowed")
        #expect(noSemicolon.mediaType == "text/plain")
        #expect(noSemicolon.charset == "utf-8")
        #expect(noSemicolon[parameter: "format"] == "flowed")
        #expect(problemCodes(noSemicolon.problems) == ["parameter.missing-semicolon", "parameter.missing-semicolon"])

        let noValue = ParameterizedValue(parsing: "attachment; filename=; size")
        #expect(noValue.filename == "")
        #expect(noValue[parameter: "size"] == "")
        #expect(problemCodes(noValue.problems) == ["parameter.missing-value", "parameter.missing-value"])
    }

    @Test("RFC 2045 §5.1: unquoted values with spaces or parentheses are read whole")
    func sloppyUnquotedValues() {
        let spaces = ParameterizedValue(parsing: "attachment; filename=my  summer photo.jpg; size=12")
        #expect(spaces.filename == "my summer photo.jpg")
        #expect(spaces[parameter: "size"] == "12")
        #expect(problemCodes(spaces.problems) == ["parameter.unquoted-space"])

        let parens = ParameterizedValue(parsing: "attachment; filename=report(1).pdf")
        #expect(parens.filename == "report(1).pdf")
        #expect(parens.problems.isEmpty)
    }

    @Test("RFC 2045 §5.1: stray text and empty parameters do not derail parsing")
    func junk() {
        let parsed = ParameterizedValue(parsing: "text/plain;; ;charset=utf-8; \"stray\"; =x; format=\"flowed\" junk;")
        #expect(parsed.charset == "utf-8")
        #expect(parsed[parameter: "format"] == "flowed")
        #expect(parsed.parameters.count == 2)
        #expect(
            problemCodes(parsed.problems)
                == ["parameter.unexpected-text", "parameter.unexpected-text", "parameter.unexpected-text"])
    }

    @Test("RFC 2183 §2: Content-Disposition's filename falls back to Content-Type's name")
    func filenameFallback() {
        let parsed = ParameterizedValue(parsing: "application/octet-stream; name=\"data.bin\"")
        #expect(parsed.name == "data.bin")
        #expect(parsed.filename == "data.bin")
        #expect(ParameterizedValue(parsing: "inline").filename == nil)
    }

    @Test("RFC 2045 §5.2: an empty or type-only value parses without parameters")
    func emptyValues() {
        let empty = ParameterizedValue(parsing: "")
        #expect(empty.value == "")
        #expect(empty.parameters.isEmpty)
        #expect(empty.problems.isEmpty)
        let typeOnly = ParameterizedValue(parsing: "  TEXT  ")
        #expect(typeOnly.type == "text")
        #expect(typeOnly.subtype == "")
    }

    @Test("RFC 2231 §3: thousands of parameters and sections are all read")
    func manyParameters() {
        let distinct = (0..<5000).map { "p\($0)=v\($0)" }.joined(separator: "; ")
        let parsed = ParameterizedValue(parsing: "text/plain; " + distinct)
        #expect(parsed.parameters.count == 5000)
        #expect(parsed[parameter: "p4999"] == "v4999")

        let sections = stride(from: 9998, through: 0, by: -2).map { "f*\($0)=\($0 % 10)" }.joined(separator: "; ")
        let gappy = ParameterizedValue(parsing: "attachment; " + sections)
        #expect(gappy[parameter: "f"]?.hasPrefix("02468024") == true)
        #expect(
            gappy.problems.first?.message
                == "parameter `f` is missing continuation sections 1, 3, 5, 7, 9, ...")
    }

    @Test("RFC 5322 §3.2.2: an unclosed comment is reported")
    func unclosedComment() {
        let parsed = ParameterizedValue(parsing: "text/plain; charset=utf-8 (oops")
        #expect(parsed.charset == "utf-8")
        #expect(problemCodes(parsed.problems) == ["parameter.unterminated-comment"])
    }
}
