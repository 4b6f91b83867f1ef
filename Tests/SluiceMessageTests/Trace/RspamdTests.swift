import Testing

@testable import SluiceMessage

@Suite("rspamd headers (milter_headers module, extended_spam_headers)")
struct RspamdTests {
    typealias T = TraceTestSupport

    static let result = """
        default: False [-3.10 / 15.00];\tDMARC_POLICY_ALLOW(-0.50)[example.com,reject];\t\
        R_DKIM_ALLOW(-0.20)[example.com:s=selector1];\tR_SPF_ALLOW(-0.20)[+ip4:192.0.2.0/24];\t\
        MIME_GOOD(-0.10)[multipart/alternative,text/plain];\tARC_NA(0.00)[];\t\
        ASN(0.00)[asn:15169, ipnet:209.85.128.0/17, country:US];\tRCPT_COUNT_ONE(0.00)[1]
        """

    @Test("rspamd milter_headers x-spamd-result: summary and every symbol with score and options")
    func full() throws {
        let parsed = RspamdResult(parsing: Self.result)
        #expect(parsed.metric == "default")
        #expect(parsed.isSpam == false)
        #expect(parsed.score == -3.10)
        #expect(parsed.required == 15.00)
        #expect(
            parsed.symbols.map(\.name) == [
                "DMARC_POLICY_ALLOW", "R_DKIM_ALLOW", "R_SPF_ALLOW", "MIME_GOOD", "ARC_NA", "ASN", "RCPT_COUNT_ONE",
            ])
        let dmarc = try #require(parsed.symbol("DMARC_POLICY_ALLOW"))
        #expect(dmarc == RspamdSymbol(name: "DMARC_POLICY_ALLOW", score: -0.5, options: ["example.com", "reject"]))
        #expect(parsed.symbol("R_SPF_ALLOW")?.options == ["+ip4:192.0.2.0/24"])
        #expect(parsed.symbol("R_DKIM_ALLOW")?.options == ["example.com:s=selector1"])
        #expect(parsed.symbol("ARC_NA")?.options == [])
        #expect(parsed.symbol("ASN")?.options == ["asn:15169", "ipnet:209.85.128.0/17", "country:US"])
        #expect(parsed.symbol("RCPT_COUNT_ONE")?.score == 0)
        #expect(parsed.diagnostics.isEmpty)
    }

    @Test("rspamd milter_headers x-spamd-result: a spam verdict, symbols without options, nested brackets")
    func spam() {
        let parsed = RspamdResult(parsing: "default: True [16.40 / 15.00]; GTUBE(15.00); WEIRD(1.00)[a[1],b]; BARE")
        #expect(parsed.isSpam == true)
        #expect(parsed.score == 16.4)
        #expect(parsed.symbols == [
            RspamdSymbol(name: "GTUBE", score: 15),
            RspamdSymbol(name: "WEIRD", score: 1, options: ["a[1]", "b"]),
            RspamdSymbol(name: "BARE"),
        ])
    }

    @Test("rspamd milter_headers: X-Rspamd-Score and X-Rspamd-Action")
    func companions() {
        let headers = RspamdHeaders(result: Self.result, score: " -3.10 ", action: "No  Action")
        #expect(headers.result?.score == -3.1)
        #expect(headers.score == -3.1)
        #expect(headers.action == "no action")
        #expect(headers.diagnostics.isEmpty)
        #expect(RspamdHeaders(action: "add header").action == "add header")
        #expect(RspamdHeaders().result == nil)
    }

    @Test("rspamd milter_headers x-spamd-result: malformed headers are reported, what can be read is kept")
    func malformed() {
        let noSummary = RspamdResult(parsing: "SYMBOL(1.00)[x]")
        #expect(noSummary.metric == nil)
        #expect(noSummary.symbols.map(\.name) == ["SYMBOL"])
        #expect(T.codes(noSummary.diagnostics) == ["rspamd.missing-summary"])

        let bad = RspamdResult(parsing: "default: Maybe [x / y]; S(abc)[open")
        #expect(bad.isSpam == nil)
        #expect(bad.symbols.map(\.name) == ["S"])
        #expect(bad.symbols.first?.options == ["open"])
        #expect(
            T.codes(bad.diagnostics) == [
                "rspamd.invalid-verdict", "rspamd.invalid-score", "rspamd.invalid-symbol-score", "rspamd.unterminated-bracket",
            ])
        #expect(T.codes(RspamdResult(parsing: "").diagnostics) == ["rspamd.missing-summary"])

        let headers = RspamdHeaders(score: "lots", action: "  ")
        #expect(headers.score == nil)
        #expect(headers.action == nil)
        #expect(T.codes(headers.diagnostics) == ["rspamd.invalid-score", "rspamd.empty-action"])
    }
}
