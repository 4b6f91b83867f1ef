import Foundation
import Testing

@testable import SluiceMessage

@Suite("RFC 5322 dates in the usual form")
struct RFC5322DateUsualFormTests {
    @Test(
        "the usual form reads as the token reader reads it",
        arguments: [
            ("Tue, 17 Nov 2026 09:14:03 +0000", 1_794_906_843.0),
            ("Tue, 17 Nov 2026 10:13:58 +0100", 1_794_906_838.0),
            ("17 Nov 2026 09:14:03 +0000", 1_794_906_843.0),
            ("Tue, 7 Jul 2026 09:14:03 -0230", 1_783_424_643.0),
            ("tue, 17 NOV 2026 09:14:03 +0000", 1_794_906_843.0),
        ])
    func usualForm(text: String, seconds: Double) {
        #expect(RFC5322Date.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(
        "a date out of range is no date",
        arguments: [
            "Tue, 31 Feb 2026 09:14:03 +0000", "Tue, 17 Nov 2026 24:14:03 +0000", "Tue, 17 Nov 2026 09:60:03 +0000",
            "Tue, 17 Nov 2026 09:14:03 +2400", "Tue, 17 Nov 1899 09:14:03 +0000", "Tue, 0 Nov 2026 09:14:03 +0000",
        ])
    func outOfRange(text: String) {
        #expect(RFC5322Date.parse(text) == nil)
    }
}
