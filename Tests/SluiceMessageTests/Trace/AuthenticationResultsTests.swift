import Foundation
import SluiceDiagnostics
import Testing

@testable import SluiceMessage

@Suite("AuthenticationResults (RFC 8601, RFC 8617, reference §5.3, §6.5)")
struct AuthenticationResultsTests {
    typealias T = TraceTestSupport

    // MARK: RFC 8601 Appendix B

    @Test("RFC 8601 Appendix B.2: `none` with a version")
    func noneWithVersion() {
        let header = AuthenticationResults(parsing: "example.org 1; none")
        #expect(header.authservID == "example.org")
        #expect(header.version == 1)
        #expect(header.isNone)
        #expect(header.results.isEmpty)
        #expect(header.diagnostics.isEmpty)
    }

    @Test("RFC 8601 Appendix B.3: one SPF result with its smtp.mailfrom")
    func singleResult() throws {
        let header = AuthenticationResults(parsing: "example.com;\r\n                  spf=pass smtp.mailfrom=example.net")
        #expect(header.authservID == "example.com")
        let spf = try #require(header.results.first)
        #expect(header.results.count == 1)
        #expect(spf.method == "spf")
        #expect(spf.result == "pass")
        #expect(spf.properties == [.init(ptype: "smtp", property: "mailfrom", value: "example.net")])
        #expect(spf.property("smtp.mailfrom") == "example.net")
        #expect(header.diagnostics.isEmpty)
    }

    @Test("RFC 8601 Appendix B.4: several results in one header and a policy property")
    func severalResults() {
        let header = AuthenticationResults(
            parsing: "example.com;\t auth=pass (cram-md5) smtp.auth=sender@example.net;\t spf=pass smtp.mailfrom=example.net")
        #expect(header.results.map(\.method) == ["auth", "spf"])
        #expect(header.results[0].comments == ["cram-md5"])
        #expect(header.results[0].property("smtp.auth") == "sender@example.net")
        #expect(header.results[1].comments.isEmpty)

        let iprev = AuthenticationResults(parsing: "example.com; iprev=pass\t policy.iprev=192.0.2.200")
        #expect(iprev.results.first?.result == "pass")
        #expect(iprev.results.first?.property("policy.iprev") == "192.0.2.200")
        #expect(iprev.diagnostics.isEmpty)
    }

    @Test("RFC 8601 Appendix B.6: two DKIM results, each with its own comment and header.b")
    func multipleDKIM() {
        let header = AuthenticationResults(
            parsing: """
                mail-router.example.net;\t dkim=pass (good signature) header.d=newyork.example.com\t header.b=oINEO8hg;\t \
                dkim=fail (bad signature) header.d=newyork.example.com\t header.b=EToRSuvU
                """)
        let dkim = header.results(for: "DKIM")
        #expect(dkim.map(\.result) == ["pass", "fail"])
        #expect(dkim.map(\.comments) == [["good signature"], ["bad signature"]])
        #expect(dkim.map { $0.property("header.b") } == ["oINEO8hg", "EToRSuvU"])
        #expect(header.results(for: "spf").isEmpty)
    }

    @Test("RFC 8601 Appendix B.7: comments anywhere, method version, spaced property")
    func commentHeavy() throws {
        let header = AuthenticationResults(
            parsing: """
                foo.example.net (foobar) 1 (baz);\t dkim (Because I like it) / 1 (One yay) = (wait for it) fail\t \
                policy (A dot can go here) . (like that) expired\t (this surprised me) = (as I wasn't expecting it) 1362471462
                """)
        #expect(header.authservID == "foo.example.net")
        #expect(header.version == 1)
        #expect(header.comments == ["foobar", "baz"])
        let dkim = try #require(header.results.first)
        #expect(dkim.method == "dkim")
        #expect(dkim.methodVersion == 1)
        #expect(dkim.result == "fail")
        #expect(dkim.properties == [.init(ptype: "policy", property: "expired", value: "1362471462")])
        #expect(dkim.comments.first == "Because I like it")
        #expect(dkim.comments.last == "as I wasn't expecting it")
        #expect(dkim.comments.count == 7)
        #expect(header.diagnostics.isEmpty)
    }

    // MARK: RFC 8601 §2.2 details

    @Test("RFC 8601 §2.2: comments are kept with the result they follow")
    func commentsFollowResult() {
        let header = AuthenticationResults(
            parsing: "mx.example; spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=a.example; dkim=none (message not signed)")
        #expect(header.results[0].comments == ["sender IP is 1.2.3.4"])
        #expect(header.results[0].property("smtp.mailfrom") == "a.example")
        #expect(header.results[1].comments == ["message not signed"])
    }

    @Test("RFC 8601 §2.2: reasonspec with a quoted value")
    func reasonSpec() {
        let header = AuthenticationResults(
            parsing: #"example.com; dkim=pass reason="good signature" header.i=@mail-router.example.net; dkim=fail reason="bad signature" header.i=@newyork.example.com"#)
        #expect(header.results.map(\.reason) == ["good signature", "bad signature"])
        #expect(header.results[0].property("header.i") == "@mail-router.example.net")
        #expect(header.results[0].property("reason") == "good signature")
    }

    @Test("RFC 8601 §2.2: the authserv-id, methods and results are lower-cased; values are not")
    func caseFolding() {
        let header = AuthenticationResults(parsing: "MX.Example.COM; SPF=PASS SMTP.MailFrom=Sender@Example.NET")
        #expect(header.authservID == "mx.example.com")
        #expect(header.results.first?.method == "spf")
        #expect(header.results.first?.result == "pass")
        #expect(header.results.first?.properties.first?.name == "smtp.mailfrom")
        #expect(header.results.first?.property("smtp.MAILFROM") == "Sender@Example.NET")
    }

    @Test("RFC 8601 §2.2: a quoted authserv-id and quoted property values")
    func quotedValues() {
        let header = AuthenticationResults(
            parsing: #""mx.example.org"; auth=pass smtp.auth="sender name"; spf=pass smtp.mailfrom="john doe"@example.com"#)
        #expect(header.authservID == "mx.example.org")
        #expect(header.results[0].property("smtp.auth") == "sender name")
        #expect(header.results[1].property("smtp.mailfrom") == "john doe@example.com")
        #expect(header.diagnostics.isEmpty)
    }

    @Test("RFC 8601 §2.7.1: base64 header.b values keep their `=`, `+` and `/`")
    func base64Values() {
        let header = AuthenticationResults(
            parsing: "mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=Zcq7+EP/68==; spf=neutral")
        #expect(header.results[0].property("header.b") == "Zcq7+EP/68==")
        #expect(header.results[0].property("header.s") == "s1")
        #expect(header.results[1].result == "neutral")
    }

    @Test("RFC 8601 §2.2: unknown ptypes are kept")
    func unknownPtype() {
        let header = AuthenticationResults(parsing: "mx.example; x-tls=pass x-tls.version=TLSv1.3 dns.zone=example")
        #expect(header.results.first?.method == "x-tls")
        #expect(header.results.first?.property("x-tls.version") == "TLSv1.3")
        #expect(header.results.first?.properties.last == .init(ptype: "dns", property: "zone", value: "example"))
    }

    @Test("RFC 6532: UTF-8 values are kept as written")
    func utf8Values() {
        let header = AuthenticationResults(parsing: "mx.example; dkim=pass header.i=@bücher.example")
        #expect(header.results.first?.property("header.i") == "@bücher.example")
    }

    // MARK: Real-world forms

    @Test("RFC 8601 §2.2 leniency: a missing `;` before the next method is reported and read")
    func missingSemicolon() {
        let header = AuthenticationResults(parsing: "example.com; spf=pass smtp.mailfrom=a.example dkim=pass header.d=b.example")
        #expect(header.results.map(\.method) == ["spf", "dkim"])
        #expect(header.results[1].property("header.d") == "b.example")
        #expect(T.codes(header.diagnostics) == ["auth-results.missing-semicolon"])
        #expect(header.diagnostics.first?.severity == .warning)

        let afterID = AuthenticationResults(parsing: "example.com spf=pass")
        #expect(afterID.authservID == "example.com")
        #expect(afterID.results.first?.result == "pass")
        #expect(T.codes(afterID.diagnostics) == ["auth-results.missing-semicolon"])
    }

    @Test("RFC 8601 §2.2 leniency: `header.from=` with no value")
    func emptyValue() {
        let trailing = AuthenticationResults(parsing: "mx.example; dmarc=none action=none header.from=;compauth=fail reason=001")
        #expect(trailing.results[0].property("header.from") == "")
        #expect(trailing.results[1].reason == "001")

        let spaced = AuthenticationResults(parsing: "mx.example; dmarc=pass header.from= dkim=pass header.d=x.example")
        #expect(spaced.results[0].property("header.from") == "")
        #expect(spaced.results.map(\.method) == ["dmarc", "dkim"])
        #expect(T.codes(spaced.diagnostics) == ["auth-results.missing-semicolon"])
    }

    @Test("reference §6.5: Microsoft 365's header without authserv-id, with action= and compauth")
    func microsoft365() throws {
        let header = AuthenticationResults(
            parsing: """
                spf=pass (sender IP is 209.85.128.41) smtp.mailfrom=gmail.com; dkim=pass (signature was verified) \
                header.d=gmail.com;dmarc=pass action=none header.from=gmail.com;compauth=pass reason=100
                """)
        #expect(header.authservID == nil)
        #expect(T.codes(header.diagnostics) == ["auth-results.missing-authserv-id"])
        #expect(header.diagnostics.first?.message == "the header has no authserv-id before `spf=pass`")
        #expect(header.results.map(\.method) == ["spf", "dkim", "dmarc", "compauth"])
        #expect(header.results[0].comments == ["sender IP is 209.85.128.41"])
        let dmarc = try #require(header.results(for: "dmarc").first)
        #expect(dmarc.properties == [
            .init(ptype: nil, property: "action", value: "none"),
            .init(ptype: "header", property: "from", value: "gmail.com"),
        ])
        #expect(dmarc.property("action") == "none")
        let compauth = try #require(header.results(for: "compauth").first)
        #expect(compauth.result == "pass")
        #expect(compauth.reason == "100")
        #expect(compauth.properties == [.init(ptype: nil, property: "reason", value: "100")])
    }

    @Test("reference §6.5: the documented spoof example reads as compauth=fail reason=001")
    func documentedSpoof() {
        let header = AuthenticationResults(
            parsing: """
                spf=none (sender IP is 192.0.2.10) smtp.mailfrom=contoso.com; dkim=pass (signature was verified) \
                header.d=maliciousdomain.com;dmarc=none action=none header.from=contoso.com;compauth=fail reason=001
                """)
        #expect(header.results(for: "dkim").first?.property("header.d") == "maliciousdomain.com")
        #expect(header.results(for: "dmarc").first?.property("header.from") == "contoso.com")
        #expect(header.results(for: "dmarc").first?.result == "none")
        #expect(header.results(for: "compauth").first?.result == "fail")
        #expect(header.results(for: "compauth").first?.reason == "001")
    }

    @Test(
        "reference §5.3: compauth values and reason codes",
        arguments: [("pass", "109"), ("softpass", "201"), ("none", "905"), ("fail", "000")])
    func compauth(result: String, reason: String) {
        let header = AuthenticationResults(parsing: "mx.example; compauth=\(result) reason=\(reason)")
        #expect(header.results.first?.result == result)
        #expect(header.results.first?.reason == reason)
    }

    @Test(
        "reference §6.5: Microsoft's action= gives the published DMARC policy",
        arguments: [
            ("oreject", DMARCPolicy.Action.reject), ("pct.reject", .reject), ("quarantine", .quarantine),
            ("pct.quarantine", .quarantine), ("none", .none), ("OREJECT", .reject),
        ])
    func microsoftAction(action: String, policy: DMARCPolicy.Action) throws {
        let header = AuthenticationResults(parsing: "dmarc=fail action=\(action) header.from=contoso.com")
        let found = try #require(header.results.first?.dmarcPolicy)
        #expect(found.policy == policy)
        #expect(found.source == .microsoftAction)
        #expect(found.disposition == nil)
    }

    @Test("reference §6.5: action=permerror and temperror say nothing about the policy")
    func microsoftActionError() {
        #expect(AuthenticationResults(parsing: "dmarc=permerror action=permerror header.from=x").results.first?.dmarcPolicy == nil)
        #expect(AuthenticationResults(parsing: "dmarc=temperror action=temperror header.from=x").results.first?.dmarcPolicy == nil)
    }

    @Test("RFC 7489 §6.3: OpenDMARC's comment gives the policy and disposition")
    func openDMARCComment() throws {
        let header = AuthenticationResults(parsing: "mail.example.org; dmarc=fail (p=reject dis=none) header.from=example.com")
        let policy = try #require(header.results.first?.dmarcPolicy)
        #expect(policy == DMARCPolicy(policy: .reject, source: .comment, subdomainPolicy: nil, disposition: DMARCPolicy.Action.none))
    }

    @Test("RFC 7489 §6.3: Gmail's upper-case comment with sp=")
    func gmailComment() throws {
        let header = AuthenticationResults(
            parsing: """
                mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=abc; \
                spf=pass (google.com: domain of a@example.com designates 192.0.2.1 as permitted sender) smtp.mailfrom=a@example.com; \
                dmarc=pass (p=NONE sp=QUARANTINE dis=NONE) header.from=example.com
                """)
        let policy = try #require(header.results(for: "dmarc").first?.dmarcPolicy)
        #expect(policy.policy == DMARCPolicy.Action.none)
        #expect(policy.subdomainPolicy == .quarantine)
        #expect(policy.disposition == DMARCPolicy.Action.none)
        #expect(policy.source == .comment)
        #expect(header.results(for: "spf").first?.dmarcPolicy == nil)
    }

    @Test("RFC 7489 §6.3: Yahoo's comment glued to the result")
    func yahooComment() {
        let header = AuthenticationResults(parsing: "mta.example; dmarc=pass(p=REJECT) header.from=yahoo.com")
        #expect(header.results.first?.result == "pass")
        #expect(header.results.first?.dmarcPolicy?.policy == .reject)
        #expect(header.diagnostics.isEmpty)
    }

    @Test("RFC 8601 §2.7.6: a policy property outranks action= and the comment")
    func policyProperty() throws {
        let header = AuthenticationResults(
            parsing: "mx.example; dmarc=fail (p=none) action=none policy.dmarc=quarantine header.from=x.example")
        let policy = try #require(header.results.first?.dmarcPolicy)
        #expect(policy.policy == .quarantine)
        #expect(policy.source == .policyProperty)

        let published = AuthenticationResults(
            parsing: """
                mx.example; dmarc=fail policy.published-domain-policy=reject policy.published-subdomain-policy=none \
                policy.applied-disposition=quarantine header.from=x.example
                """)
        #expect(
            published.results.first?.dmarcPolicy
                == DMARCPolicy(policy: .reject, source: .policyProperty, subdomainPolicy: DMARCPolicy.Action.none, disposition: .quarantine))
        #expect(AuthenticationResults(parsing: "mx.example; dmarc=pass header.from=x").results.first?.dmarcPolicy == nil)
    }

    @Test("RFC 8617 §4.1.1: ARC-Authentication-Results keeps its instance")
    func arcInstance() {
        let microsoft = AuthenticationResults(
            parsing: """
                i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom=contoso.com; dmarc=pass action=none \
                header.from=contoso.com; dkim=pass header.d=contoso.com; arc=none
                """)
        #expect(microsoft.instance == 1)
        #expect(microsoft.authservID == "mx.microsoft.com")
        #expect(microsoft.version == 1)
        #expect(microsoft.results.map(\.method) == ["spf", "dmarc", "dkim", "arc"])
        #expect(microsoft.diagnostics.isEmpty)

        let google = AuthenticationResults(parsing: "i=2; mx.google.com;\r\n       dkim=pass header.i=@example.com")
        #expect(google.instance == 2)
        #expect(google.authservID == "mx.google.com")

        #expect(AuthenticationResults(parsing: "mx.example; spf=pass").instance == nil)
    }

    @Test("RFC 8617 §4.2.1: an unreadable ARC instance is reported and the rest still read")
    func badInstance() {
        let header = AuthenticationResults(parsing: "i=x; mx.example; spf=pass")
        #expect(header.instance == nil)
        #expect(header.authservID == "mx.example")
        #expect(header.results.first?.result == "pass")
        #expect(T.codes(header.diagnostics) == ["auth-results.invalid-arc-instance"])
    }

    @Test("RFC 8601 §5: isTrusted is false until the caller says otherwise")
    func trust() {
        var header = AuthenticationResults(parsing: "mx.example; spf=pass smtp.mailfrom=a.example")
        #expect(header.isTrusted == false)
        header.isTrusted = true
        #expect(header.isTrusted)
    }

    // MARK: Corpus

    @Test("RFC 8601 §2.2: corpus mail-parser/mail_test_6, folded across lines")
    func corpusMailTest6() {
        let header = AuthenticationResults(
            parsing: """
                mxs.test.it; spf=pass (mx34.test.it: domain of ggg.com designates 66.202.209.213 as permitted sender) \
                smtp.mailfrom=noreply@ggg.com smtp.helo=smtp11.ggg.com;\t dkim=pass header.d=ggg.com
                """)
        #expect(header.authservID == "mxs.test.it")
        #expect(header.results.map(\.method) == ["spf", "dkim"])
        #expect(header.results[0].comments == ["mx34.test.it: domain of ggg.com designates 66.202.209.213 as permitted sender"])
        #expect(header.results[0].property("smtp.helo") == "smtp11.ggg.com")
        #expect(header.results[1].property("header.d") == "ggg.com")
        #expect(header.diagnostics.isEmpty)
    }

    @Test("RFC 8601 §2.2: corpus mail-parser/mail_test_17, mixed-case result")
    func corpusMailTest17() {
        let header = AuthenticationResults(parsing: "mailb.triara.com; spf=None smtp.mailfrom=www-data@vps-051e4cda.vps.ovh.net")
        #expect(header.results.first?.result == "none")
        #expect(header.results.first?.property("smtp.mailfrom") == "www-data@vps-051e4cda.vps.ovh.net")
    }

    @Test("RFC 8601 §2.2: corpus authheaders/test.message, a result with no properties")
    func corpusAuthheaders() {
        let header = AuthenticationResults(
            parsing: "lists.example.org; arc=none; spf=pass smtp.mfrom=jqd@d1.example; dkim=pass (1024-bit key) header.i=@d1.example; dmarc=pass")
        #expect(header.results.map(\.method) == ["arc", "spf", "dkim", "dmarc"])
        #expect(header.results.map(\.result) == ["none", "pass", "pass", "pass"])
        #expect(header.results[1].property("smtp.mfrom") == "jqd@d1.example")
        #expect(header.results[2].comments == ["1024-bit key"])
        #expect(header.results[3].properties.isEmpty)
        #expect(header.diagnostics.isEmpty)
    }

    // MARK: Malformed input

    @Test("RFC 8601 §2.2: an empty header is reported")
    func empty() {
        for value in ["", "   \t", "(only a comment)"] {
            let header = AuthenticationResults(parsing: value)
            #expect(header.results.isEmpty)
            #expect(T.codes(header.diagnostics) == ["auth-results.empty"])
        }
    }

    @Test("RFC 8601 §2.2: an authserv-id with no results is reported")
    func noResults() {
        let header = AuthenticationResults(parsing: "garbage")
        #expect(header.authservID == "garbage")
        #expect(T.codes(header.diagnostics) == ["auth-results.no-results"])
    }

    @Test("RFC 8601 §2.2: a result's unbalanced parenthesis is reported, the result kept")
    func unbalanced() {
        let open = AuthenticationResults(parsing: "example.com; spf=pass (sender IP is 192.0.2.1")
        #expect(open.results.first?.result == "pass")
        #expect(open.results.first?.comments == ["sender IP is 192.0.2.1"])
        #expect(T.codes(open.diagnostics) == ["auth-results.unterminated-comment"])

        let close = AuthenticationResults(parsing: "example.com; spf=pass) smtp.mailfrom=a.example")
        #expect(close.results.first?.result == "pass")
        #expect(close.results.first?.property("smtp.mailfrom") == "a.example")
        #expect(T.codes(close.diagnostics) == ["auth-results.unexpected-text"])
        #expect(close.diagnostics.first?.message == "unexpected `)`; it was skipped")
    }

    @Test("RFC 8601 §2.2: an unterminated quoted value is reported, the value kept")
    func unterminatedQuote() {
        let header = AuthenticationResults(parsing: #"example.com; dkim=pass header.d="unterminated"#)
        #expect(header.results.first?.property("header.d") == "unterminated")
        #expect(T.codes(header.diagnostics) == ["auth-results.unterminated-quoted-string"])
    }

    @Test("RFC 8601 §2.2: garbage resinfo is skipped and reported, good ones kept")
    func garbage() {
        let header = AuthenticationResults(parsing: "example.com; ==== ; spf ; dkim= ; dmarc=pass stray header.from=x")
        #expect(header.results.map(\.method) == ["dmarc"])
        #expect(header.results.first?.property("header.from") == "x")
        #expect(
            T.codes(header.diagnostics) == [
                "auth-results.unexpected-text", "auth-results.missing-result", "auth-results.missing-result",
                "auth-results.unexpected-text",
            ])
        #expect(header.diagnostics.allSatisfy { $0.severity == .error })
        #expect(header.diagnostics[3].message == "unexpected `stray`; it was skipped")
    }

    @Test("RFC 8601 §2.2: `none` after results is reported")
    func misplacedNone() {
        let header = AuthenticationResults(parsing: "example.com; spf=pass; none")
        #expect(!header.isNone)
        #expect(header.results.count == 1)
        #expect(T.codes(header.diagnostics) == ["auth-results.misplaced-none"])
    }

    @Test("RFC 8601 §2.2: trailing and doubled semicolons are harmless")
    func extraSemicolons() {
        let header = AuthenticationResults(parsing: "example.com;; spf=pass smtp.mailfrom=a.example; ;")
        #expect(header.results.count == 1)
        #expect(header.diagnostics.isEmpty)
    }

    @Test("RFC 8601 §2.2: the parsed header survives a Codable round trip")
    func codable() throws {
        var header = AuthenticationResults(parsing: "i=1; mx.example; dmarc=fail (p=reject) header.from=x.example; spf")
        header.isTrusted = true
        let data = try JSONEncoder().encode(header)
        #expect(try JSONDecoder().decode(AuthenticationResults.self, from: data) == header)
    }
}
