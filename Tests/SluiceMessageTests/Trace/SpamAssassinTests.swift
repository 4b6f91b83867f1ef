import Testing

@testable import SluiceMessage

@Suite("SpamAssassin headers (Mail::SpamAssassin::Conf add_header, _TESTS_, _SCORE_)")
struct SpamAssassinTests {
    typealias T = TraceTestSupport

    @Test("Mail::SpamAssassin::Conf add_header: X-Spam-Status verdict, score, required, tests, autolearn, version")
    func status() {
        let status = SpamAssassinStatus(parsing: "Yes, score=5.2 required=5.0 tests=A,B autolearn=no version=3.4.6")
        #expect(status.isSpam == true)
        #expect(status.score == 5.2)
        #expect(status.required == 5.0)
        #expect(status.tests == [SpamAssassinTest(name: "A"), SpamAssassinTest(name: "B")])
        #expect(status.autolearn == "no")
        #expect(status.version == "3.4.6")
        #expect(status.fields.map(\.key) == ["score", "required", "tests", "autolearn", "version"])
        #expect(status.diagnostics.isEmpty)
    }

    @Test("RFC 5322 §2.2.3: a test list folded after its commas reads as one list")
    func foldedTests() {
        let status = SpamAssassinStatus(
            parsing: """
                No, score=-2.6 required=5.0 tests=BAYES_00,HTML_MESSAGE,\t RCVD_IN_DNSWL_NONE,\tSPF_PASS \
                autolearn=ham autolearn_force=no version=3.4.2
                """)
        #expect(status.isSpam == false)
        #expect(status.tests.map(\.name) == ["BAYES_00", "HTML_MESSAGE", "RCVD_IN_DNSWL_NONE", "SPF_PASS"])
        #expect(status.autolearn == "ham")
        #expect(status.value(for: "autolearn_force") == "no")
        #expect(status.version == "3.4.2")

        let beforeComma = SpamAssassinStatus(parsing: "No, score=0.1 required=5.0 tests=A\t,B version=3.4.0")
        #expect(beforeComma.tests.map(\.name) == ["A", "B"])
        #expect(beforeComma.version == "3.4.0")
    }

    @Test("Mail::SpamAssassin 2.x: X-Spam-Status with hits= (corpus dkimpy/message.mbox, flufl-bounce)")
    func corpusHits() {
        let dkimpy = SpamAssassinStatus(
            parsing: "No, hits=-102.4 required=3.5 tests=BAYES_00,DKIM_SIGNED,DKIM_VERIFIED,SPF_HELO_PASS,USER_IN_WHITELIST autolearn=ham version=3.002005")
        #expect(dkimpy.isSpam == false)
        #expect(dkimpy.score == -102.4)
        #expect(dkimpy.required == 3.5)
        #expect(dkimpy.tests.count == 5)
        #expect(dkimpy.tests.last?.name == "USER_IN_WHITELIST")
        #expect(dkimpy.version == "3.002005")

        let bounce = SpamAssassinStatus(
            parsing: "No, hits=-2.5 required=5.0\ttests=FROM_MAILER_DAEMON,MAILER_DAEMON,MAILTO_WITH_SUBJ,SPAM_PHRASE_03_05")
        #expect(bounce.score == -2.5)
        #expect(bounce.tests.map(\.name) == ["FROM_MAILER_DAEMON", "MAILER_DAEMON", "MAILTO_WITH_SUBJ", "SPAM_PHRASE_03_05"])
        #expect(bounce.autolearn == nil)
    }

    @Test("Mail::SpamAssassin::Conf _TESTSSCORES_: test names with their scores; tests=none")
    func testScores() {
        let status = SpamAssassinStatus(parsing: "No, score=-1.9 required=5.0 tests=BAYES_00=-1.9,SPF_PASS=-0.001 version=3.4.6")
        #expect(status.tests == [SpamAssassinTest(name: "BAYES_00", score: -1.9), SpamAssassinTest(name: "SPF_PASS", score: -0.001)])
        #expect(SpamAssassinStatus(parsing: "No, score=0.0 required=5.0 tests=none").tests.isEmpty)
    }

    @Test("Mail::SpamAssassin::Conf _SCORE_, _STARS_: X-Spam-Score, -Flag and -Level (corpus dkimpy, flufl-bounce/dsn_11)")
    func companions() {
        let headers = SpamAssassinHeaders(status: "No, hits=-4.0 required=5.0", score: "-1.1 () NO_REAL_NAME", flag: "NO", level: "")
        #expect(headers.status?.score == -4.0)
        #expect(headers.score == -1.1)
        #expect(headers.flag == false)
        #expect(headers.level == 0)
        #expect(headers.isSpam == false)
        #expect(headers.diagnostics.isEmpty)

        let spam = SpamAssassinHeaders(flag: "YES", level: "*****")
        #expect(spam.isSpam == true)
        #expect(spam.level == 5)
        #expect(SpamAssassinHeaders(status: "Yes, score=9.9").isSpam == true)
        #expect(SpamAssassinHeaders().isSpam == nil)
    }

    @Test("Mail::SpamAssassin::Conf add_header: malformed headers are reported")
    func malformed() {
        let status = SpamAssassinStatus(parsing: "Maybe, score=abc required=5.0 (x)")
        #expect(status.isSpam == nil)
        #expect(status.score == nil)
        #expect(status.required == 5.0)
        #expect(
            T.codes(status.diagnostics) == [
                "spamassassin.missing-verdict", "spamassassin.unexpected-text", "spamassassin.unexpected-text",
                "spamassassin.unexpected-text", "spamassassin.invalid-number",
            ])
        #expect(T.codes(SpamAssassinStatus(parsing: "").diagnostics) == ["spamassassin.missing-verdict"])

        let headers = SpamAssassinHeaders(score: "high", flag: "PERHAPS", level: "+++")
        #expect(headers.score == nil)
        #expect(headers.flag == nil)
        #expect(headers.level == nil)
        #expect(
            T.codes(headers.diagnostics) == [
                "spamassassin.invalid-score", "spamassassin.invalid-flag", "spamassassin.invalid-level",
            ])
    }
}
