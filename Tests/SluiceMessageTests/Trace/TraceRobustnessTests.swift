import Testing

@testable import SluiceMessage

/// The parsers run on every message, so no input may crash them, hang them, or pass silently.
@Suite("Trace parsers on hostile input")
struct TraceRobustnessTests {
    static let samples = [
        "mx.example (c) 1; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=\"a b\"@x.example; dkim/1=fail header.b=ab+/=",
        "i=1; mx.microsoft.com 1; dmarc=fail (p=reject sp=none dis=none) action=oreject header.from=x.example",
        "from a.example (b.example [IPv6:2001:db8::1]) by c.example (Postfix) with ESMTPS id X for <d@e>; Mon, 1 Oct 2018 09:49:22 +0000",
        "pass (mx: domain of a@b designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=\"a@b\";",
        "CIP:2a01:111:f403:2c14::701;SCL:5;SFV:SPM;H:mail.example;",
        "Yes, score=5.2 required=5.0 tests=A,\t B autolearn=no version=3.4.6",
        "default: False [3.40 / 15.00]; SYMBOL(1.00)[opt1,opt2]; S2(0.00)[]",
    ]

    /// Runs every parser on `text` and checks that each either read something or said why not.
    static func exercise(_ text: String) {
        let auth = AuthenticationResults(parsing: text)
        #expect(!auth.results.isEmpty || auth.isNone || !auth.diagnostics.isEmpty, "auth-results silent on `\(text)`")
        let received = ReceivedHeader(parsing: text)
        #expect(received.date != nil || !received.diagnostics.isEmpty, "received silent on `\(text)`")
        let spf = ReceivedSPF(parsing: text)
        #expect(ReceivedSPF.knownResults.contains(spf.result) || !spf.diagnostics.isEmpty, "received-spf silent on `\(text)`")
        let forefront = ForefrontAntispamReport(parsing: text)
        #expect(!forefront.fields.isEmpty || !forefront.diagnostics.isEmpty)
        let status = SpamAssassinStatus(parsing: text)
        #expect(status.isSpam != nil || !status.diagnostics.isEmpty)
        let rspamd = RspamdResult(parsing: text)
        #expect(rspamd.isSpam != nil || !rspamd.diagnostics.isEmpty)
        _ = MicrosoftAntispam(parsing: text)
        _ = RFC5322Date.parse(text)
        _ = IPAddress(text)
    }

    @Test("RFC 5322 §3.2: every prefix of a real header is read or reported", arguments: samples)
    func prefixes(sample: String) {
        var end = sample.startIndex
        while end < sample.endIndex {
            sample.formIndex(after: &end)
            Self.exercise(String(sample[..<end]))
        }
    }

    @Test("RFC 5322 §3.2: random mixes of delimiters, quotes, escapes and UTF-8 are read or reported")
    func randomInput() {
        let alphabet: [String] = [
            "(", ")", "\"", "\\", ";", "=", ":", ",", "/", ".", "[", "]", "<", ">", " ", "\t", "a", "Z", "1", "9",
            "ü", "é", "from", "by", "spf", "pass", "i=1", "none", "-", "+", "@", "IPv6:", "::", "\r\n",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3_000 {
            var text = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 58)
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += alphabet[Int(state >> 33) % alphabet.count]
            }
            Self.exercise(text)
        }
    }
}
