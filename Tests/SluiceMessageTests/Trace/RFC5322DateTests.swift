import Foundation
import Testing

@testable import SluiceMessage

@Suite("RFC5322Date (RFC 5322 §3.3, §4.3)")
struct RFC5322DateTests {
    typealias T = TraceTestSupport

    @Test("RFC 5322 §3.3: day-of-week, date, time and numeric zone")
    func full() {
        #expect(RFC5322Date.parse("Mon, 10 Oct 2022 15:11:35 -0500") == T.utc(2022, 10, 10, 20, 11, 35))
        #expect(RFC5322Date.parse("Sun, 13 May 2018 04:32:23 +0000") == T.utc(2018, 5, 13, 4, 32, 23))
        #expect(RFC5322Date.parse("Fri, 19 Aug 2016 20:34:52 +0600") == T.utc(2016, 8, 19, 14, 34, 52))
    }

    @Test("RFC 5322 §3.3: the day-of-week is optional")
    func noDayOfWeek() {
        #expect(RFC5322Date.parse("22 Feb 2001 09:51:46 -0000") == T.utc(2001, 2, 22, 9, 51, 46))
    }

    @Test("RFC 5322 §3.3: seconds are optional")
    func noSeconds() {
        #expect(RFC5322Date.parse("27 Oct 2002 17:02 GMT") == T.utc(2002, 10, 27, 17, 2, 0))
    }

    @Test("RFC 5322 §4.3: two- and three-digit years")
    func obsoleteYears() {
        #expect(RFC5322Date.parse("Tue, 6 Feb 01 06:31:28 +0800") == T.utc(2001, 2, 5, 22, 31, 28))
        #expect(RFC5322Date.parse("Mon, 20 Sep 99 02:23:53 +0200") == T.utc(1999, 9, 20, 0, 23, 53))
        #expect(RFC5322Date.parse("1 Jan 49 00:00:00 +0000") == T.utc(2049, 1, 1, 0, 0, 0))
        #expect(RFC5322Date.parse("1 Jan 50 00:00:00 +0000") == T.utc(1950, 1, 1, 0, 0, 0))
        #expect(RFC5322Date.parse("1 Jan 101 00:00:00 +0000") == T.utc(2001, 1, 1, 0, 0, 0))
    }

    @Test(
        "RFC 5322 §4.3: named and military zones",
        arguments: [
            ("1 Jan 2001 12:00:00 UT", 12), ("1 Jan 2001 12:00:00 GMT", 12), ("1 Jan 2001 12:00:00 EST", 17),
            ("1 Jan 2001 12:00:00 EDT", 16), ("1 Jan 2001 12:00:00 CST", 18), ("1 Jan 2001 12:00:00 MDT", 18),
            ("1 Jan 2001 12:00:00 PST", 20), ("1 Jan 2001 12:00:00 pdt", 19), ("1 Jan 2001 12:00:00 Z", 12),
            ("1 Jan 2001 12:00:00 A", 12), ("1 Jan 2001 12:00:00 XYZ", 12), ("1 Jan 2001 12:00:00 CET", 11),
            ("1 Jan 2001 12:00:00", 12), ("1 Jan 2001 12:00:00 +05:30", 6), ("1 Jan 2001 12:00:00 GMT+0100", 11),
        ])
    func zones(text: String, utcHour: Int) {
        let minute = text.hasSuffix("+05:30") ? 30 : 0
        #expect(RFC5322Date.parse(text) == T.utc(2001, 1, 1, utcHour, minute, 0))
    }

    @Test("RFC 5322 §3.2.2: comments and extra whitespace between tokens")
    func commentsAndWhitespace() {
        #expect(RFC5322Date.parse("Sat,  3 May 2008 20:51:05 -0600 (MDT)") == T.utc(2008, 5, 4, 2, 51, 5))
        #expect(
            RFC5322Date.parse("Tue, 26 Dec 2000 09:43:37 -0800 (Pacific Standard Time)")
                == T.utc(2000, 12, 26, 17, 43, 37))
        #expect(RFC5322Date.parse("  Fri, 20 Apr 2001 (a comment) 17:31:18\t-0400  ") == T.utc(2001, 4, 20, 21, 31, 18))
        #expect(RFC5322Date.parse("Wed, 8 Mar 2017 16:46:21 GMT") == T.utc(2017, 3, 8, 16, 46, 21))
        #expect(RFC5322Date.parse("Tue, 26 Dec 2000 09:43:37 +0000 GMT") == T.utc(2000, 12, 26, 9, 43, 37))
    }

    @Test("RFC 5322 §4.3: full month names, a missing comma and a dashed date")
    func lenientNames() {
        #expect(RFC5322Date.parse("Thursday 8 February 2001 12:21:16 -0000") == T.utc(2001, 2, 8, 12, 21, 16))
        #expect(RFC5322Date.parse("26-Dec-2000 09:43:37 +0000") == T.utc(2000, 12, 26, 9, 43, 37))
        #expect(RFC5322Date.parse("Thurs, 6 Sept 2001 12:00:00 +0000") == T.utc(2001, 9, 6, 12, 0, 0))
        #expect(RFC5322Date.parse("Thu, 6 Septembre 2001 12:00:00 +0000") == nil)
    }

    @Test("RFC 5322 §3.3: asctime order as some MTAs write it")
    func asctime() {
        // flufl-bounce yahoo_01.txt
        #expect(RFC5322Date.parse("Feb 18 00:23:00 2001 -0800") == T.utc(2001, 2, 18, 8, 23, 0))
        #expect(RFC5322Date.parse("Mon Jan  2 15:04:05 2006") == T.utc(2006, 1, 2, 15, 4, 5))
        #expect(RFC5322Date.parse("Mon Jan  2 15:04:05 MST 2006") == T.utc(2006, 1, 2, 22, 4, 5))
    }

    @Test("RFC 5322 §3.3: leap years and the leap second")
    func calendarEdges() {
        #expect(RFC5322Date.parse("29 Feb 2000 00:00:00 +0000") == T.utc(2000, 2, 29, 0, 0, 0))
        #expect(RFC5322Date.parse("29 Feb 2001 00:00:00 +0000") == nil)
        #expect(RFC5322Date.parse("29 Feb 1900 00:00:00 +0000") == nil)
        #expect(RFC5322Date.parse("31 Dec 2016 23:59:60 +0000") == T.utc(2017, 1, 1, 0, 0, 0))
    }

    @Test(
        "RFC 5322 §3.3: malformed dates are refused",
        arguments: [
            "", "garbage", "32 Jan 2001 00:00:00 +0000", "31 Apr 2001 00:00:00 +0000", "1 Jan 2001 24:00:00 +0000",
            "1 Jan 2001 12:60 +0000", "1 Foo 2001 12:00 +0000", "1 Jan 2001 12:00:00 +2500",
            "Sat,  3 May 2008 20:51:05 -0600 =", "1 Jan 2001", "1 Jan 2001 12", "1 Jan 0999 12:00 +0000",
            "1 Jan 2001 12:00:00 +0000 extra words", "\"1 Jan 2001 12:00 +0000\"", "1 Jan 2001 12:00:00 +00000",
        ])
    func malformed(text: String) {
        #expect(RFC5322Date.parse(text) == nil)
    }

    @Test("RFC 5322 §3.3: month and day names match in any case, and only letters match letters")
    func nameCase() {
        #expect(RFC5322Date.parse("TUESDAY, 2 jAN 2001 12:00:00 +0000") == T.utc(2001, 1, 2, 12, 0, 0))
        #expect(RFC5322Date.parse("tue, 2 JANUARY 2001 12:00:00 +0000") == T.utc(2001, 1, 2, 12, 0, 0))
        #expect(RFC5322Date.parse("2 J@N 2001 12:00:00 +0000") == nil)
        #expect(RFC5322Date.parse("2 Jän 2001 12:00:00 +0000") == nil)
        #expect(RFC5322Date.parse("2 Janu 2001 12:00:00 +0000") == T.utc(2001, 1, 2, 12, 0, 0))
        #expect(RFC5322Date.parse("2 Januarys 2001 12:00:00 +0000") == nil)
    }
}
