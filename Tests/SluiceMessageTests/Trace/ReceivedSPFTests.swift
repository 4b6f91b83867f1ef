import Foundation
import Testing

@testable import SluiceMessage

@Suite("ReceivedSPF (RFC 7208 §9.1)")
struct ReceivedSPFTests {
    typealias T = TraceTestSupport

    @Test("RFC 7208 §9.1: result, comment and key-value list")
    func rfcExample() {
        let spf = ReceivedSPF(
            parsing: """
                pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender) \
                receiver=mybox.example.org; client-ip=192.0.2.1; envelope-from="myname@example.com"; helo=foo.example.com;
                """)
        #expect(spf.result == "pass")
        #expect(spf.comment == "mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender")
        #expect(spf.parameters.map(\.key) == ["receiver", "client-ip", "envelope-from", "helo"])
        #expect(spf.receiver == "mybox.example.org")
        #expect(spf.clientIP == IPAddress("192.0.2.1"))
        #expect(spf.envelopeFrom == "myname@example.com")
        #expect(spf.helo == "foo.example.com")
        #expect(spf.diagnostics.isEmpty)
    }

    @Test("RFC 7208 §9.1: identity and the fail result")
    func identity() {
        let spf = ReceivedSPF(
            parsing: """
                fail (mybox.example.org: domain of myname@example.com does not designate 192.0.2.1 as permitted sender) \
                identity=mailfrom; client-ip=192.0.2.1; envelope-from="myname@example.com";
                """)
        #expect(spf.result == "fail")
        #expect(spf.identity == "mailfrom")
        #expect(spf.value(for: "CLIENT-IP") == "192.0.2.1")
    }

    @Test("RFC 7208 §9.1: problem and mechanism keys")
    func problemAndMechanism() {
        let spf = ReceivedSPF(
            parsing: #"permerror (mx.example: bad record) problem="unknown mechanism foo:bar" mechanism=include:_spf.example"#)
        #expect(spf.result == "permerror")
        #expect(spf.problem == "unknown mechanism foo:bar")
        #expect(spf.mechanism == "include:_spf.example")
        #expect(spf.diagnostics.isEmpty)
    }

    @Test("RFC 7208 §9.1: corpus mail-parser/mail_test_17, mixed case and folded")
    func corpusTriara() {
        let spf = ReceivedSPF(
            parsing: """
                None (mailb.triara.com: no sender authenticity  information available from domain of  \
                www-data@vps-051e4cda.vps.ovh.net) identity=mailfrom;  client-ip=152.228.133.10; receiver=mailb.triara.com;  \
                envelope-from="www-data@vps-051e4cda.vps.ovh.net";  x-sender="www-data@vps-051e4cda.vps.ovh.net";  \
                x-conformance=spf_only
                """)
        #expect(spf.result == "none")
        #expect(
            spf.comment
                == "mailb.triara.com: no sender authenticity information available from domain of www-data@vps-051e4cda.vps.ovh.net")
        #expect(spf.parameters.count == 6)
        #expect(spf.value(for: "x-conformance") == "spf_only")
        #expect(spf.clientIP?.description == "152.228.133.10")
        #expect(spf.envelopeFrom == "www-data@vps-051e4cda.vps.ovh.net")
        #expect(spf.diagnostics.isEmpty)
    }

    @Test("RFC 7208 §9.1: corpus mail-parser/mail_test_6 and flufl-bounce/simple_08")
    func corpusOthers() {
        let ggg = ReceivedSPF(
            parsing: """
                pass (mx34.test.it: domain of ggg.com designates 66.202.209.213 as permitted sender) \
                client-ip=66.202.209.213; envelope-from=noreply@ggg.com; helo=smtp11.ggg.com;
                """)
        #expect(ggg.clientIP == IPAddress("66.202.209.213"))
        #expect(ggg.helo == "smtp11.ggg.com")

        let kundenserver = ReceivedSPF(
            parsing: """
                none (mxeu17: 212.227.126.240 is neither permitted nor denied by domain of mout-bounce.kundenserver.de) \
                client-ip=212.227.126.240; envelope-from=postmaster@mout-bounce.kundenserver.de; helo=mout-bounce.kundenserver.de;
                """)
        #expect(kundenserver.result == "none")
        #expect(kundenserver.envelopeFrom == "postmaster@mout-bounce.kundenserver.de")
    }

    @Test("RFC 7208 §9.1: Microsoft 365's form with its own pr= key")
    func microsoft() {
        let spf = ReceivedSPF(
            parsing: """
                Pass (protection.outlook.com: domain of gmail.com designates 209.85.128.41 as permitted sender) \
                receiver=protection.outlook.com; client-ip=209.85.128.41; helo=mail-wm1-f41.google.com; pr=C
                """)
        #expect(spf.result == "pass")
        #expect(spf.value(for: "pr") == "C")
        #expect(spf.helo == "mail-wm1-f41.google.com")
    }

    @Test("RFC 7208 §9.1: pairs separated by whitespace only, and an IPv6 client-ip")
    func whitespaceSeparated() {
        let spf = ReceivedSPF(parsing: "softfail client-ip=2001:DB8::25 helo=mail.example envelope-from=<>")
        #expect(spf.result == "softfail")
        #expect(spf.clientIP?.description == "2001:db8::25")
        #expect(spf.helo == "mail.example")
        #expect(spf.envelopeFrom == "<>")
        #expect(spf.comment == nil)
    }

    @Test("RFC 7208 §8: an unknown result is kept and reported (corpus mail_test_14)")
    func unknownResult() {
        let spf = ReceivedSPF(parsing: "custom_header1")
        #expect(spf.result == "custom_header1")
        #expect(T.codes(spf.diagnostics) == ["received-spf.unknown-result"])
    }

    @Test("RFC 7208 §9.1: malformed headers are reported without losing what was read")
    func malformed() {
        #expect(T.codes(ReceivedSPF(parsing: "").diagnostics) == ["received-spf.missing-result"])
        #expect(T.codes(ReceivedSPF(parsing: "=x").diagnostics).first == "received-spf.missing-result")

        let open = ReceivedSPF(parsing: "pass (never closed client-ip=192.0.2.1")
        #expect(open.result == "pass")
        #expect(open.comment == "never closed client-ip=192.0.2.1")
        #expect(T.codes(open.diagnostics) == ["received-spf.unterminated-comment"])

        let stray = ReceivedSPF(parsing: "pass junk; client-ip=192.0.2.1; helo=")
        #expect(stray.clientIP == IPAddress("192.0.2.1"))
        #expect(stray.helo == "")
        #expect(T.codes(stray.diagnostics) == ["received-spf.unexpected-text", "received-spf.empty-value"])

        let badIP = ReceivedSPF(parsing: #"fail client-ip=not-an-ip; envelope-from="open"#)
        #expect(badIP.clientIP == nil)
        #expect(badIP.envelopeFrom == "open")
        #expect(
            T.codes(badIP.diagnostics) == ["received-spf.invalid-client-ip", "received-spf.unterminated-quoted-string"])
    }
}
