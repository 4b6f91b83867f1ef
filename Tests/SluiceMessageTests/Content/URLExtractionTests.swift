import SluiceDiagnostics
import Testing

@testable import SluiceMessage

private func multipart(plain: String, html: String) -> String {
    """
    From: a@example.com
    Content-Type: multipart/alternative; boundary=b

    --b
    Content-Type: text/plain; charset=utf-8

    \(plain)
    --b
    Content-Type: text/html; charset=utf-8

    \(html)
    --b--
    """
}

@Suite("URLs in plain text (RFC 3986 Appendix C)")
struct ContentTextURLTests {
    @Test(
        "RFC 3986 Appendix C: sentence punctuation after a URL is not part of it",
        arguments: [
            ("See http://a.example/x.", "http://a.example/x"),
            ("Go to https://a.example/path, then", "https://a.example/path"),
            ("Really? https://a.example/?q=1!", "https://a.example/?q=1"),
            ("list: http://a.example/a;b;", "http://a.example/a;b"),
            ("done http://a.example/...", "http://a.example/"),
            ("(see http://a.example/page)", "http://a.example/page"),
            ("(see http://a.example/wiki/A_(b)).", "http://a.example/wiki/A_(b)"),
            ("[http://a.example/x]", "http://a.example/x"),
            ("http://a.example/x[1]", "http://a.example/x[1]"),
            ("<http://a.example/delimited>", "http://a.example/delimited"),
            ("\"http://a.example/quoted\"", "http://a.example/quoted"),
            ("'http://a.example/single'", "http://a.example/single"),
            ("`http://a.example/tick`", "http://a.example/tick"),
            ("http://a.example/tab\tnext", "http://a.example/tab"),
            ("FTP://Files.Example/pub/x.tgz", "FTP://Files.Example/pub/x.tgz"),
        ])
    func trailingPunctuation(text: String, expected: String) {
        #expect(URLExtractor.urls(inText: text) == [expected])
    }

    @Test(
        "RFC 3986 Appendix C: a link starts at a word boundary, not inside a host or address, and needs more than its scheme",
        arguments: [
            "xhttp://a.example/", "awww.a.example", "wwww.a.example", "http://", "www.", "mailhttp://x", "3www.x.example",
            "mail.www.a.example", "my-www.a.example", "write to me@www.a.example",
        ])
    func notLinks(text: String) {
        #expect(URLExtractor.urls(inText: text).isEmpty)
    }

    @Test("RFC 3986 Appendix C: several URLs, `www.` links among them, are found in order")
    func severalInOrder() {
        let text = "first www.one.example/a then\nhttps://two.example:8443/b?c=d#e and ftp://three.example."
        #expect(URLExtractor.urls(inText: text) == [
            "www.one.example/a", "https://two.example:8443/b?c=d#e", "ftp://three.example",
        ])
    }

    @Test("RFC 3986 Appendix C: a URL inside another URL's query is not found twice")
    func nestedURL() {
        #expect(URLExtractor.urls(inText: "https://r.example/?u=http://evil.example/") == [
            "https://r.example/?u=http://evil.example/"
        ])
    }

    @Test("RFC 3986 Appendix C: plain text is not HTML; entities are left alone")
    func noEntitiesInText() {
        #expect(URLExtractor.urls(inText: "http://a.example/?a=1&amp;b=2") == ["http://a.example/?a=1&amp;b=2"])
        #expect(URLExtractor.urls(inText: "h&#116;tp://evil.example/").isEmpty)
    }

    @Test("Unicode §6.2: a no-break space ends a URL as a space does")
    func noBreakSpace() {
        #expect(URLExtractor.urls(inText: "visit http://a.example/x\u{A0}now") == ["http://a.example/x"])
        #expect(URLExtractor.urls(inText: "http://bücher.example/straße") == ["http://bücher.example/straße"])
    }
}

@Suite("URLs in HTML (HTML §13.1.2, §13.2.5.72)")
struct ContentHTMLURLTests {
    @Test(
        "HTML §13.2.5.72: character references in attributes are decoded before the URL is read",
        arguments: [
            (#"<a href="h&#116;tp://evil.example/">x</a>"#, "http://evil.example/"),
            (#"<a href="h&#x74;&#X74;p://evil.example/">x</a>"#, "http://evil.example/"),
            (#"<a href="https&colon;&sol;&sol;evil&period;example/">x</a>"#, "https://evil.example/"),
            (#"<a href="http://a.example/?a=1&amp;b=2&AMP;c=3">x</a>"#, "http://a.example/?a=1&b=2&c=3"),
            (#"<a href="h&#116tp://evil.example/">x</a>"#, "http://evil.example/"),
            (#"<a href="h&#x74tp://evil.example/">x</a>"#, "http://evil.example/"),
        ])
    func entityDecoding(html: String, expected: String) {
        #expect(URLExtractor.urls(inHTML: html).first == expected)
    }

    @Test("HTML §13.1.2.3: href, src, action and background are read, quoted or not")
    func attributes() {
        let html = """
            <body background='http://bg.example/b.png'>
            <form ACTION=https://form.example/post method=post>
            <img\nsrc = "//cdn.example/pixel.gif">
            <a title="t"href="www.site.example/page">link</a>
            """
        let found = Set(URLExtractor.urls(inHTML: html))
        #expect(found == [
            "http://bg.example/b.png", "https://form.example/post", "//cdn.example/pixel.gif", "www.site.example/page",
        ])
    }

    @Test("HTML §13.1.2.3: other schemes and look-alike attribute names are not links")
    func notAttributes() {
        let html = """
            <a href="javascript:alert(1)">x</a><a href="mailto:a@example.com">m</a><a href="/relative">r</a>
            <div data-href="http://data.example/"></div><img srcset="http://set.example/ 1x">
            <a hreflang="en">lang</a>
            """
        let found = URLExtractor.urls(inHTML: html)
        #expect(!found.contains { $0.contains("javascript") || $0.contains("mailto") || $0 == "/relative" })
        #expect(Set(found) == ["http://data.example/", "http://set.example/"])
    }

    @Test("HTML §13.1.3: escaped angle brackets around a URL in text are not part of it")
    func escapedBrackets() {
        let found = Set(URLExtractor.urls(inHTML: "<p>&lt;https://a.example/x&gt; and &quot;http://b.example/&quot;</p>"))
        #expect(found == ["https://a.example/x", "http://b.example/"])
    }

    @Test("HTML §13.2.5.72: character references in text are decoded before a bare URL is read")
    func entitiesInText() {
        let found = URLExtractor.urls(inHTML: "<p>visit h&#116;tp://evil.example/a?x=1&amp;y=2 today</p>")
        #expect(found == ["http://evil.example/a?x=1&y=2"])
    }

    @Test("HTML §13.1.3: a URL in text is cut at the next tag or no-break space")
    func textURL() {
        let found = URLExtractor.urls(inHTML: "<td>http://a.example/x</td><td>https://b.example/y&nbsp;more</td>")
        #expect(found == ["http://a.example/x", "https://b.example/y"])
    }
}

@Suite("URL parts (RFC 3986 §3)")
struct ContentExtractedURLTests {
    @Test("RFC 3986 §3: scheme, host, port, path and query are split; the fragment is dropped")
    func components() throws {
        let url = try #require(ExtractedURL("HTTPS://Www.Example.COM.:8443/A/b?x=1&y=2#frag", part: "1"))
        #expect(url.url == "HTTPS://Www.Example.COM.:8443/A/b?x=1&y=2#frag")
        #expect(url.scheme == "https")
        #expect(url.host == "www.example.com")
        #expect(url.port == 8443)
        #expect(url.path == "/A/b")
        #expect(url.query == "x=1&y=2")
        #expect(url.parts == ["1"])
    }

    @Test(
        "RFC 3986 §3.2.1: userinfo before `@` is not the host (`http://bank.example@evil.example/`)",
        arguments: [
            ("http://bank.example@evil.example/login", "evil.example"),
            ("http://user:pass@evil.example:8080/", "evil.example"),
            ("http://a@b@evil.example/", "evil.example"),
            ("http://www.bank.example%2F@evil.example/", "evil.example"),
        ])
    func userinfo(text: String, host: String) {
        #expect(ExtractedURL(text, part: "")?.host == host)
    }

    @Test("WHATWG URL §4.4: in http(s) URLs a backslash ends the authority like `/`")
    func backslash() {
        let url = ExtractedURL(#"https://evil.example\@bank.example/"#, part: "")
        #expect(url?.host == "evil.example")
    }

    @Test("RFC 3986 §3.2.2: an IPv6 literal keeps its brackets and may have a port")
    func ipv6() {
        let withPort = ExtractedURL("http://[2001:DB8::1]:8080/x", part: "")
        #expect(withPort?.host == "[2001:db8::1]")
        #expect(withPort?.port == 8080)
        #expect(withPort?.path == "/x")
        let bare = ExtractedURL("http://[2001:db8::1]/", part: "")
        #expect(bare?.host == "[2001:db8::1]")
        #expect(bare?.port == nil)
    }

    @Test("RFC 3986 §3.2.3: a port is only digits; anything else is not a port")
    func portDigits() {
        #expect(ExtractedURL("http://a.example:/x", part: "")?.port == nil)
        #expect(ExtractedURL("http://a.example:-1/x", part: "")?.port == nil)
        #expect(ExtractedURL("http://a.example:+80/x", part: "")?.port == nil)
        #expect(ExtractedURL("http://a.example:080/x", part: "")?.port == 80)
        #expect(ExtractedURL("http://a.example:-1/x", part: "")?.host == "a.example")
    }

    @Test("RFC 3986 §3.3–3.4: a URL may have a query without a path, or neither")
    func queryWithoutPath() {
        let query = ExtractedURL("http://a.example?q=1", part: "")
        #expect(query?.path == "")
        #expect(query?.query == "q=1")
        let bare = ExtractedURL("http://a.example", part: "")
        #expect(bare?.path == "")
        #expect(bare?.query == nil)
        #expect(bare?.port == nil)
    }

    @Test("RFC 3986 §4.2: scheme-less `www.` and `//` links get a scheme; a `://` in their query is not one")
    func schemeless() {
        let www = ExtractedURL("www.good.example/r?next=https://evil.example/", part: "")
        #expect(www?.scheme == "http")
        #expect(www?.host == "www.good.example")
        #expect(www?.query == "next=https://evil.example/")
        let relative = ExtractedURL("//cdn.example/p?u=http://evil.example/", part: "")
        #expect(relative?.scheme == "https")
        #expect(relative?.host == "cdn.example")
        #expect(relative?.path == "/p")
    }

    @Test("RFC 3986 §3.2.2: a URL without a host is not kept", arguments: ["http:///path", "http://@/", "http://:80/", "http://./"])
    func noHost(text: String) {
        #expect(ExtractedURL(text, part: "") == nil)
    }
}

@Suite("URLs of a message")
struct ContentMessageURLTests {
    @Test("RFC 2046 §5.1.4: a URL in both alternatives is listed once with both parts")
    func dedupeAcrossParts() throws {
        let message = Fixtures.message(
            text: multipart(
                plain: "Pay at https://pay.example/invoice?id=7 now. Also www.other.example",
                html: #"<a href="https://pay.example/invoice?id=7">Pay</a> <a href="http://only-html.example/">x</a>"#))
        #expect(message.urls.map(\.url) == [
            "https://pay.example/invoice?id=7", "www.other.example", "http://only-html.example/",
        ])
        let pay = try #require(message.urls.first)
        #expect(pay.parts == ["1", "2"])
        #expect(pay.host == "pay.example")
        #expect(pay.query == "id=7")
        #expect(message.urls[1].parts == ["1"])
        #expect(message.urls[2].parts == ["2"])
    }

    @Test("RFC 2045 §6.7: a URL split by a quoted-printable soft line break is read whole")
    func quotedPrintableURL() {
        let message = Fixtures.message(
            text: """
                From: a@example.com
                Content-Type: text/html; charset=utf-8
                Content-Transfer-Encoding: quoted-printable

                <a href=3D"https://very-long-host.example/path/that/goes/on/and/on/and/on/and/=
                on?x=3D1">click</a>
                """, crlf: true)
        #expect(message.urls.map(\.url) == ["https://very-long-host.example/path/that/goes/on/and/on/and/on/and/on?x=1"])
        #expect(message.urls.first?.parts == [""])
    }

    @Test("RFC 2183 §2.2: URLs inside an attached text file are found too, marked with the attachment's part")
    func attachmentScanned() {
        let message = Fixtures.message(
            text: """
                From: a@example.com
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                body with http://body.example/
                --b
                Content-Type: text/plain; name="notes.txt"
                Content-Disposition: attachment

                attached http://attached.example/
                --b--
                """)
        #expect(message.urls.map(\.host) == ["body.example", "attached.example"])
        #expect(message.urls.map(\.parts) == [["1"], ["2"]])
        #expect(message.bodyTexts.map(\.part.path) == ["1"])
    }

    @Test("ReadLimits.maxURLs: URLs past the limit are not listed, and that is reported")
    func urlLimit() throws {
        let text = (1...5).map { "http://host\($0).example/" }.joined(separator: "\n")
        let message = Fixtures.message(
            text: "From: a@example.com\n\n\(text)\n", options: ReadOptions(limits: ReadLimits(maxURLs: 3)))
        #expect(message.urls.map(\.host) == ["host1.example", "host2.example", "host3.example"])
        let problem = try #require(message.problems.first { $0.code == "limit.urls" })
        #expect(problem.message.contains("more than 3 URLs; 2 more"))
    }

    @Test("ReadLimits.maxURLs: a URL already listed is not counted against the limit again")
    func urlLimitDuplicates() {
        let message = Fixtures.message(
            text: "From: a@example.com\n\nhttp://one.example/ http://two.example/ http://one.example/\n",
            options: ReadOptions(limits: ReadLimits(maxURLs: 2)))
        #expect(message.urls.map(\.host) == ["one.example", "two.example"])
        #expect(!message.problems.contains { $0.code == "limit.urls" })
    }
}
