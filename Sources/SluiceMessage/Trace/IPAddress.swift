/// An IPv4 or IPv6 address as found in trace headers. Parsing accepts the header spellings
/// `192.0.2.1`, `2001:db8::1`, `[192.0.2.1]`, `IPv6:2001:db8::1` and `[IPv6:2001:db8::1]`;
/// `description` is the canonical text (dotted quad, or RFC 5952 for IPv6), and the value is
/// Codable as that text.
public struct IPAddress: Sendable, Hashable, Codable, CustomStringConvertible, LosslessStringConvertible {
    public enum Family: String, Sendable, Hashable, Codable {
        case ipv4
        case ipv6
    }

    public let family: Family
    // The address as a 128-bit big-endian number, so a value needs no heap storage; an IPv4
    // address sits in the low 32 bits of `low`.
    private let high: UInt64
    private let low: UInt64

    private init(ipv4: UInt32) {
        family = .ipv4
        high = 0
        low = UInt64(ipv4)
    }

    private init(ipv6 high: UInt64, _ low: UInt64) {
        family = .ipv6
        self.high = high
        self.low = low
    }

    /// Wraps raw network-order bytes; nil unless there are exactly 4 or 16.
    public init?(bytes: [UInt8]) {
        func number(_ slice: ArraySlice<UInt8>) -> UInt64 { slice.reduce(0) { $0 << 8 | UInt64($1) } }
        switch bytes.count {
        case 4: self.init(ipv4: UInt32(number(bytes[0..<4])))
        case 16: self.init(ipv6: number(bytes[0..<8]), number(bytes[8..<16]))
        default: return nil
        }
    }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        // Copied straight out of the big-endian words: address matching asks for these often.
        switch family {
        case .ipv4: withUnsafeBytes(of: UInt32(truncatingIfNeeded: low).bigEndian) { Array($0) }
        case .ipv6: withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { Array($0) }
        }
    }

    /// Parses address text; nil when it is not exactly one address.
    public init?(_ text: String) {
        // Refused before the bytes are lent: callers probe many words that are not addresses.
        guard Self.mayBeAddress(text.utf8), let address = ASCII.withBytes(of: text, { Self.parse($0[...]) }) else {
            return nil
        }
        self = address
    }

    /// The cheap refusals: the longest spelling is `[IPv6:` + 45 + `]`, and an address starts
    /// with `[`, `:`, a hex digit or the `i` of `IPv6:`.
    private static func mayBeAddress(_ text: some Collection<UInt8>) -> Bool {
        guard let first = text.first, text.count <= 52 else { return false }
        return first == UInt8(ascii: "[") || first == UInt8(ascii: ":") || first | 0x20 == UInt8(ascii: "i")
            || ASCII.hexValue(first) != nil
    }

    /// Parses address text given as UTF-8 bytes.
    init?(utf8 text: Slice<UnsafeBufferPointer<UInt8>>) {
        guard let address = Self.parse(text) else { return nil }
        self = address
    }

    /// Works on the bytes the text lends: copying them out would cost more than the parse.
    private static func parse(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> IPAddress? {
        guard mayBeAddress(text), let first = text.first else { return nil }
        var utf8 = text
        if first == UInt8(ascii: "[") {
            guard utf8.last == UInt8(ascii: "]"), utf8.count >= 2 else { return nil }
            utf8 = utf8.dropFirst().dropLast()
        }
        // RFC 5321 §4.1.3 tags IPv6 address literals with `IPv6:`.
        var tagged = false
        if utf8.count > 5, TraceText.equals(bytes: utf8.prefix(5), "IPv6:".utf8) {
            utf8 = utf8.dropFirst(5)
            tagged = true
        }
        if !tagged, let v4 = parseIPv4(utf8) {
            return IPAddress(ipv4: v4)
        } else if let (high, low) = parseIPv6(utf8) {
            return IPAddress(ipv6: high, low)
        } else {
            return nil
        }
    }

    /// For `::ffff:a.b.c.d`, the IPv4 address it maps; nil otherwise.
    public var mappedIPv4: IPAddress? {
        guard family == .ipv6, high == 0, low >> 32 == 0xFFFF else { return nil }
        return IPAddress(ipv4: UInt32(truncatingIfNeeded: low))
    }

    public var description: String {
        switch family {
        case .ipv4: return Self.dottedQuad(UInt32(truncatingIfNeeded: low))
        case .ipv6: return ipv6Text
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = IPAddress(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "`\(text)` is not an IP address")
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: - Parsing

    /// Strict dotted quad: four decimal parts 0...255 without leading zeros, which some stacks
    /// read as octal.
    private static func parseIPv4(_ utf8: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var address: UInt32 = 0
        var parts = 0
        var value: UInt32 = 0
        var digits = 0
        for byte in utf8 {
            if byte >= 0x30, byte <= 0x39 {
                if digits == 1, value == 0 { return nil }
                value = value * 10 + UInt32(byte - 0x30)
                digits += 1
                if value > 255 { return nil }
            } else if byte == UInt8(ascii: "."), digits > 0, parts < 3 {
                address = address << 8 | value
                parts += 1
                value = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return address << 8 | value
    }

    /// RFC 4291 §2.2 text: up to eight hex groups, one `::`, optionally ending in a dotted quad.
    /// Groups before the `::` collect in `head`, those after in `tail`; the gap is zeros.
    private static func parseIPv6(_ utf8: Slice<UnsafeBufferPointer<UInt8>>) -> (UInt64, UInt64)? {
        guard utf8.count >= 2 else { return nil }
        var head = (high: UInt64(0), low: UInt64(0), count: 0)
        var tail = (high: UInt64(0), low: UInt64(0), count: 0)
        var sawDoubleColon = false
        var index = utf8.startIndex
        let end = utf8.endIndex

        func push(_ group: UInt64, bits: Int) {
            if sawDoubleColon {
                (tail.high, tail.low) = shiftLeft(tail.high, tail.low, by: bits)
                tail.low |= group
                tail.count += bits / 16
            } else {
                (head.high, head.low) = shiftLeft(head.high, head.low, by: bits)
                head.low |= group
                head.count += bits / 16
            }
        }

        if utf8[index] == UInt8(ascii: ":") {
            guard utf8[index + 1] == UInt8(ascii: ":") else { return nil }
            sawDoubleColon = true
            index += 2
        }
        while index < end {
            var groupEnd = index
            var sawDot = false
            while groupEnd < end, utf8[groupEnd] != UInt8(ascii: ":") {
                if utf8[groupEnd] == UInt8(ascii: ".") { sawDot = true }
                groupEnd += 1
            }
            if sawDot {
                // A dotted quad may only close the address.
                guard groupEnd == end, let v4 = parseIPv4(utf8[index..<end]) else { return nil }
                push(UInt64(v4), bits: 32)
                break
            }
            let length = groupEnd - index
            guard length >= 1, length <= 4 else { return nil }
            var group: UInt64 = 0
            for byte in utf8[index..<groupEnd] {
                guard let nibble = ASCII.hexValue(byte) else { return nil }
                group = group << 4 | UInt64(nibble)
            }
            push(group, bits: 16)
            index = groupEnd
            guard index < end else { break }
            // On a colon: `::` starts the compressed run (once), a lone colon must be followed by a group.
            index += 1
            if index < end, utf8[index] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return nil }
                sawDoubleColon = true
                index += 1
            } else if index == end {
                return nil
            }
        }
        let count = head.count + tail.count
        guard sawDoubleColon ? count <= 7 : count == 8 else { return nil }
        let (high, low) = shiftLeft(head.high, head.low, by: 16 * (8 - head.count))
        return (high | tail.high, low | tail.low)
    }

    /// Shifts the 128-bit number `high:low` left.
    private static func shiftLeft(_ high: UInt64, _ low: UInt64, by bits: Int) -> (UInt64, UInt64) {
        switch bits {
        case 0: (high, low)
        case 1..<64: (high << UInt64(bits) | low >> UInt64(64 - bits), low << UInt64(bits))
        case 64..<128: (low << UInt64(bits - 64), 0)
        default: (0, 0)
        }
    }

    // MARK: - Formatting

    private static func dottedQuad(_ address: UInt32) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(15)
        for shift in stride(from: 24, through: 0, by: -8) {
            let part = UInt8(truncatingIfNeeded: address >> UInt32(shift))
            if part >= 100 { out.append(0x30 + part / 100) }
            if part >= 10 { out.append(0x30 + part / 10 % 10) }
            out.append(0x30 + part % 10)
            if shift > 0 { out.append(UInt8(ascii: ".")) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func group(_ index: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> UInt64(48 - 16 * (index % 4)))
    }

    /// RFC 5952 §4: lower-case hex without leading zeros, the longest run (first on a tie) of two
    /// or more zero groups as `::`, and §5's mixed notation for IPv4-mapped addresses.
    private var ipv6Text: String {
        if mappedIPv4 != nil { return "::ffff:" + Self.dottedQuad(UInt32(truncatingIfNeeded: low)) }
        var bestStart = -1
        var bestLength = 1
        var runStart = -1
        for index in 0...8 {
            if index < 8, group(index) == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength {
                    bestStart = runStart
                    bestLength = index - runStart
                }
                runStart = -1
            }
        }
        let hexDigits: StaticString = "0123456789abcdef"
        var out: [UInt8] = []
        out.reserveCapacity(39)
        var index = 0
        while index < 8 {
            if index == bestStart {
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: ":"))
                index += bestLength
                continue
            }
            if let last = out.last, last != UInt8(ascii: ":") { out.append(UInt8(ascii: ":")) }
            let value = group(index)
            var shift = 12
            while shift > 0, value >> UInt16(shift) == 0 { shift -= 4 }
            while shift >= 0 {
                out.append(hexDigits.utf8Start[Int(value >> UInt16(shift) & 0xF)])
                shift -= 4
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
