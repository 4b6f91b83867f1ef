import Testing

@testable import SluiceMessage

@Suite("Trace scanner (RFC 5322 §3.2)")
struct TraceScannerTests {
    func rest(_ scanner: TraceScanner) -> String {
        ASCII.trimmed(scanner.text(scanner.position..<scanner.bytes.count))
    }

    @Test("RFC 5322 §3.2.2: comments nest and keep their inner parentheses")
    func nestedComment() {
        var scanner = TraceScanner("(name [192.0.2.1] (may be forged)) rest")
        #expect(scanner.readComment() == "name [192.0.2.1] (may be forged)")
        #expect(rest(scanner) == "rest")
        #expect(scanner.problems.isEmpty)
    }

    @Test("RFC 5322 §3.2.1: a quoted-pair escapes a parenthesis inside a comment")
    func quotedPairInComment() {
        var scanner = TraceScanner(#"(a \) b) c"#)
        #expect(scanner.readComment() == "a ) b")
        #expect(rest(scanner) == "c")
    }

    @Test("RFC 5322 §3.2.2: folding whitespace in a comment reads as one space")
    func commentWhitespace() {
        var scanner = TraceScanner("(  may\t  be\tforged )")
        #expect(scanner.readComment() == "may be forged")
    }

    @Test(
        "RFC 5322 §3.2.2: a plain comment reads as written; any other falls back to collapsing and unquoting",
        arguments: [
            ("(Postfix) x", "Postfix"), ("(mail.example [192.0.2.1]) x", "mail.example [192.0.2.1]"),
            ("(caf\u{E9} \u{2603}) x", "caf\u{E9} \u{2603}"), ("() x", ""), ("( a) x", "a"), ("(a ) x", "a"),
            ("(a  b) x", "a b"), ("(a\tb) x", "a b"), ("(a\r\nb) x", "a b"), (#"(a\)b) x"#, "a)b"), ("(a (b)) x", "a (b)"),
        ])
    func plainComment(text: String, expected: String) {
        var scanner = TraceScanner(text)
        #expect(scanner.readComment() == expected)
        #expect(rest(scanner) == "x")
        #expect(scanner.problems.isEmpty)
    }

    @Test("RFC 5322 §3.2.2: a comment with no `)` is read to the end however plain it is")
    func plainUnterminatedComment() {
        var scanner = TraceScanner("(plain words")
        #expect(scanner.readComment() == "plain words")
        #expect(scanner.isAtEnd)
        #expect(scanner.problems == [.unterminatedComment])
    }

    @Test("Case-insensitive ASCII comparison: letters match across case, nothing else does")
    func caseInsensitiveEquals() {
        #expect(TraceText.equals("X-Spam-Flag", "x-spam-FLAG"))
        #expect(TraceText.equals("", ""))
        #expect(!TraceText.equals("bcl", "bcl "))
        #expect(!TraceText.equals("a[", "A{"))
        #expect(!TraceText.equals("@", "`"))
        #expect(!TraceText.equals("\u{E9}", "\u{C9}"))
        #expect(TraceText.equals("caf\u{E9}", "CAF\u{E9}"))
        #expect(TraceText.equals("Dkim"[...], "dKIM"))
    }

    @Test("RFC 5322 §3.2.4: a quoted string undoes its quoted-pairs and keeps its spaces")
    func quotedString() {
        var scanner = TraceScanner(#""a \"b\"  c";"#)
        #expect(scanner.readQuotedString() == #"a "b"  c"#)
        #expect(scanner.peek() == UInt8(ascii: ";"))
    }

    @Test("RFC 5322 §3.2.2: CFWS skipping collects every comment in order")
    func skipCFWS() {
        var scanner = TraceScanner(" (one)\t(two (three))  word")
        var comments: [String] = []
        scanner.skipCFWS(into: &comments)
        #expect(comments == ["one", "two (three)"])
        #expect(scanner.readRun(until: TraceByteSet(";")) == "word")
    }

    @Test("RFC 5322 §3.2.2: an unterminated comment is read to the end and reported")
    func unterminatedComment() {
        var scanner = TraceScanner("(open (nested) never closed")
        #expect(scanner.readComment() == "open (nested) never closed")
        #expect(scanner.isAtEnd)
        #expect(scanner.problems == [.unterminatedComment])
    }

    @Test("RFC 5322 §3.2.4: an unterminated quoted string is read to the end and reported")
    func unterminatedQuote() {
        // The lone backslash at the end escapes nothing, so it is kept.
        var scanner = TraceScanner(#""open \"#)
        #expect(scanner.readQuotedString() == #"open \"#)
        #expect(scanner.isAtEnd)
        #expect(scanner.problems == [.unterminatedQuotedString])
    }

    @Test("RFC 5322 §3.2.2: skipping to a delimiter ignores it inside comments and quoted strings")
    func skipUntil() {
        var scanner = TraceScanner(#"a (;) "b;c" ; d"#)
        scanner.skip(until: UInt8(ascii: ";"))
        #expect(scanner.position == 12)
        #expect(rest(scanner) == "; d")
    }

    @Test("RFC 6532 §3.2: UTF-8 bytes are word characters")
    func utf8Words() {
        var scanner = TraceScanner("bücher.example;")
        #expect(scanner.readRun(until: TraceByteSet(";")) == "bücher.example")
        #expect(ASCII.lowercased("BÜCHER.Example") == "bÜcher.example")
        #expect(TraceText.equals("Pass", "pASS"))
        #expect(!TraceText.equals("@", "`"))
    }
}
