#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 5322 §3.3 date-time, with the §4.3 obsolete forms real mail still carries.
public enum RFC5322Date {
    /// Parses `[day-of-week ","] day month year hour ":" minute [":" second] zone`, with CFWS
    /// allowed between tokens and trailing comments such as `(PDT)` ignored. Also accepted:
    /// two- and three-digit years (§4.3: 00–49 → 20xx, otherwise +1900), a missing day-of-week or
    /// comma, full month and day names, named zones (`UT`, `GMT`, `EST` … `PDT` and a few common
    /// others; per §4.3 unknown names and military letters mean `-0000`, read as UTC), `+hh:mm`
    /// offsets, a missing zone (UTC), and the asctime order `Mon Jan  2 15:04:05 2006`.
    /// Returns nil when a field is missing or out of range, or other text follows the zone.
    public static func parse(_ text: String) -> Date? {
        ASCII.withBytes(of: text) { bytes in
            if let date = usual(bytes) { return date }
            var reader = TokenReader(bytes: bytes)
            return reader.parse()
        }
    }

    /// The form nearly every date is written in, `Tue, 17 Nov 2026 09:14:03 +0000` (the day name
    /// and its comma may be left out, the day may have one digit), read straight from the bytes
    /// to what the token reader makes of it. Nil for any other text, and for a date out of range:
    /// the token reader then reads it.
    private static func usual(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for index in start..<(start + count) {
                let byte = bytes[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func letters(_ start: Int) -> UInt32 {
            UInt32(bytes[start] | 0x20) << 16 | UInt32(bytes[start + 1] | 0x20) << 8 | UInt32(bytes[start + 2] | 0x20)
        }
        func byte(_ index: Int, is wanted: UInt8) -> Bool { index < bytes.count && bytes[index] == wanted }
        var index = 0
        if bytes.count >= 5, bytes[0] >= 0x40 {
            guard dayIndex(letters(0)) != nil, bytes[3] == UInt8(ascii: ","), bytes[4] == 0x20 else { return nil }
            index = 5
        }
        guard var day = digits(index, 1) else { return nil }
        index += 1
        if let second = digits(index, 1) {
            day = day * 10 + second
            index += 1
        }
        guard byte(index, is: 0x20), index + 4 < bytes.count, bytes[index + 4] == 0x20,
            let monthFrom0 = monthIndex(letters(index + 1))
        else { return nil }
        index += 5
        guard let year = digits(index, 4), year >= 1900, byte(index + 4, is: 0x20),
            let hour = digits(index + 5, 2), byte(index + 7, is: UInt8(ascii: ":")),
            let minute = digits(index + 8, 2), byte(index + 10, is: UInt8(ascii: ":")),
            let second = digits(index + 11, 2), byte(index + 13, is: 0x20),
            index + 19 == bytes.count, bytes[index + 14] == UInt8(ascii: "+") || bytes[index + 14] == UInt8(ascii: "-"),
            let zone = digits(index + 15, 4)
        else { return nil }
        let month = monthFrom0 + 1
        guard day >= 1, day <= daysIn(month: month, year: year), hour <= 23, minute <= 59, second <= 60,
            zone / 100 <= 23, zone % 100 <= 59
        else { return nil }
        let east = (zone / 100) * 3_600 + (zone % 100) * 60
        let offset = bytes[index + 14] == UInt8(ascii: "-") ? -east : east
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Words are ranges of the text's bytes: no String is built for them.
    fileprivate enum Token: Equatable {
        case word(Range<Int>)
        case number(Int, digits: Int)
        case symbol(UInt8)
    }

    private static let symbols = TraceByteSet(",:+-")

    /// Reads the tokens (words, digit runs and the symbols `,:+-`, CFWS dropped) one ahead of the
    /// parser as it goes, over the bytes the text lends: no list of tokens is made.
    private struct TokenReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        /// The next token; nil at the end, or when the text cannot be a date (`failed`).
        private var lookahead: Token?
        /// A quoted string, or a digit run too long for any field: no date, wherever it stands.
        private var failed = false

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            lookahead = nil
            lookahead = lex()
        }

        private mutating func lex() -> Token? {
            skipCFWS()
            guard position < bytes.count else { return nil }
            let byte = bytes[position]
            if symbols.contains(byte) {
                position += 1
                return .symbol(byte)
            }
            if byte == UInt8(ascii: "\"") {
                failed = true
                return nil
            }
            let start = position
            let isDigit = byte >= 0x30 && byte <= 0x39
            while position < bytes.count {
                let next = bytes[position]
                guard !ASCII.isWhitespace(next), next != UInt8(ascii: "("), !symbols.contains(next),
                    (next >= 0x30 && next <= 0x39) == isDigit
                else { break }
                position += 1
            }
            guard isDigit else { return .word(start..<position) }
            // Nine digits cannot overflow, and no date field is longer.
            guard position - start <= 9 else {
                failed = true
                return nil
            }
            var value = 0
            for index in start..<position { value = value * 10 + Int(bytes[index] - 0x30) }
            return .number(value, digits: position - start)
        }

        /// White space and comments (nested, with quoted-pairs; an unclosed one runs to the end).
        private mutating func skipCFWS() {
            while position < bytes.count {
                let byte = bytes[position]
                if ASCII.isWhitespace(byte) {
                    position += 1
                    continue
                }
                guard byte == UInt8(ascii: "(") else { return }
                position += 1
                var depth = 1
                while position < bytes.count && depth > 0 {
                    let current = bytes[position]
                    position += 1
                    if current == UInt8(ascii: "\\") {
                        if position < bytes.count { position += 1 }
                    } else if current == UInt8(ascii: "(") {
                        depth += 1
                    } else if current == UInt8(ascii: ")") {
                        depth -= 1
                    }
                }
            }
        }

        /// Whether every token was read and all of them were readable.
        private var isAtEnd: Bool { lookahead == nil && !failed }

        private mutating func advance() { lookahead = lex() }

        mutating func next() -> Token? {
            let token = lookahead
            if token != nil { advance() }
            return token
        }

        func peek() -> Token? { lookahead }

        func word(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[range])
        }

        mutating func skip(_ symbol: UInt8) {
            if peek() == .symbol(symbol) { advance() }
        }

        mutating func number(maxDigits: Int) -> Int? {
            guard case .number(let value, let digits)? = peek(), digits <= maxDigits else { return nil }
            advance()
            return value
        }

        mutating func month() -> Int? {
            guard case .word(let range)? = peek(), let month = RFC5322Date.month(word(range)) else { return nil }
            advance()
            return month
        }

        mutating func parse() -> Date? {
            if case .word(let range)? = peek(), RFC5322Date.isDayName(word(range)) {
                advance()
                skip(UInt8(ascii: ","))
            }
            let day: Int
            let month: Int
            let year: Int
            let time: (hour: Int, minute: Int, second: Int)
            var offset: Int?
            if let asctimeMonth = self.month() {
                // asctime: month day time [zone] year
                guard let asctimeDay = number(maxDigits: 2), let asctimeTime = self.time() else { return nil }
                if case .word? = peek() {
                    guard let parsed = zone() else { return nil }
                    offset = parsed
                }
                guard let asctimeYear = self.year() else { return nil }
                (day, month, year, time) = (asctimeDay, asctimeMonth, asctimeYear, asctimeTime)
            } else {
                // `-` between the parts covers the `26-Dec-2000` spelling.
                guard let rfcDay = number(maxDigits: 2) else { return nil }
                skip(UInt8(ascii: "-"))
                guard let rfcMonth = self.month() else { return nil }
                skip(UInt8(ascii: "-"))
                guard let rfcYear = self.year(), let rfcTime = self.time() else { return nil }
                (day, month, year, time) = (rfcDay, rfcMonth, rfcYear, rfcTime)
            }
            if offset == nil {
                guard let parsed = zone() else { return nil }
                offset = parsed
            }
            // Some writers repeat the zone as a bare name after the offset: `+0000 GMT`.
            if case .word(let range)? = peek(), RFC5322Date.isZoneName(word(range)) { advance() }
            guard isAtEnd, let offset,
                day >= 1, day <= RFC5322Date.daysIn(month: month, year: year),
                time.hour <= 23, time.minute <= 59, time.second <= 60
            else { return nil }
            let days = RFC5322Date.daysSinceEpoch(year: year, month: month, day: day)
            let seconds = days * 86_400 + time.hour * 3_600 + time.minute * 60 + time.second - offset
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }

        mutating func year() -> Int? {
            guard case .number(let value, let digits)? = peek() else { return nil }
            advance()
            switch digits {
            case 2: return value < 50 ? 2000 + value : 1900 + value
            case 3: return 1900 + value
            case 4: return value >= 1900 ? value : nil
            default: return nil
            }
        }

        mutating func time() -> (hour: Int, minute: Int, second: Int)? {
            guard let hour = number(maxDigits: 2) else { return nil }
            guard next() == .symbol(UInt8(ascii: ":")), let minute = number(maxDigits: 2) else { return nil }
            var second = 0
            if peek() == .symbol(UInt8(ascii: ":")) {
                advance()
                guard let parsed = number(maxDigits: 2) else { return nil }
                second = parsed
            }
            return (hour, minute, second)
        }

        /// The zone as seconds east of UTC; 0 when absent. Nil when malformed.
        mutating func zone() -> Int? {
            switch peek() {
            case nil:
                return 0
            case .symbol(let sign) where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
                advance()
                return numericOffset(negative: sign == UInt8(ascii: "-"))
            case .word(let range):
                advance()
                guard let hours = RFC5322Date.zoneHours(word(range)) else { return nil }
                // `GMT+0100`: the name only introduces the offset.
                if hours == 0, case .symbol(let sign)? = peek(),
                    sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")
                {
                    advance()
                    return numericOffset(negative: sign == UInt8(ascii: "-"))
                }
                return hours * 3_600
            default:
                return nil
            }
        }

        /// `hhmm`, `hh:mm` or `hh` after the sign.
        mutating func numericOffset(negative: Bool) -> Int? {
            guard case .number(let value, let digits)? = next() else { return nil }
            var hours: Int
            var minutes = 0
            switch digits {
            case 4:
                hours = value / 100
                minutes = value % 100
            case 1, 2:
                hours = value
                if peek() == .symbol(UInt8(ascii: ":")) {
                    advance()
                    guard let parsed = number(maxDigits: 2) else { return nil }
                    minutes = parsed
                }
            default:
                return nil
            }
            guard hours <= 23, minutes <= 59 else { return nil }
            hours = hours * 3_600 + minutes * 60
            return negative ? -hours : hours
        }
    }

    // As bytes: these are matched against a word or two of every date read.
    private static let monthNames: [[UInt8]] = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ].map { Array($0.utf8) }
    private static let dayNames: [[UInt8]] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        .map { Array($0.utf8) }

    /// The index in `names` of the name that `word` abbreviates: at least three letters, any case,
    /// so `Jan`, `Sept`, `Thurs` and `Thursday` all count. The first three letters tell the names
    /// apart: `index` finds the one name they start, packed into a number with 0x20 set in each
    /// byte (a lower-case letter only when the byte is that letter in either case), and the rest
    /// of the word is checked against it.
    private static func abbreviation(
        _ utf8: UnsafeBufferPointer<UInt8>, of names: [[UInt8]], index: (UInt32) -> Int?
    ) -> Int? {
        guard utf8.count >= 3,
            let found = index(UInt32(utf8[0] | 0x20) << 16 | UInt32(utf8[1] | 0x20) << 8 | UInt32(utf8[2] | 0x20))
        else { return nil }
        let name = names[found]
        guard utf8.count <= name.count else { return nil }
        for offset in 3..<utf8.count where utf8[offset] | 0x20 != name[offset] { return nil }
        return found
    }

    /// Month 1...12 from its name.
    fileprivate static func month(_ word: UnsafeBufferPointer<UInt8>) -> Int? {
        abbreviation(word, of: monthNames, index: monthIndex).map { $0 + 1 }
    }

    fileprivate static func isDayName(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        abbreviation(word, of: dayNames, index: dayIndex) != nil
    }

    /// The month, from 0, whose name starts with these three letters (packed, 0x20 set).
    private static func monthIndex(_ prefix: UInt32) -> Int? {
        switch prefix {
        case 0x6a616e: 0  // jan
        case 0x666562: 1  // feb
        case 0x6d6172: 2  // mar
        case 0x617072: 3  // apr
        case 0x6d6179: 4  // may
        case 0x6a756e: 5  // jun
        case 0x6a756c: 6  // jul
        case 0x617567: 7  // aug
        case 0x736570: 8  // sep
        case 0x6f6374: 9  // oct
        case 0x6e6f76: 10  // nov
        case 0x646563: 11  // dec
        default: nil
        }
    }

    /// The day, from 0 for Monday, whose name starts with these three letters (packed, 0x20 set).
    private static func dayIndex(_ prefix: UInt32) -> Int? {
        switch prefix {
        case 0x6d6f6e: 0  // mon
        case 0x747565: 1  // tue
        case 0x776564: 2  // wed
        case 0x746875: 3  // thu
        case 0x667269: 4  // fri
        case 0x736174: 5  // sat
        case 0x73756e: 6  // sun
        default: nil
        }
    }

    private static let namedZones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "uct": 0, "z": 0, "wet": 0,
        "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
        "akst": -9, "akdt": -8, "hst": -10,
        "bst": 1, "cet": 1, "met": 1, "west": 1, "cest": 2, "mest": 2, "eet": 2, "eest": 3, "msk": 3,
        "jst": 9, "kst": 9, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
    ]

    fileprivate static func isZoneName(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        !utf8.isEmpty && utf8.count <= 5
            && utf8.allSatisfy { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }
    }

    /// Hours east of UTC for a zone name; unknown alphabetic names are UTC (RFC 5322 §4.3).
    fileprivate static func zoneHours(_ word: UnsafeBufferPointer<UInt8>) -> Int? {
        guard isZoneName(word) else { return nil }
        return namedZones[ASCII.lowercased(String(decoding: word, as: UTF8.self))] ?? 0
    }

    fileprivate static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the civil date (H. Hinnant's `days_from_civil`), so no Calendar is
    /// needed on the per-message path.
    fileprivate static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
