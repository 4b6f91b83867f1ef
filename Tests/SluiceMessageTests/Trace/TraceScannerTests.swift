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
