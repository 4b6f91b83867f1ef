import Foundation
import SluiceChecking
import SluiceMessage
import SluiceRegex
import Testing

// Data-driven tests for the syntax of the values written in policy entries (domains, URL
// entries, addresses, IP blocks, dates, file hashes, wildcard patterns), against the rules of
// `defender-semantics.md` §1.1, §1.4 and §1.6. The larger tables live in
// `Fixtures/values/*.tsv`, read through `#filePath`; a failing row is reported at its line.

@Suite("Value syntax of policy entries")
struct ValueSyntax {
    /// Every fixture file, with the number of columns its rows may have and the least number
    /// of rows it must hold, so that a missing or truncated file cannot pass with zero cases.
    /// `verdict` is the column holding one of `verdicts`.
    static let fixtureShapes: [(file: String, columns: Set<Int>, minimumRows: Int, verdict: Int, verdicts: Set<String>)] = [
        ("url-entries.tsv", [8, 4], 75, 1, ["valid", "invalid"]),
        ("domain-patterns.tsv", [6, 4], 25, 1, ["valid", "invalid"]),
        ("domain-matches.tsv", [4], 25, 2, ["match", "no-match"]),
        ("email-addresses.tsv", [4], 25, 1, ["valid", "invalid"]),
        ("ip-ranges.tsv", [5], 30, 1, ["valid", "invalid"]),
        ("ip-relations.tsv", [5], 35, 1, ["contains", "covers"]),
    ]

    @Test("fixture files are present and well-formed", arguments: ValueSyntax.fixtureShapes.map(\.file))
    func fixtureFile(_ file: String) throws {
        let shape = try #require(Self.fixtureShapes.first { $0.file == file })
        let rows = try ValueFixture.load(file)
        #expect(rows.count >= shape.minimumRows, "\(file) has \(rows.count) rows")
        for row in rows {
            #expect(shape.columns.contains(row.count), "\(row.count) columns", sourceLocation: row.location)
            #expect(!row.fields.contains { $0.isEmpty }, "an empty field", sourceLocation: row.location)
            #expect(shape.verdicts.contains(row[shape.verdict]), "`\(row[shape.verdict])` in column \(shape.verdict + 1)",
                    sourceLocation: row.location)
        }
        // Every entry is listed once.
        let keys = rows.map { $0.fields.prefix(3).joined(separator: "\t") }
        #expect(Set(keys).count == keys.count, "\(file) lists a row twice")
    }
}

// MARK: - URL entries

extension ValueSyntax {
    @Suite("Value syntax: URL entries (§1.6)")
    struct URLEntries {
        @Test("URL entry", arguments: ValueFixture.rows("url-entries.tsv"))
        func entry(_ row: ValueFixture.Row) throws {
            let result = URLPattern.parse(row[0])
            if row[1] == "valid" {
                try #require(row.count == 8, sourceLocation: row.location)
                let pattern = try #require(result.parsed, "rejected: \(result.problem?.message ?? "")", sourceLocation: row.location)
                #expect(pattern.description == row[2], "canonical form", sourceLocation: row.location)
                #expect(Self.formName(pattern.hostForm) == row[3], "host form", sourceLocation: row.location)
                let isIP = row[4].hasPrefix("ip:")
                #expect(pattern.host == (isIP ? String(row[4].dropFirst(3)) : row[4]), "host", sourceLocation: row.location)
                #expect(pattern.isIPAddress == isIP, "isIPAddress", sourceLocation: row.location)
                #expect(pattern.path == ValueFixture.optionalText(row[5]), "path", sourceLocation: row.location)
                #expect(pattern.pathWildcard == (row[6] == "yes"), "pathWildcard", sourceLocation: row.location)
                // The canonical text is an entry of its own that means the same thing.
                let reparsed = URLPattern.parse(pattern.description)
                #expect(reparsed.parsed == pattern, "the canonical form parses to the same value", sourceLocation: row.location)
                #expect(reparsed.parsed?.description == pattern.description, sourceLocation: row.location)
            } else {
                try #require(row.count == 4, sourceLocation: row.location)
                ValueFixture.expectProblem(result.problem, culprit: row[2], in: row[0], row: row)
            }
        }

        @Test("URL entries are at most 250 characters (§1.5)", arguments: [
            (URLPattern.maxLength - 1, true), (URLPattern.maxLength, true), (URLPattern.maxLength + 1, false), (400, false),
        ])
        func length(_ length: Int, accepted: Bool) throws {
            let prefix = "contoso.com/"
            let entry = prefix + String(repeating: "a", count: length - prefix.utf8.count)
            try #require(entry.utf8.count == length)
            let result = URLPattern.parse(entry)
            if accepted {
                let pattern = try #require(result.parsed)
                #expect(pattern.path == String(repeating: "a", count: length - prefix.utf8.count))
            } else {
                let problem = try #require(result.problem)
                #expect(problem.message.contains("250"))
                #expect(problem.message.contains(String(length)))
            }
        }

        @Test("the scheme counts towards the 250 characters")
        func lengthWithScheme() throws {
            let host = "contoso.com/"
            let bare = host + String(repeating: "a", count: 245 - host.utf8.count)
            #expect(URLPattern.parse(bare).parsed != nil)
            // 245 + "https://" = 253 characters as written.
            #expect(URLPattern.parse("https://" + bare).problem != nil)
        }

        @Test("help for a wildcard in the wrong place names the fix", arguments: [
            ("*contoso.com", "*.contoso.com"),
            ("*contoso.com", "~contoso.com"),
            ("contoso.com*", "contoso.com/*"),
            ("contoso.com/ab*", "contoso.com/ab/*"),
            ("*.com", "*.com/*"),
            ("contoso.com:8080", ":8080"),
        ])
        func helpNamesFix(_ entry: String, fix: String) throws {
            let problem = try #require(URLPattern.parse(entry).problem)
            let help = try #require(problem.help)
            #expect(help.contains(fix), "help: \(help)")
        }

        @Test("left-wildcard and left-tilde forms are flagged for advanced delivery (§1.6)", arguments: [
            ("contoso.com", false), ("contoso.com/*", false), ("*.contoso.com", true), ("*.contoso.com/*", true),
            ("~contoso.com", true), ("~contoso.com~", false), ("1.2.3.4/*", false), ("*.com/*", true),
        ])
        func leftWildcard(_ entry: String, expected: Bool) throws {
            let pattern = try #require(URLPattern.parse(entry).parsed)
            #expect(pattern.hasLeftWildcard == expected)
        }

        @Test("different spellings of one entry give equal values", arguments: [
            ("contoso.com/a/*", "https://CONTOSO.com/a/*"),
            ("*.contoso.com", "http://*.Contoso.Com"),
            ("2001:db8::1/*", "[2001:0db8::0001]/*"),
            ("~contoso.com~", "~CONTOSO.COM~"),
        ])
        func equalSpellings(_ first: String, _ second: String) throws {
            let a = try #require(URLPattern.parse(first).parsed)
            let b = try #require(URLPattern.parse(second).parsed)
            #expect(a == b)
        }

        @Test("different entries give different values", arguments: [
            ("contoso.com", "contoso.com/"),
            ("contoso.com/a", "contoso.com/a/*"),
            ("contoso.com/*", "contoso.com/"),
            ("~contoso.com", "~contoso.com~"),
            ("*.contoso.com", "~contoso.com"),
            ("contoso.com/A", "contoso.com/a"),
        ])
        func differentEntries(_ first: String, _ second: String) throws {
            let a = try #require(URLPattern.parse(first).parsed)
            let b = try #require(URLPattern.parse(second).parsed)
            #expect(a != b)
        }

        static func formName(_ form: URLPattern.HostForm) -> String {
            switch form {
            case .exact: "exact"
            case .subdomains: "subdomains"
            case .domainAndSubdomains: "domainAndSubdomains"
            case .anywhere: "anywhere"
            }
        }
    }
}

// MARK: - Domain entries

extension ValueSyntax {
    @Suite("Value syntax: domain entries (§1.6)")
    struct DomainEntries {
        @Test("domain entry", arguments: ValueFixture.rows("domain-patterns.tsv"))
        func entry(_ row: ValueFixture.Row) throws {
            let result = DomainPattern.parse(row[0])
            if row[1] == "valid" {
                try #require(row.count == 6, sourceLocation: row.location)
                let pattern = try #require(result.parsed, "rejected: \(result.problem?.message ?? "")", sourceLocation: row.location)
                #expect(pattern.description == row[2], "canonical form", sourceLocation: row.location)
                #expect(pattern.kind == (row[3] == "exact" ? .exact : .subdomains), "kind", sourceLocation: row.location)
                #expect(pattern.domain == row[4], "domain", sourceLocation: row.location)
                #expect(DomainPattern.parse(pattern.description).parsed == pattern, "canonical form round-trips", sourceLocation: row.location)
            } else {
                try #require(row.count == 4, sourceLocation: row.location)
                ValueFixture.expectProblem(result.problem, culprit: row[2], in: row[0], row: row)
            }
        }

        @Test("domain entry matching", arguments: ValueFixture.rows("domain-matches.tsv"))
        func matching(_ row: ValueFixture.Row) throws {
            try #require(row.count == 4, sourceLocation: row.location)
            let pattern = try #require(DomainPattern.parse(row[0]).parsed, sourceLocation: row.location)
            #expect(pattern.matches(row[1]) == (row[2] == "match"), "\(row[0]) against \(row[1])", sourceLocation: row.location)
        }

        @Test("a wildcard without its dot suggests the subdomain form")
        func wildcardHelp() throws {
            let problem = try #require(DomainPattern.parse("*contoso.com").problem)
            #expect(problem.help?.contains("*.contoso.com") == true)
        }

        @Test("DomainName.host(_:isWithin:) stops at label boundaries", arguments: [
            ("contoso.com", "contoso.com", true),
            ("www.contoso.com", "contoso.com", true),
            ("xyz.abc.contoso.com", "contoso.com", true),
            ("abc-contoso.com", "contoso.com", false),
            ("123contoso.com", "contoso.com", false),
            ("ontoso.com", "contoso.com", false),
            ("contoso.com", "www.contoso.com", false),
            ("contoso.com.fabrikam.com", "contoso.com", false),
            ("contoso.co", "contoso.com", false),
            ("com", "contoso.com", false),
            ("contoso.com", "com", true),
            ("contoso.dotcom", "com", false),
            ("xcom", "com", false),
            ("", "com", false),
        ])
        func hostWithin(_ host: String, _ domain: String, expected: Bool) {
            #expect(DomainName.host(host, isWithin: domain) == expected)
        }

        @Test("DomainName.validate folds case and keeps the name", arguments: [
            ("Mail.Contoso.EXAMPLE", "mail.contoso.example"),
            ("under_score.contoso.com", "under_score.contoso.com"),
            ("xn--BCHER-KVA.de", "xn--bcher-kva.de"),
        ])
        func validate(_ text: String, expected: String) {
            #expect(DomainName.validate(text).parsed == expected)
        }

        @Test("DomainName.validate enforces label and name lengths", arguments: [
            (String(repeating: "a", count: 63) + ".com", true),
            (String(repeating: "a", count: 64) + ".com", false),
            // 63 + 63 + 63 + 57 characters, 4 dots and `com`: 253, the longest name; one more is too long.
            ([String](repeating: String(repeating: "a", count: 63), count: 3).joined(separator: ".") + "." + String(repeating: "b", count: 57) + ".com", true),
            ([String](repeating: String(repeating: "a", count: 63), count: 3).joined(separator: ".") + "." + String(repeating: "b", count: 58) + ".com", false),
        ])
        func validateLengths(_ text: String, accepted: Bool) {
            #expect((DomainName.validate(text).parsed != nil) == accepted, "\(text.utf8.count) characters")
        }
    }
}

// MARK: - Addresses

extension ValueSyntax {
    @Suite("Value syntax: addresses (§1.6)")
    struct Addresses {
        @Test("address", arguments: ValueFixture.rows("email-addresses.tsv"))
        func entry(_ row: ValueFixture.Row) throws {
            try #require(row.count == 4, sourceLocation: row.location)
            let result = EmailAddress.parse(row[0])
            if row[1] == "valid" {
                let address = try #require(result.parsed, "rejected: \(result.problem?.message ?? "")", sourceLocation: row.location)
                #expect(address.description == row[2], "canonical form", sourceLocation: row.location)
                let at = try #require(row[2].lastIndex(of: "@"), sourceLocation: row.location)
                #expect(address.localPart == String(row[2][..<at]), "local part", sourceLocation: row.location)
                #expect(address.domain == String(row[2][row[2].index(after: at)...]), "domain", sourceLocation: row.location)
                #expect(EmailAddress.parse(address.description).parsed == address, "canonical form round-trips", sourceLocation: row.location)
            } else {
                ValueFixture.expectProblem(result.problem, culprit: row[2], in: row[0], row: row)
            }
        }

        @Test("the local part is at most 64 characters", arguments: [(63, true), (64, true), (65, false)])
        func localPartLength(_ length: Int, accepted: Bool) {
            let result = EmailAddress.parse(String(repeating: "a", count: length) + "@contoso.com")
            #expect((result.parsed != nil) == accepted)
        }

        @Test("a character needing percent-encoding gets help showing the encoding")
        func percentHelp() throws {
            let problem = try #require(EmailAddress.parse("a b@contoso.com").problem)
            #expect(problem.help?.contains("%20") == true)
        }

        @Test("addresses order and compare by their lower-case text")
        func ordering() throws {
            let a = try #require(EmailAddress.parse("Alice@Contoso.com").parsed)
            let b = try #require(EmailAddress.parse("bob@contoso.com").parsed)
            #expect(a < b)
            #expect(a == EmailAddress(localPart: "alice", domain: "contoso.com"))
        }
    }
}

// MARK: - IP addresses and blocks

extension ValueSyntax {
    @Suite("Value syntax: IP addresses and blocks (§1.1)")
    struct IPRanges {
        @Test("IP address or block", arguments: ValueFixture.rows("ip-ranges.tsv"))
        func entry(_ row: ValueFixture.Row) throws {
            try #require(row.count == 5, sourceLocation: row.location)
            let result = IPRange.parse(row[0])
            if row[1] == "valid" {
                let range = try #require(result.parsed, "rejected: \(result.problem?.message ?? "")", sourceLocation: row.location)
                #expect(range.description == row[2], "canonical form", sourceLocation: row.location)
                #expect(range.prefixLength == Int(row[3]), "prefix length", sourceLocation: row.location)
                #expect(range.family == (row[2].contains(":") ? .ipv6 : .ipv4), "family", sourceLocation: row.location)
                #expect(range.isSingleAddress == (range.prefixLength == (range.family == .ipv4 ? 32 : 128)), sourceLocation: row.location)
                #expect(IPRange.parse(range.description).parsed == range, "canonical form round-trips", sourceLocation: row.location)
            } else {
                ValueFixture.expectProblem(result.problem, culprit: row[2], in: row[0], row: row)
                if row[3] != "-" {
                    let help = result.problem?.help ?? ""
                    #expect(help.contains("`\(row[3])`"), "help `\(help)` names \(row[3])", sourceLocation: row.location)
                    // The network the help names is itself a valid block containing the entry's address.
                    let suggested = try #require(IPRange.parse(row[3]).parsed, sourceLocation: row.location)
                    let address = try #require(IPAddress(String(row[0].split(separator: "/")[0])), sourceLocation: row.location)
                    #expect(suggested.contains(address), sourceLocation: row.location)
                }
            }
        }

        @Test("contains and covers", arguments: ValueFixture.rows("ip-relations.tsv"))
        func relation(_ row: ValueFixture.Row) throws {
            try #require(row.count == 5, sourceLocation: row.location)
            let range = try #require(IPRange.parse(row[0]).parsed, sourceLocation: row.location)
            let expected = row[3] == "yes"
            if row[1] == "contains" {
                let address = try #require(IPAddress(row[2]), sourceLocation: row.location)
                #expect(range.contains(address) == expected, "\(row[0]) contains \(row[2])", sourceLocation: row.location)
            } else {
                let other = try #require(IPRange.parse(row[2]).parsed, sourceLocation: row.location)
                #expect(range.covers(other) == expected, "\(row[0]) covers \(row[2])", sourceLocation: row.location)
                // A range that covers another contains every address of it, both ends included.
                if expected {
                    #expect(range.contains(other.network), sourceLocation: row.location)
                    #expect(range.contains(Self.lastAddress(of: other)), sourceLocation: row.location)
                }
            }
        }

        @Test("every prefix length of an address is accepted once its host bits are clear", arguments: [
            ("203.0.113.77", 32), ("2001:db8:85a3::8a2e:370:7334", 128),
        ])
        func everyPrefix(_ text: String, bits: Int) throws {
            let address = try #require(IPAddress(text))
            for length in 0...bits {
                let network = Self.masked(address, to: length)
                let written = "\(network)/\(length)"
                let range = try #require(IPRange.parse(written).parsed, "\(written)")
                #expect(range.prefixLength == length)
                #expect(range.contains(address), "\(written) contains \(text)")
                // The address with that prefix is refused unless it already is the network.
                let direct = IPRange.parse("\(text)/\(length)")
                #expect((direct.parsed != nil) == (network == address), "\(text)/\(length)")
            }
        }

        /// An independent mask (bit by bit) to cross-check the parser's.
        static func masked(_ address: IPAddress, to length: Int) -> IPAddress {
            var bytes = address.bytes
            for bit in length..<(bytes.count * 8) {
                bytes[bit / 8] &= ~(UInt8(0x80) >> UInt8(bit % 8))
            }
            return IPAddress(bytes: bytes)!
        }

        static func lastAddress(of range: IPRange) -> IPAddress {
            var bytes = range.network.bytes
            for bit in range.prefixLength..<(bytes.count * 8) {
                bytes[bit / 8] |= UInt8(0x80) >> UInt8(bit % 8)
            }
            return IPAddress(bytes: bytes)!
        }
    }
}

// MARK: - Dates

extension ValueSyntax {
    @Suite("Value syntax: dates (§1.4)")
    struct Dates {
        @Test("real days are accepted", arguments: [
            ("2024-02-29", 2024, 2, 29), ("2000-02-29", 2000, 2, 29), ("2026-02-28", 2026, 2, 28),
            ("2026-12-31", 2026, 12, 31), ("2026-04-30", 2026, 4, 30), ("1970-01-01", 1970, 1, 1),
            ("0001-01-01", 1, 1, 1), ("9999-12-31", 9999, 12, 31),
        ])
        func valid(_ text: String, year: Int, month: Int, day: Int) throws {
            let date = try #require(CalendarDate.parse(text).parsed)
            #expect(date.year == year && date.month == month && date.day == day)
            #expect(date.description == text)
            #expect(CalendarDate(year: year, month: month, day: day) == date)
        }

        @Test("days the calendar does not have are refused", arguments: [
            "2026-02-29", "1900-02-29", "2100-02-29", "2023-02-29", "2024-02-30", "2026-04-31", "2026-06-31",
            "2026-09-31", "2026-11-31", "2026-01-32", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01",
        ])
        func impossible(_ text: String) throws {
            let problem = try #require(CalendarDate.parse(text).problem)
            #expect(problem.message.contains(text))
            let parts = text.split(separator: "-").map { Int($0)! }
            #expect(CalendarDate(year: parts[0], month: parts[1], day: parts[2]) == nil)
        }

        @Test("text that is not YYYY-MM-DD is refused with the expected form", arguments: [
            "", "2026", "2026-1-01", "2026-01-1", "26-01-01", "02026-01-01", "2026/01/01", "2026-01-01T00:00",
            "2026-01-01 ", " 2026-01-01", "+026-01-01", "2026-+1-01", "2026-01--1", "2026-01-0x",
            "２０２６-01-01", "2026-01", "2026-01-01-01", "31-12-2026", "2026-Jan-01",
        ])
        func malformed(_ text: String) throws {
            let problem = try #require(CalendarDate.parse(text).problem)
            #expect(problem.help?.contains("YYYY-MM-DD") == true)
        }

        @Test("known day numbers", arguments: [
            ("1970-01-01", 0), ("1969-12-31", -1), ("2000-02-29", 11016), ("2000-03-01", 11017),
            ("2024-02-29", 19782), ("2026-01-01", 20454), ("2026-06-15", 20619), ("2038-01-19", 24855),
            ("1900-03-01", -25508), ("0001-01-01", -719162), ("9999-12-31", 2932896),
        ])
        func dayNumber(_ text: String, number: Int) throws {
            let date = try #require(CalendarDate.parse(text).parsed)
            #expect(date.dayNumber == number)
            #expect(CalendarDate(dayNumber: number) == date)
        }

        /// Walks every day of a year with its own calendar rules, from a day number computed
        /// from the 2022-01-01 anchor (18993), and checks both directions of the conversion,
        /// the printed form and `adding(days: 1)`. The years 2022–2030 are ~3300 days around 2026.
        @Test("day numbers round-trip for every day of the year",
              arguments: [1899, 1900, 1969, 1970, 1999, 2000] + Array(2022...2030) + [2100])
        func walkYear(_ year: Int) throws {
            var number = Self.firstDayNumber(of: year)
            for month in 1...12 {
                for day in 1...Self.length(ofMonth: month, year: year) {
                    let date = try #require(CalendarDate(year: year, month: month, day: day), "\(year)-\(month)-\(day)")
                    #expect(date.dayNumber == number, "\(date)")
                    #expect(CalendarDate(dayNumber: number) == date, "day \(number)")
                    #expect(CalendarDate.parse(date.description).parsed == date, "\(date)")
                    let next = date.adding(days: 1)
                    #expect(next.dayNumber == number + 1)
                    #expect(date < next)
                    number += 1
                }
            }
            #expect(number == Self.firstDayNumber(of: year + 1))
            #expect(CalendarDate(dayNumber: number - 1).adding(days: 1) == CalendarDate(year: year + 1, month: 1, day: 1))
        }

        @Test("adding days", arguments: [
            ("2024-02-28", 1, "2024-02-29"), ("2024-02-28", 2, "2024-03-01"), ("2025-02-28", 1, "2025-03-01"),
            ("2000-02-28", 1, "2000-02-29"), ("1900-02-28", 1, "1900-03-01"), ("2025-12-31", 1, "2026-01-01"),
            ("2026-03-01", -1, "2026-02-28"), ("2024-03-01", -1, "2024-02-29"), ("2026-01-01", 45, "2026-02-15"),
            ("2026-01-01", 30, "2026-01-31"), ("2026-01-31", 30, "2026-03-02"), ("2026-12-15", 90, "2027-03-15"),
            ("2026-01-01", 365, "2027-01-01"), ("2024-01-01", 366, "2025-01-01"), ("2026-05-10", 0, "2026-05-10"),
            ("2026-01-01", -20454, "1970-01-01"), ("1970-01-01", 11017, "2000-03-01"),
        ])
        func adding(_ start: String, days: Int, expected: String) throws {
            let date = try #require(CalendarDate.parse(start).parsed)
            #expect(date.adding(days: days).description == expected)
            #expect(date.adding(days: days).adding(days: -days) == date)
        }

        @Test("dates order by day", arguments: [
            ("2026-01-01", "2026-01-02"), ("2025-12-31", "2026-01-01"), ("2026-02-28", "2026-03-01"),
            ("1969-12-31", "1970-01-01"), ("2026-09-30", "2026-10-01"),
        ])
        func ordering(_ earlier: String, _ later: String) throws {
            let a = try #require(CalendarDate.parse(earlier).parsed)
            let b = try #require(CalendarDate.parse(later).parsed)
            #expect(a < b)
            #expect(!(b < a))
        }

        @Test("dates encode as their text")
        func codable() throws {
            let date = try #require(CalendarDate.parse("2026-03-01").parsed)
            let data = try JSONEncoder().encode([date])
            #expect(String(decoding: data, as: UTF8.self) == #"["2026-03-01"]"#)
            #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [date])
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2026-02-29"]"#.utf8)) }
        }

        static func isLeap(_ year: Int) -> Bool { year % 400 == 0 || (year % 4 == 0 && year % 100 != 0) }

        static func length(ofMonth month: Int, year: Int) -> Int {
            [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        }

        static func firstDayNumber(of year: Int) -> Int {
            let anchor = (year: 2022, number: 18993)
            if year >= anchor.year {
                return (anchor.year..<year).reduce(anchor.number) { $0 + (isLeap($1) ? 366 : 365) }
            }
            return (year..<anchor.year).reduce(anchor.number) { $0 - (isLeap($1) ? 366 : 365) }
        }
    }
}

// MARK: - File hashes

extension ValueSyntax {
    @Suite("Value syntax: file hashes (§1.1, §1.5)")
    struct FileHashes {
        static let digits = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

        @Test("a SHA-256 with or without `sha256:`, in any case", arguments: [
            digits, "sha256:" + digits, digits.uppercased(), "SHA256:" + digits.uppercased(), "Sha256:" + digits,
        ])
        func valid(_ text: String) throws {
            let hash = try #require(FileHash.parse(text).parsed)
            #expect(hash.hex == Self.digits)
            #expect(hash.description == "sha256:" + Self.digits)
            #expect(FileHash.parse(hash.description).parsed == hash)
        }

        @Test("a SHA-256 has exactly 64 digits", arguments: [
            "", "sha256:", String(digits.dropLast()), digits + "0", "sha256:" + String(digits.dropLast()),
            String(digits.prefix(40)), String(digits.prefix(32)),
        ])
        func wrongLength(_ text: String) throws {
            let problem = try #require(FileHash.parse(text).problem)
            let count = text.hasPrefix("sha256:") ? text.utf8.count - 7 : text.utf8.count
            #expect(problem.message.contains("this one has \(count)"))
            #expect(problem.range == nil)
        }

        /// `digits` with the character at `offset` replaced by `text`.
        static func digits(replacingAt offset: Int, with text: String) -> String {
            let start = Self.digits.index(Self.digits.startIndex, offsetBy: offset)
            var result = Self.digits
            result.replaceSubrange(start...start, with: text)
            return result
        }

        static let badDigits: [(text: String, offset: Int)] = [
            (digits(replacingAt: 10, with: "g"), 10),
            ("sha256:" + digits(replacingAt: 10, with: "g"), 17),
            ("sha256: " + String(digits.dropFirst()), 7),
            ("0x" + String(digits.dropFirst(2)), 1),
            ("md5:" + String(digits.dropFirst(4)), 0),
            ("sha256:sha256:" + digits, 7),
            (digits(replacingAt: 63, with: "z"), 63),
            (digits(replacingAt: 5, with: "é"), 5),
            (digits(replacingAt: 20, with: "-"), 20),
        ]

        @Test("the problem points at the first character that is not a hex digit", arguments: badDigits)
        func badDigit(_ text: String, offset: Int) throws {
            let problem = try #require(FileHash.parse(text).problem)
            #expect(problem.range?.lowerBound == offset)
        }
    }
}

// MARK: - Wildcard patterns

extension ValueSyntax {
    @Suite("Value syntax: wildcard patterns")
    struct Globs {
        static let cases: [(glob: String, subject: String, matches: Bool)] = [
            ("*.zip", "a.zip", true), ("*.zip", "a.ZIP", true), ("*.ZIP", "report.zip", true),
            ("*.zip", "a.zip.exe", false), ("*.zip", "a.zipx", false), ("*.zip", "azip", false), ("*.zip", ".zip", true),
            ("*.zip", "archive.tar.zip", true), ("*zip", "a.zip", true), ("invoice*", "Invoice 2026.pdf", true),
            ("invoice*", "my invoice.pdf", false), ("*", "", true), ("*", "any\nthing", true),
            ("invoice?.pdf", "invoice7.pdf", true), ("invoice?.pdf", "invoice.pdf", false), ("invoice?.pdf", "invoice12.pdf", false),
            ("?", "é", true), ("??", "é", false), ("*.html?", "page.htmlx", true), ("*.html?", "page.html", false),
            ("ÉTÉ.txt", "été.txt", true),
            // Regex metacharacters are literal.
            ("a+b(1).txt", "a+b(1).txt", true), ("a+b(1).txt", "aab1.txt", false), ("a+b(1).txt", "aab1xtxt", false),
            ("[ab].txt", "[ab].txt", true), ("[ab].txt", "a.txt", false), ("a{2}", "a{2}", true), ("a{2}", "aa", false),
            ("a|b", "a|b", true), ("a|b", "a", false), ("^x$", "^x$", true), ("^x$", "x", false),
            (#"back\slash"#, #"back\slash"#, true), (#"back\slash"#, "backslash", false), ("a.b", "axb", false),
            ("cost $5 #1", "cost $5 #1", true), ("/tmp/*", "/tmp/x", true),
            // The whole text: nothing may follow, not even a final newline.
            ("report.pdf", "report.pdf\n", false), ("*.zip", "a.zip\n", false),
        ]

        @Test("a glob matches the whole text, without case", arguments: cases)
        func match(_ glob: String, _ subject: String, expected: Bool) throws {
            let regex = try PolicyRegex.glob(glob)
            #expect(try regex.regex.matches(subject) == expected)
        }

        @Test("a glob is shown as written, in quotes")
        func written() throws {
            #expect(try PolicyRegex.glob("*.zip").written == #""*.zip""#)
        }
    }
}

// MARK: - Fixture support

enum ValueFixture {
    struct Row: Sendable, CustomTestStringConvertible {
        var file: String
        var line: Int
        var fields: [String]

        var count: Int { fields.count }
        subscript(index: Int) -> String { index < fields.count ? fields[index] : "" }
        var testDescription: String { "\(file):\(line) \(fields.first ?? "")" }
        /// Failures are reported at the row's line in the fixture file.
        var location: SourceLocation {
            SourceLocation(fileID: "SluiceCheckingTests/\(file)", filePath: ValueFixture.directory.appendingPathComponent(file).path,
                           line: line, column: 1)
        }
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/values")

    /// The rows of a tab-separated fixture; `#` lines and blank lines are skipped.
    static func load(_ file: String) throws -> [Row] {
        let url = directory.appendingPathComponent(file)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw Missing(description: "cannot read \(url.path)") }
        var rows: [Row] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.isEmpty || line.hasPrefix("#") { continue }
            rows.append(Row(file: file, line: index + 1, fields: line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
        }
        return rows
    }

    /// For `@Test(arguments:)`: a file that cannot be read gives no rows here, and fails
    /// `ValueSyntax.fixtureFile`.
    static func rows(_ file: String) -> [Row] { (try? load(file)) ?? [] }

    /// `-` is no value and `""` the empty text.
    static func optionalText(_ field: String) -> String? {
        switch field {
        case "-": nil
        case "\"\"": ""
        default: field
        }
    }

    /// Checks that `problem` exists and that its range is as the culprit column says:
    /// `N` (starts at byte N), `A..<B` (exactly), `-` (no range) or `?` (not checked).
    static func expectProblem(_ problem: ValueProblem?, culprit: String, in text: String, row: Row) {
        guard let problem else {
            Issue.record("`\(text)` was accepted", sourceLocation: row.location)
            return
        }
        #expect(!problem.message.isEmpty, sourceLocation: row.location)
        if let range = problem.range {
            // Inside the text, or the one byte after its end where something is missing (`1.2.3.0/`).
            #expect(range.lowerBound >= 0 && range.upperBound <= text.utf8.count + 1 && !range.isEmpty,
                    "range \(range) lies inside the text", sourceLocation: row.location)
        }
        let detail = "problem: \(problem.message), range \(problem.range.map { "\($0)" } ?? "none")"
        if culprit == "?" { return }
        if culprit == "-" {
            #expect(problem.range == nil, "\(detail)", sourceLocation: row.location)
        } else if let separator = culprit.range(of: "..<") {
            let expected = Int(culprit[..<separator.lowerBound])!..<Int(culprit[separator.upperBound...])!
            #expect(problem.range == expected, "\(detail)", sourceLocation: row.location)
        } else if let offset = Int(culprit) {
            #expect(problem.range?.lowerBound == offset, "\(detail)", sourceLocation: row.location)
        } else {
            Issue.record("bad culprit column `\(culprit)`", sourceLocation: row.location)
        }
    }
}

extension Result {
    fileprivate var parsed: Success? {
        if case .success(let value) = self { return value }
        return nil
    }

    fileprivate var problem: Failure? {
        if case .failure(let problem) = self { return problem }
        return nil
    }
}
