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

    /// Every byte in either set.
    func union(_ other: TraceByteSet) -> TraceByteSet {
        var result = self
        result.low |= other.low
        result.high |= other.high
        return result
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        if byte < 64 { return low & (1 << UInt64(byte)) != 0 }
        if byte < 128 { return high & (1 << UInt64(byte - 64)) != 0 }
        return false
    }
}

/// A cursor over an unfolded header value that understands RFC 5322 §3.2.2 CFWS: nested comments
/// and quoted strings, both with backslash quoted-pairs. Each parser in Trace/ reads its own grammar
/// with these primitives. The cursor never moves back on its own, and a call that can stop without
/// consuming anything says so with an empty result, so every parser loop can ensure progress.
struct TraceScanner {
    /// Something the scanner had to guess about; the parser turns it into a diagnostic of its area.
    enum Problem: Hashable, CaseIterable {
        case unterminatedComment
        case unterminatedQuotedString
        case unterminatedLiteral
    }

    let bytes: [UInt8]
    var position = 0
    /// Where reading stops; lowering it confines a copy of the scanner to a prefix.
    var end: Int
    private(set) var problems: [Problem] = []

    /// Each kind of problem met, once, in a fixed order so diagnostics come out the same every run.
    var problemKinds: [Problem] {
        problems.isEmpty ? [] : Problem.allCases.filter(problems.contains)
    }

    init(_ text: some StringProtocol) {
        bytes = Array(text.utf8)
        end = bytes.count
    }

    var isAtEnd: Bool { position >= end }

    @inline(__always)
    func peek() -> UInt8? {
        position < end ? bytes[position] : nil
    }

    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        guard position < end, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// How many times `byte` occurs from the cursor to the end, comments and quotes included.
    func count(of byte: UInt8) -> Int {
        guard position < end else { return 0 }
        return bytes.withUnsafeBufferPointer { buffer in
            // From one occurrence to the next by memchr: a few in a hundred bytes or more.
            let window = UnsafeBufferPointer(rebasing: buffer[position..<end])
            var count = 0
            var index = ASCII.index(of: byte, in: window, from: 0)
            while index < window.count {
                count += 1
                index = ASCII.index(of: byte, in: window, from: index + 1)
            }
            return count
        }
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// The text of `range` with ASCII letters lower-cased, made in one pass over the bytes.
    func lowercasedText(_ range: Range<Int>) -> String {
        bytes.withUnsafeBufferPointer { ASCII.lowercasedString(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    mutating func skipWhitespace() {
        while position < end, ASCII.isWhitespace(bytes[position]) { position += 1 }
    }

    /// Skips whitespace and comments, appending each comment's text to `comments`.
    @inline(__always)
    mutating func skipCFWS(into comments: inout [String]) {
        // Most calls stand on a word already: told inline, without the loop.
        if atCFWS { skipCFWSLoop(into: &comments) }
    }

    /// Whether the cursor stands on whitespace or a comment.
    @inline(__always)
    private var atCFWS: Bool {
        guard position < end else { return false }
        let byte = bytes[position]
        return ASCII.isWhitespace(byte) || byte == UInt8(ascii: "(")
    }

    private mutating func skipCFWSLoop(into comments: inout [String]) {
        while position < end {
            let byte = bytes[position]
            if ASCII.isWhitespace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "(") {
                comments.append(readComment())
            } else {
                return
            }
        }
    }

    /// Skips whitespace and comments, dropping the comments.
    @inline(__always)
    mutating func skipCFWS() {
        if atCFWS { skipCFWSLoop() }
    }

    private mutating func skipCFWSLoop() {
        while position < end {
            let byte = bytes[position]
            if ASCII.isWhitespace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "(") {
                _ = scanComment(collecting: false)
            } else {
                return
            }
        }
    }

    /// Reads a comment starting at `(`. Returns its text without the outer parentheses; nested
    /// comments keep theirs, because `(name [ip] (may be forged))` means what it says. Runs of
    /// whitespace become one space (RFC 5322 §3.2.2: FWS in a comment is a single space).
    mutating func readComment() -> String {
        // Most comments are words and single spaces up to the `)`, which are then the text as it
        // stands: no byte to drop or unquote, no space to collapse or trim, no nesting.
        let start = position + 1
        let end = self.end
        // Over the buffer: the closing `)` when the comment is of that kind, else nil.
        let closing = bytes.withUnsafeBufferPointer { bytes -> Int? in
            var index = start
            var afterSpace = true
            while index < end {
                let byte = bytes[index]
                if byte == UInt8(ascii: ")") { return index > start && !afterSpace ? index : nil }
                if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "\\") || byte == 0x09 || byte == 0x0D || byte == 0x0A
                    || (byte == 0x20 && afterSpace)
                {
                    return nil
                }
                afterSpace = byte == 0x20
                index += 1
            }
            return nil
        }
        if let closing {
            position = closing + 1
            return text(start..<closing)
        }
        return String(decoding: scanComment(collecting: true), as: UTF8.self)
    }

    /// Moves past a comment, returning its text when `collecting`.
    private mutating func scanComment(collecting: Bool) -> [UInt8] {
        precondition(peek() == UInt8(ascii: "("))
        position += 1
        var out: [UInt8] = []
        var depth = 1
        var pendingSpace = false
        while position < end {
            var byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\\"), position < end {
                byte = bytes[position]
                position += 1
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return out }
            } else if ASCII.isWhitespace(byte) {
                pendingSpace = true
                continue
            }
            guard collecting else { continue }
            if pendingSpace, !out.isEmpty { out.append(UInt8(ascii: " ")) }
            pendingSpace = false
            out.append(byte)
        }
        problems.append(.unterminatedComment)
        return out
    }

    /// Reads a quoted string starting at `"`, returning its content with quoted-pairs undone.
    mutating func readQuotedString() -> String {
        precondition(peek() == UInt8(ascii: "\""))
        position += 1
        var out: [UInt8] = []
        while position < end {
            var byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\\"), position < end {
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
        while position < end, bytes[position] != close { position += 1 }
        let content = text(start..<position)
        if position < end {
            position += 1
        } else {
            problems.append(.unterminatedLiteral)
        }
        return content
    }

    /// Reads a run of bytes up to whitespace, `(`, `"` or any byte in `stops`; empty when the
    /// cursor already sits on one of them.
    mutating func readRun(until stops: TraceByteSet) -> String {
        text(readRunRange(until: stops))
    }

    /// Like `readRun`, but returns where the run is, for callers that test it before building a String.
    mutating func readRunRange(until stops: TraceByteSet) -> Range<Int> {
        let start = position
        // One set test per byte, over the buffer: this runs for every word of every trace header.
        let ends = stops.union(Self.runEnds)
        position = bytes.withUnsafeBufferPointer { buffer in
            var index = start
            while index < end, !ends.contains(buffer[index]) { index += 1 }
            return index
        }
        return start..<position
    }

    /// What ends every run: whitespace (`ASCII.isWhitespace`), a comment and a quoted string.
    private static let runEnds = TraceByteSet(" \t\r\n(\"")

    /// Moves to the next `byte` outside comments and quoted strings (not consuming it), or to the end.
    mutating func skip(until byte: UInt8) {
        while position < end {
            let current = bytes[position]
            if current == byte { return }
            if current == UInt8(ascii: "(") {
                _ = scanComment(collecting: false)
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
    /// Case-insensitive ASCII comparison.
    static func equals(_ lhs: some StringProtocol, _ rhs: some StringProtocol) -> Bool {
        equals(bytes: lhs.utf8, rhs.utf8)
    }

    /// The same for two Strings, the common case (names looked up in headers and results): unequal
    /// lengths are told at once, and equal ones compared over the bytes the Strings lend.
    static func equals(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        return ASCII.withBytes(of: lhs) { left in ASCII.withBytes(of: rhs) { right in equals(bytes: left, right) } }
    }

    /// Case-insensitive ASCII comparison of UTF-8 bytes.
    static func equals(bytes lhs: some Sequence<UInt8>, _ rhs: some Sequence<UInt8>) -> Bool {
        var left = lhs.makeIterator()
        var right = rhs.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case let (a?, b?):
                if a != b, a | 0x20 != b | 0x20 || !(a | 0x20 >= 0x61 && a | 0x20 <= 0x7A) { return false }
            default: return false
            }
        }
    }

    /// `range` without the whitespace at either end.
    static func trimmedRange<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ range: Range<Int>) -> Range<Int>
    where Bytes.Index == Int {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, ASCII.isWhitespace(bytes[start]) { start += 1 }
        while end > start, ASCII.isWhitespace(bytes[end - 1]) { end -= 1 }
        return start..<end
    }

    /// Splits on ASCII whitespace, dropping empty pieces; works on bytes, not Characters.
    static func words(_ text: String) -> [Substring] {
        text.utf8.split(whereSeparator: ASCII.isWhitespace).map { Substring($0) }
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
