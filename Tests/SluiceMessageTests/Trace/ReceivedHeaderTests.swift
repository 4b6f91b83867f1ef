import Foundation
import Testing

@testable import SluiceMessage

@Suite("ReceivedHeader (RFC 5322 §3.6.7, RFC 5321 §4.4)")
struct ReceivedHeaderTests {
    typealias T = TraceTestSupport

    @Test("RFC 5321 §4.4: Postfix/sendmail form with every usual clause")
    func postfixForm() throws {
        // mail-parser/mail_test_17
        let received = ReceivedHeader(
            parsing: """
                from vps-051e4cda.vps.ovh.net (localhost [127.0.0.1])\tby vps-051e4cda.vps.ovh.net \
                (8.15.2/8.15.2/Debian-10) with ESMTP id 29AKBWdZ005349\tfor <compliance@akaancasadebolsa.com.mx>; \
                Mon, 10 Oct 2022 20:11:32 GMT
                """)
        #expect(received.from == .init(value: "vps-051e4cda.vps.ovh.net", comments: ["localhost [127.0.0.1]"]))
        #expect(received.by == .init(value: "vps-051e4cda.vps.ovh.net", comments: ["8.15.2/8.15.2/Debian-10"]))
        #expect(received.with?.value == "ESMTP")
        #expect(received.id?.value == "29AKBWdZ005349")
        #expect(received.for?.value == "compliance@akaancasadebolsa.com.mx")
        #expect(received.via == nil)
        #expect(received.connectingIP == IPAddress("127.0.0.1"))
        #expect(received.helo == "vps-051e4cda.vps.ovh.net")
        #expect(received.reverseDNS == "localhost")
        #expect(received.dateText == "Mon, 10 Oct 2022 20:11:32 GMT")
        #expect(received.date == T.utc(2022, 10, 10, 20, 11, 32))
        #expect(received.diagnostics.isEmpty)
    }

    struct CorpusCase: Sendable, CustomTestStringConvertible {
        let source: String
        let header: String
        let ip: String?
        let helo: String?
        let reverseDNS: String?
        let by: String?
        let date: Date?

        var testDescription: String { source }
    }

    static let corpus: [CorpusCase] = [
        CorpusCase(
            source: "mail-parser/mail_test_17 (Microsoft, bare IPv4)",
            header: """
                from apiron13.triara.com (200.57.129.98) by APCNHUB11.correo.local (172.18.31.175) with Microsoft SMTP \
                Server id 14.3.498.0; Mon, 10 Oct 2022 15:11:35 -0500
                """,
            ip: "200.57.129.98", helo: "apiron13.triara.com", reverseDNS: nil, by: "APCNHUB11.correo.local",
            date: T.utc(2022, 10, 10, 20, 11, 35)),
        CorpusCase(
            source: "mail-parser/mail_test_1 (Microsoft, bare IPv6)",
            header: """
                from DM3NAM03FT035.eop-NAM03.prod.protection.outlook.com (2a01:111:f400:7e49::205) by \
                CY4PR0601CA0051.outlook.office365.com (2603:10b6:910:89::28) with Microsoft SMTP Server \
                (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384) id 15.20.1185.23 via Frontend Transport; \
                Mon, 1 Oct 2018 09:49:21 +0000
                """,
            ip: "2a01:111:f400:7e49::205", helo: "DM3NAM03FT035.eop-NAM03.prod.protection.outlook.com", reverseDNS: nil,
            by: "CY4PR0601CA0051.outlook.office365.com", date: T.utc(2018, 10, 1, 9, 49, 21)),
        CorpusCase(
            source: "mail-parser/mail_test_6 (Exim, literal with port)",
            header: """
                from smtp11.ggg.com ([66.202.209.213]:59716)\tby mx34.test.it with esmtp (envelope-from <noreply@ggg.com>)\t\
                id 1dWJDl-00035d-BU\tfor mvk2008_64@test.it; Sat, 15 Jul 2017 12:18:41 +0300
                """,
            ip: "66.202.209.213", helo: "smtp11.ggg.com", reverseDNS: nil, by: "mx34.test.it",
            date: T.utc(2017, 7, 15, 9, 18, 41)),
        CorpusCase(
            source: "mail-parser/mail_test_4 (Exim, helo= in the comment)",
            header: """
                from host86-187-174-57.range86-187.btcentralplus.com ([86.187.174.57]:45321 helo=User)\tby \
                localhost.localdomain.com with esmtpa (Exim 4.87)\t(envelope-from <anabelgonzalo@fanox.com>)\t\
                id 1bakrE-000291-LF; Fri, 19 Aug 2016 20:34:52 +0600
                """,
            ip: "86.187.174.57", helo: "User", reverseDNS: "host86-187-174-57.range86-187.btcentralplus.com",
            by: "localhost.localdomain.com", date: T.utc(2016, 8, 19, 14, 34, 52)),
        CorpusCase(
            source: "flufl-bounce/llnl_01.txt (Exim, literal from-value)",
            header: """
                from [128.115.41.100] (helo=pierce.llnl.gov)\tby mail.python.org with esmtp (Exim 3.21 #1)\t\
                id 15482m-00086w-00\tfor python-announce-list-admin@python.org; Sun, 27 May 2001 17:25:48 -0400
                """,
            ip: "128.115.41.100", helo: "pierce.llnl.gov", reverseDNS: nil, by: "mail.python.org",
            date: T.utc(2001, 5, 27, 21, 25, 48)),
        CorpusCase(
            source: "flufl-bounce/simple_19.txt (sendmail, nested comment)",
            header: """
                from cumeils.prima.com.ar (cumeil9.prima.net.ar [200.42.0.151] (may\tbe forged))\tby sb7.songbird.com \
                (8.12.11.20060308/8.12.11) with SMTP id\tk4M8xpB2026035\tfor <gpc-talk-bounces@grizz.org>; \
                Mon, 22 May 2006 01:59:51 -0700
                """,
            ip: "200.42.0.151", helo: "cumeils.prima.com.ar", reverseDNS: "cumeil9.prima.net.ar", by: "sb7.songbird.com",
            date: T.utc(2006, 5, 22, 8, 59, 51)),
        CorpusCase(
            source: "mail-parser/mail_malformed_2 (qmail, HELO and IP comments)",
            header: """
                from c.netpar.com.br (HELO apus.netpar.com.br) (189.125.104.100)  by smtp.customers.net with SMTP; \
                22 Aug 2016 09:22:13 -0000
                """,
            ip: "189.125.104.100", helo: "apus.netpar.com.br", reverseDNS: "c.netpar.com.br", by: "smtp.customers.net",
            date: T.utc(2016, 8, 22, 9, 22, 13)),
        CorpusCase(
            source: "flufl-bounce/dsn_04.txt (ident@address)",
            header: """
                from justitia.jura.uni-tuebingen.de (mail@134.2.34.12) by nemesis.jura.uni-tuebingen.de with SMTP; \
                Fri, 29 Jun 2001 22:17:24 +0000
                """,
            ip: "134.2.34.12", helo: "justitia.jura.uni-tuebingen.de", reverseDNS: nil,
            by: "nemesis.jura.uni-tuebingen.de", date: T.utc(2001, 6, 29, 22, 17, 24)),
        CorpusCase(
            source: "mail-parser/mail_malformed_1 (HELO in an account comment, empty by)",
            header: """
                from [129.212.207.5] (account captivatedm41@tin.it HELO idmktqmly.wpncbwhfbr.tin.it)\tby  (Postfix)\t\
                with esmtpa (Exim 4.86) id 4CA80EAC911C for e.salvation.comprehei@virusnet.it; Tue, 24 May 2016 13:09:41 +0100
                """,
            ip: "129.212.207.5", helo: "idmktqmly.wpncbwhfbr.tin.it", reverseDNS: nil, by: "",
            date: T.utc(2016, 5, 24, 12, 9, 41)),
        CorpusCase(
            source: "mail-parser/mail_test_12 (Postfix, unknown reverse DNS, UTF-8 recipient)",
            header: """
                from hotmail.com (unknown [96.202.181.20])\tby localhost (Postfix) with ESMTP id 6EF7F2E0BAB\t\
                for <danglüe@email.com>; Sun, 13 May 2018 04:32:23 +0000 (UTC)
                """,
            ip: "96.202.181.20", helo: "hotmail.com", reverseDNS: nil, by: "localhost", date: T.utc(2018, 5, 13, 4, 32, 23)),
        CorpusCase(
            source: "mail-parser/mail_test_13 (no from-value, envelope comment after the date)",
            header: """
                from (127.0.0.1) by mail90.suw15.mcsv.net id hgs0ok2ddl42 for <dpinnix@coastbankcalifornia.com>; \
                Wed, 29 Aug 2018 20:26:47 +0000 (envelope-from <bounce-mc.us14_65794145.395229-dpinnix=coastbankcalifornia.com@mail90.suw15.mcsv.net>)
                """,
            ip: "127.0.0.1", helo: nil, reverseDNS: nil, by: "mail90.suw15.mcsv.net", date: T.utc(2018, 8, 29, 20, 26, 47)),
        CorpusCase(
            source: "flufl-bounce/exim_01.txt (Exim 2, literal after the comment)",
            header: """
                from localhost (k298r.balpol.example.nl) [127.0.0.1]         by stereo.rotzorg.org with esmtp \
                (Exim 2.05 #1 (Debian))        id 11SrFm-000595-00; Mon, 20 Sep 1999 02:24:22 +0200
                """,
            ip: "127.0.0.1", helo: "localhost", reverseDNS: nil, by: "stereo.rotzorg.org", date: T.utc(1999, 9, 20, 0, 24, 22)),
        CorpusCase(
            source: "flufl-bounce/yahoo_01.txt (MDaemon, literals in the values)",
            header: """
                from mta540.mail.yahoo.com [216.136.131.22] by receive.turbosport.com [63.118.43.131]\twith SMTP \
                (MDaemon.v3.5.2.R)\tfor <bbbsss@turbosport.com>; Sun, 18 Feb 2001 02:25:20 -0600
                """,
            ip: "216.136.131.22", helo: "mta540.mail.yahoo.com", reverseDNS: nil, by: "receive.turbosport.com [63.118.43.131]",
            date: T.utc(2001, 2, 18, 8, 25, 20)),
        CorpusCase(
            source: "flufl-bounce/dsn_01.txt (Microsoft pickup, multi-word from)",
            header: "from mail pickup service by hotmail.com with Microsoft SMTPSVC; Tue, 03 Oct 2000 12:28:29 -0700",
            ip: nil, helo: nil, reverseDNS: nil, by: "hotmail.com", date: T.utc(2000, 10, 3, 19, 28, 29)),
        CorpusCase(
            source: "flufl-bounce/yahoo_01.txt (asctime date)",
            header: "from mta540.mail.yahoo.com for bbbsss@turbosport.com; Feb 18 00:23:00 2001 -0800",
            ip: nil, helo: "mta540.mail.yahoo.com", reverseDNS: nil, by: nil, date: T.utc(2001, 2, 18, 8, 23, 0)),
    ]

    @Test("RFC 5321 §4.4: real Received headers from the corpus", arguments: corpus)
    func corpusHeaders(_ testCase: CorpusCase) {
        let received = ReceivedHeader(parsing: testCase.header)
        #expect(received.connectingIP == testCase.ip.flatMap(IPAddress.init))
        #expect(received.connectingIP?.description == testCase.ip)
        #expect(received.helo == testCase.helo)
        #expect(received.reverseDNS == testCase.reverseDNS)
        #expect(received.by?.value == testCase.by)
        #expect(received.date == testCase.date)
    }

    @Test("RFC 5321 §4.4: the mail pickup from-value is several words and not a HELO name")
    func multiWordValue() {
        let received = ReceivedHeader(
            parsing: "from mail pickup service by hotmail.com with Microsoft SMTPSVC; Tue, 03 Oct 2000 12:28:29 -0700")
        #expect(received.from?.value == "mail pickup service")
        #expect(received.with?.value == "Microsoft SMTPSVC")
        #expect(received.diagnostics.isEmpty)
    }

    @Test("RFC 5321 §4.4: clause comments stay with their clause")
    func clauseComments() {
        let received = ReceivedHeader(
            parsing: """
                from [195.112.37.162] (helo=babylon.bucks.net ident=postfix)\tby mail.python.org with esmtp \
                (Exim 3.21 #1)\tid 14aMix-0005nQ-00\tfor mailman-announce-admin@python.org; Tue, 06 Mar 2001 14:02:19 -0500
                """)
        #expect(received.from?.comments == ["helo=babylon.bucks.net ident=postfix"])
        #expect(received.with == .init(value: "esmtp", comments: ["Exim 3.21 #1"]))
        #expect(received.id?.value == "14aMix-0005nQ-00")
        #expect(received.for?.value == "mailman-announce-admin@python.org")
        #expect(received.helo == "babylon.bucks.net")
    }

    @Test("RFC 5321 §4.1.3: IPv6 address literals in the from-clause")
    func ipv6Literal() {
        let tagged = ReceivedHeader(
            parsing: "from mail.example (mail.example [IPv6:2001:db8::25]) by mx.example with ESMTPS; Mon, 1 Oct 2018 09:49:22 +0000")
        #expect(tagged.connectingIP?.description == "2001:db8::25")
        #expect(tagged.reverseDNS == "mail.example")

        let bare = ReceivedHeader(parsing: "from [IPv6:2001:DB8::1] by mx.example; Mon, 1 Oct 2018 09:49:22 +0000")
        #expect(bare.connectingIP?.description == "2001:db8::1")
        #expect(bare.helo == "[IPv6:2001:DB8::1]")
    }

    @Test("RFC 5321 §4.4: the comment's address outranks the claimed literal")
    func commentOutranksValue() {
        let received = ReceivedHeader(
            parsing: "from [192.0.2.99] (unknown [198.51.100.7]) by mx.example (Postfix); Mon, 1 Oct 2018 09:49:22 +0000")
        #expect(received.connectingIP == IPAddress("198.51.100.7"))
        #expect(received.helo == "[192.0.2.99]")
        #expect(received.reverseDNS == nil)
    }

    @Test("RFC 5322 §3.6.7: a comment-only qmail header (corpus flufl-bounce/simple_02)")
    func qmail() {
        let received = ReceivedHeader(parsing: "(qmail 1169 invoked by uid 0); 22 Feb 2001 09:51:46 -0000")
        #expect(received.comments == ["qmail 1169 invoked by uid 0"])
        #expect(received.from == nil)
        #expect(received.by == nil)
        #expect(received.date == T.utc(2001, 2, 22, 9, 51, 46))
        #expect(received.diagnostics.isEmpty)
    }

    @Test("RFC 5322 §3.6.7: the date follows the last `;`, earlier ones are skipped")
    func lastSemicolon() {
        let received = ReceivedHeader(
            parsing: """
                from 04d930f1.lyeo00hp.moneytrack.top ([127.0.0.1]:8615 helo=lyeo00hp.moneytrack.top)\tby \
                lyeo00hp.moneytrack.top with ESMTP id 04EKOWYD930WHFJSF1;\tfor <eboktor@romolo.com>; Tue, 7 Mar 2017 14:29:24 -0800
                """)
        #expect(received.id?.value == "04EKOWYD930WHFJSF1")
        #expect(received.for?.value == "eboktor@romolo.com")
        #expect(received.date == T.utc(2017, 3, 7, 22, 29, 24))
        #expect(received.diagnostics.isEmpty)
    }

    @Test("RFC 5321 §4.4: a repeated clause is reported (corpus mail-parser/mail_test_10)")
    func duplicateClause() {
        let received = ReceivedHeader(
            parsing: """
                from localhost\tby e06smtp10.uk.ibm.com with IBM ESMTP SMTP Gateway: Authorized Use Only! Violators will be \
                prosecuted\tfor <lina.vailati@dududu.it> from <nicoletta_bernasconi@it.ibm.com>;\tWed, 8 Mar 2017 16:46:25 -0000
                """)
        #expect(received.from?.value == "localhost")
        #expect(received.with?.value == "IBM ESMTP SMTP Gateway: Authorized Use Only! Violators will be prosecuted")
        #expect(received.for?.value == "lina.vailati@dududu.it")
        #expect(T.codes(received.diagnostics) == ["received.duplicate-clause"])
        #expect(
            received.diagnostics.first?.message
                == "a second `from` clause `nicoletta_bernasconi@it.ibm.com` was ignored")
    }

    @Test("RFC 5322 §3.6.7: a missing date is reported")
    func missingDate() {
        let received = ReceivedHeader(parsing: "from localhost")
        #expect(received.from?.value == "localhost")
        #expect(received.date == nil)
        #expect(T.codes(received.diagnostics) == ["received.missing-date"])

        let empty = ReceivedHeader(parsing: "from a by b;  ")
        #expect(empty.by?.value == "b")
        #expect(T.codes(empty.diagnostics) == ["received.missing-date"])
    }

    @Test("RFC 5322 §3.3: an unreadable date is reported and kept as text (corpus flufl-bounce/dsn_17)")
    func unparsedDate() {
        let received = ReceivedHeader(
            parsing: """
                from localhost.localdomain (localhost.localdomain [127.0.0.1])\tby strategicnetwork.org (Postfix) with \
                ESMTP id 27DF4734B75\tfor <userx@example.fi>; Sat,  3 May 2008 20:51:05 -0600 =
                """)
        #expect(received.date == nil)
        #expect(received.dateText == "Sat,  3 May 2008 20:51:05 -0600 =")
        #expect(received.id?.value == "27DF4734B75")
        #expect(T.codes(received.diagnostics) == ["received.unparsed-date"])
        #expect(received.diagnostics.first?.severity == .error)
        #expect(received.diagnostics.first?.message == "the date `Sat, 3 May 2008 20:51:05 -0600 =` could not be read")
    }

    @Test("RFC 5322 §3.2.2: unbalanced parentheses are reported (corpus flufl-bounce/dsn_17, exim)")
    func unbalanced() {
        let open = ReceivedHeader(parsing: "from emh07.mail.saunalahti.fi (emh07.mail.saunalahti.fi =")
        #expect(open.from?.value == "emh07.mail.saunalahti.fi")
        #expect(T.codes(open.diagnostics).sorted() == ["received.missing-date", "received.unterminated-comment"])

        let swallowed = ReceivedHeader(parsing: "from a.example (b.example by mx.example; Mon, 1 Oct 2018 09:49:22 +0000")
        #expect(swallowed.date == T.utc(2018, 10, 1, 9, 49, 22))
        #expect(T.codes(swallowed.diagnostics) == ["received.unterminated-comment"])

        let close = ReceivedHeader(
            parsing: """
                from jgh by myhost.test.ex with local (Exim x.yz)\tenvelope-from <jgh@myhost.test.ex>)\t 1dtXln-0000YP-Hb\t \
                a@test.ex; Sun, 17 Sep 2017 12:29:51 +0100
                """)
        #expect(close.by?.value == "myhost.test.ex")
        #expect(close.date == T.utc(2017, 9, 17, 11, 29, 51))
        #expect(T.codes(close.diagnostics) == ["received.unbalanced-parenthesis"])
    }

    @Test("RFC 5322 §3.6.7: empty and garbage headers are reported")
    func garbage() {
        #expect(T.codes(ReceivedHeader(parsing: "").diagnostics) == ["received.empty"])
        #expect(T.codes(ReceivedHeader(parsing: " \t ").diagnostics) == ["received.empty"])

        let junk = ReceivedHeader(parsing: "garbage text from a.example by b.example; 1 Jan 2001 00:00:00 +0000")
        #expect(junk.from?.value == "a.example")
        #expect(T.codes(junk.diagnostics) == ["received.unexpected-text"])
        #expect(junk.diagnostics.first?.message == "`garbage text` comes before any clause; it was skipped")

        let emptyClause = ReceivedHeader(parsing: "from 139.88.66.159 by ; Mon, 20 Mar 2017 03:11:54 +0400")
        #expect(emptyClause.connectingIP == IPAddress("139.88.66.159"))
        #expect(T.codes(emptyClause.diagnostics) == ["received.empty-clause"])

        let literal = ReceivedHeader(parsing: "from [192.0.2.1 by x; 1 Jan 2001 00:00:00 +0000")
        #expect(T.codes(literal.diagnostics) == ["received.unterminated-literal"])
    }

    @Test("RFC 5322 §3.6.7: the parsed header survives a Codable round trip")
    func codable() throws {
        let received = ReceivedHeader(
            parsing: "from a.example (a.example [192.0.2.1]) by b.example with ESMTP id X; Mon, 1 Oct 2018 09:49:22 +0000")
        let data = try JSONEncoder().encode(received)
        #expect(try JSONDecoder().decode(ReceivedHeader.self, from: data) == received)
    }
}
