import SluiceRegex
import Testing

@Suite struct RequiredLiteralsTests {
    private func factors(_ pattern: String, _ options: PCRERegex.Options = []) -> [[String]]? {
        RequiredLiterals(pattern: pattern, options: options)?.factors.map { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    @Test func literalsOfSupportedPatterns() {
        #expect(factors("payment (now|today|immediately)", .caseInsensitive) == [["payment now", "payment today", "payment immediately"]])
        #expect(factors(#"\bInvoice\s*#?\d{2,}"#, .caseInsensitive) == [["invoice"]])
        #expect(factors(#"(^|\.)report\d+\.example$"#) == [["report", ".report"], [".example"]])
        #expect(factors(#"\.(html?|js|inv)$"#, .caseInsensitive) == [[".html", ".htm", ".js", ".inv"]])
        #expect(factors("a[]x]b[^]]c[[:alpha:]]d") == [["a"], ["b"], ["c"], ["d"]])
        #expect(factors(#"x(?:ab|cd){1,2}y\ z"#) == [["x"], ["ab", "cd"], ["y z"]])
        #expect(factors("colou?r") == [["colour", "color"]])
        #expect(factors("ab{2}c") == [["a"], ["b"], ["c"]])
    }

    @Test func unsupportedOrLiteralFreePatternsGiveNothing() {
        for pattern in ["(?i)abc", #"(a)\1"#, "(ab)+c", "(?=ab)ab", "a{,3}", #"\Qab\E"#, "[abc]+", "a|", "(a|)b?", #"\d+"#, "^$", "(*UTF)ab"] {
            #expect(factors(pattern) == nil, "\(pattern)")
        }
        #expect(factors("a b", .extended) == nil)
    }

    /// Whenever a value is excluded, PCRE2 must not match it: the screen only skips sure misses.
    @Test func exclusionAgreesWithPCRE2() throws {
        let cases: [(String, PCRERegex.Options)] = [
            ("payment (now|today)", .caseInsensitive), (#"\bkey\s*\d{2,}"#, .caseInsensitive), (#"(^|\.)shop\d+\.example$"#, []),
            (#"\.(html?|js)$"#, .caseInsensitive), ("Seek", []), ("colou?r", .caseInsensitive),
        ]
        let subjects = [
            "PAYMENT NOW please", "payment  now", "key 12", "\u{212A}EY 123", "a.shop12.example", "shop1.example.org", "x.HTML",
            "x.ht", "SEEK", "Seek", "se\u{212A}", "Colr", "COLOR", "café colour", "",
        ]
        for (pattern, options) in cases {
            let regex = try PCRERegex(pattern, options: options)
            let required = try #require(RequiredLiterals(pattern: pattern, options: options))
            let scanner = LiteralScanner(required.factors.flatMap { $0 })
            for subject in subjects {
                let hits = scanner.scan(subject)
                var offset = 0
                let missing = required.factors.contains { factor in
                    defer { offset += factor.count }
                    return !(offset..<offset + factor.count).contains(where: hits.contains)
                }
                if missing && required.excludes(subjectLength: subject.utf8.count, nonASCII: hits.hasNonASCII) {
                    #expect(try !regex.matches(subject), "\(pattern) on \(subject)")
                }
            }
        }
    }

    @Test func caselessKAndSNeedASCIISubjects() throws {
        let required = try #require(RequiredLiterals(pattern: "key", options: .caseInsensitive))
        #expect(required.needsASCIISubject)
        #expect(!required.excludes(subjectLength: 5, nonASCII: true))
        #expect(required.excludes(subjectLength: 5, nonASCII: false))
        #expect(try PCRERegex("key", options: .caseInsensitive).matches("\u{212A}EY"))
        #expect(try !#require(RequiredLiterals(pattern: "key", options: [])).needsASCIISubject)
    }

    /// A value too long for the work bound is never skipped: PCRE2 might hit its match limit.
    @Test func unboundedRepeatsLimitTheSubjectLength() throws {
        let required = try #require(RequiredLiterals(pattern: #"a\s*b\d*c.*d"#, options: []))
        #expect(required.excludes(subjectLength: 10, nonASCII: false))
        #expect(!required.excludes(subjectLength: 10_000, nonASCII: false))
        let bounded = try #require(RequiredLiterals(pattern: "abc (d|e)", options: []))
        #expect(bounded.excludes(subjectLength: 10_000_000, nonASCII: false))
    }

    @Test func scannerFindsOverlappingLiteralsIgnoringCase() {
        let scanner = LiteralScanner(["he", "she", "his", "hers"].map { Array($0.utf8) })
        let hits = scanner.scan("uSHErs")
        #expect((0..<4).map(hits.contains) == [true, true, false, true])
        #expect(!hits.hasNonASCII)
        #expect(scanner.scan("é his").hasNonASCII)
    }

    /// Long texts are scanned in overlapping lanes; a literal across a lane boundary still counts.
    @Test func scannerFindsLiteralsAcrossLanes() {
        let scanner = LiteralScanner(["boundary", "end"].map { Array($0.utf8) })
        for position in stride(from: 0, to: 1_000, by: 7) {
            var text = [UInt8](repeating: UInt8(ascii: "x"), count: 1_000)
            text.replaceSubrange(position..<min(1_000, position + 8), with: Array("BOUNDARY".utf8).prefix(1_000 - position))
            let hits = text.withUnsafeBufferPointer(scanner.scan)
            #expect(hits.contains(0) == (position + 8 <= 1_000), "at \(position)")
            #expect(!hits.contains(1))
        }
    }
}
