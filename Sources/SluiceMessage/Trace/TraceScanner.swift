/// A set of ASCII bytes, tested with one shift and mask; bytes 0x80 and up are never members, so
/// UTF-8 text always reads as word characters.
struct TraceByteSet: Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    init(_ members: String) {
        for byte in members.utf8 { insert(byte) }
    }

    private mutating func insert(_ byte: UInt8) {
        if byte < 64 {
            low |= 1 << UInt64(byte)
        } else if byte < 128 {
            high |= 1 << UInt64(byte - 64)
        }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        if byte < 64 { return low & (1 << UInt64(byte)) != 0 }
        if byte < 128 { return high & (1 << UInt64(byte - 64)) != 0 }
        return false
    }

    func union(_ other: TraceByteSet) -> TraceByteSet {
        var result = self
        result.low |= other.low
        result.high |= other.high
        return result
    }

    /// Space, tab and stray CR/LF: unfolding leaves the WSP, and some producers leave bare line ends.
    static let whitespace = TraceByteSet(" \t\r\n")
}

/// A cursor over an unfolded header value that understands RFC 5322 §3.2.2 CFWS: nested comments
/// and quoted strings, both with backslash quoted-pairs. Each parser in Trace/ reads its own grammar
/// with these primitives. Every reading call either consumes at least one byte or reports that it
/// could not, so parsers built on it always terminate.
struct TraceScanner {
    /// Something the scanner had to guess about; the parser turns it into a diagnostic of its area.
    enum Problem: Hashable {
        case unterminatedComment
        case unterminatedQuotedString
        case unterminatedLiteral
    }

    let bytes: [UInt8]
    var position = 0
    private(set) var problems: [Problem] = []

    init(_ text: some StringProtocol) {
        bytes = Array(text.utf8)
    }

    var isAtEnd: Bool { position >= bytes.count }

    @inline(__always)
    func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// The unread rest, trimmed of whitespace.
    var remainder: String {
        var start = position
        var end = bytes.count
        while start < end, TraceByteSet.whitespace.contains(bytes[start]) { start += 1 }
        while end > start, TraceByteSet.whitespace.contains(bytes[end - 1]) { end -= 1 }
        return text(start..<end)
    }

    mutating func skipWhitespace() {
        while position < bytes.count, TraceByteSet.whitespace.contains(bytes[position]) { position += 1 }
    }

    /// Skips whitespace and comments, appending each comment's text to `comments`.
    mutating func skipCFWS(into comments: inout [String]) {
        while position < bytes.count {
            let byte = bytes[position]
            if TraceByteSet.whitespace.contains(byte) {
                position += 1
            } else if byte == UInt8(ascii: "(") {
                comments.append(readComment())
            } else {
                return
            }
        }
    }

    /// Skips whitespace and comments, dropping the comments.
    mutating func skipCFWS() {
        var ignored: [String] = []
        skipCFWS(into: &ignored)
    }

    /// Reads a comment starting at `(`. Returns its text without the outer parentheses; nested
    /// comments keep theirs, because `(name [ip] (may be forged))` means what it says. Runs of
    /// whitespace become one space (RFC 5322 §3.2.2: FWS in a comment is a single space).
    mutating func readComment() -> String {
        precondition(peek() == UInt8(ascii: "("))
        position += 1
        var depth = 1
        var out: [UInt8] = []
        var pendingSpace = false
        while position < bytes.count {
            var byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\\"), position < bytes.count {
                byte = bytes[position]
                position += 1
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return String(decoding: out, as: UTF8.self) }
            } else if TraceByteSet.whitespace.contains(byte) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(UInt8(ascii: " "))
                pendingSpace = false
            }
            out.append(byte)
        }
        problems.append(.unterminatedComment)
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads a quoted string starting at `"`, returning its content with quoted-pairs undone.
    mutating func readQuotedString() -> String {
        precondition(peek() == UInt8(ascii: "\""))
        position += 1
        var out: [UInt8] = []
        while position < bytes.count {
            var byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\\"), position < bytes.count {
                byte = bytes[position]
                position += 1
            } else if byte == UInt8(ascii: "\"") {
                return String(decoding: out, as: UTF8.self)
            }
            out.append(byte)
        }
        problems.append(.unterminatedQuotedString)
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads bytes up to `close` (consumed), for `[domain literal]` and `<angle address>`; the
    /// result excludes both delimiters.
    mutating func readEnclosed(closing close: UInt8) -> String {
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != close { position += 1 }
        let content = text(start..<position)
        if position < bytes.count {
            position += 1
        } else {
            problems.append(.unterminatedLiteral)
        }
        return content
    }

    /// Reads a run of bytes up to whitespace, `(`, `"` or any byte in `stops`; empty when the
    /// cursor already sits on one of them.
    mutating func readRun(until stops: TraceByteSet) -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if TraceByteSet.whitespace.contains(byte) || byte == UInt8(ascii: "(") || byte == UInt8(ascii: "\"")
                || stops.contains(byte)
            {
                break
            }
            position += 1
        }
        return text(start..<position)
    }

    /// Moves to the next `byte` outside comments and quoted strings (not consuming it), or to the end.
    mutating func skip(until byte: UInt8) {
        while position < bytes.count {
            let current = bytes[position]
            if current == byte { return }
            if current == UInt8(ascii: "(") {
                _ = readComment()
            } else if current == UInt8(ascii: "\"") {
                _ = readQuotedString()
            } else {
                position += 1
            }
        }
    }
}

/// ASCII helpers shared by the trace parsers; plain functions so they cannot clash with
/// extensions elsewhere in the module.
enum TraceText {
    /// Lower-cases ASCII letters only; other bytes (UTF-8 included) pass through unchanged.
    static func lowercased(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        var changed = false
        for index in utf8.indices where utf8[index] >= 0x41 && utf8[index] <= 0x5A {
            utf8[index] |= 0x20
            changed = true
        }
        return changed ? String(decoding: utf8, as: UTF8.self) : text
    }

    /// Case-insensitive ASCII comparison.
    static func equals(_ lhs: some StringProtocol, _ rhs: some StringProtocol) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case let (a?, b?):
                if a != b, a | 0x20 != b | 0x20 || !(a | 0x20 >= 0x61 && a | 0x20 <= 0x7A) { return false }
            default: return false
            }
        }
    }

    static func trimmed(_ text: some StringProtocol) -> String {
        let utf8 = Array(text.utf8)
        var start = 0
        var end = utf8.count
        while start < end, TraceByteSet.whitespace.contains(utf8[start]) { start += 1 }
        while end > start, TraceByteSet.whitespace.contains(utf8[end - 1]) { end -= 1 }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }

    /// Splits on ASCII whitespace, dropping empty pieces.
    static func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
    }

    /// Parses an optionally signed decimal integer made of ASCII digits only.
    static func integer(_ text: some StringProtocol, allowSign: Bool = true) -> Int? {
        var value = 0
        var negative = false
        var digits = 0
        for (offset, byte) in text.utf8.enumerated() {
            if offset == 0, allowSign, byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                negative = byte == UInt8(ascii: "-")
                continue
            }
            guard byte >= 0x30, byte <= 0x39, digits < 18 else { return nil }
            value = value * 10 + Int(byte - 0x30)
            digits += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    /// User input for a diagnostic message: whitespace runs collapsed, long text cut short.
    static func snippet(_ text: some StringProtocol) -> String {
        let collapsed = words(String(text)).joined(separator: " ")
        guard collapsed.count > 60 else { return collapsed }
        return collapsed.prefix(57) + "..."
    }

    /// Parses a decimal number such as `-2.6` or `15.00`; rejects `nan`, `inf` and hex forms
    /// that `Double.init` would accept.
    static func decimal(_ text: some StringProtocol) -> Double? {
        var sawDigit = false
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case 0x30...0x39: sawDigit = true
            case UInt8(ascii: "."): continue
            case UInt8(ascii: "-"), UInt8(ascii: "+"): if offset != 0 { return nil }
            default: return nil
            }
        }
        guard sawDigit else { return nil }
        return Double(String(text))
    }
}
