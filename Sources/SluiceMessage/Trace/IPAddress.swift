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
    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Wraps raw network-order bytes; nil unless there are exactly 4 or 16.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: family = .ipv4
        case 16: family = .ipv6
        default: return nil
        }
        self.bytes = bytes
    }

    /// Parses address text; nil when it is not exactly one address.
    public init?(_ text: String) {
        var utf8 = Array(text.utf8)[...]
        if utf8.first == UInt8(ascii: "[") {
            guard utf8.last == UInt8(ascii: "]"), utf8.count >= 2 else { return nil }
            utf8 = utf8.dropFirst().dropLast()
        }
        // RFC 5321 §4.1.3 tags IPv6 address literals with `IPv6:`.
        var tagged = false
        if utf8.count > 5, TraceText.equals(String(decoding: utf8.prefix(5), as: UTF8.self), "IPv6:") {
            utf8 = utf8.dropFirst(5)
            tagged = true
        }
        if !tagged, let v4 = Self.parseIPv4(utf8) {
            self.init(bytes: v4)!
        } else if let v6 = Self.parseIPv6(utf8) {
            self.init(bytes: v6)!
        } else {
            return nil
        }
    }

    /// For `::ffff:a.b.c.d`, the IPv4 address it maps; nil otherwise.
    public var mappedIPv4: IPAddress? {
        guard family == .ipv6, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF
        else { return nil }
        return IPAddress(bytes: Array(bytes[12..<16]))
    }

    public var description: String {
        switch family {
        case .ipv4: return Self.dottedQuad(bytes[0..<4])
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
    private static func parseIPv4(_ utf8: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(4)
        var value = 0
        var digits = 0
        var leadingZero = false
        for byte in utf8 {
            if byte >= 0x30, byte <= 0x39 {
                if leadingZero { return nil }
                if digits == 0, byte == 0x30 { leadingZero = true }
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                if value > 255 { return nil }
            } else if byte == UInt8(ascii: ".") {
                guard digits > 0, out.count < 3 else { return nil }
                out.append(UInt8(value))
                value = 0
                digits = 0
                leadingZero = false
            } else {
                return nil
            }
        }
        guard digits > 0, out.count == 3 else { return nil }
        out.append(UInt8(value))
        return out
    }

    /// RFC 4291 §2.2 text: up to eight hex groups, one `::`, optionally ending in a dotted quad.
    private static func parseIPv6(_ utf8: ArraySlice<UInt8>) -> [UInt8]? {
        guard utf8.count >= 2 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        var index = utf8.startIndex
        let end = utf8.endIndex
        if utf8[index] == UInt8(ascii: ":") {
            guard utf8[index + 1] == UInt8(ascii: ":") else { return nil }
            sawDoubleColon = true
            index += 2
        }
        while index < end {
            // A dotted quad may only close the address.
            var groupEnd = index
            var sawDot = false
            while groupEnd < end, utf8[groupEnd] != UInt8(ascii: ":") {
                if utf8[groupEnd] == UInt8(ascii: ".") { sawDot = true }
                groupEnd += 1
            }
            if sawDot {
                guard groupEnd == end, let v4 = parseIPv4(utf8[index..<end]) else { return nil }
                let groups = [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                if sawDoubleColon { tail += groups } else { head += groups }
                index = end
                break
            }
            let length = groupEnd - index
            guard length >= 1, length <= 4 else { return nil }
            var group: UInt16 = 0
            for byte in utf8[index..<groupEnd] {
                guard let nibble = hexValue(byte) else { return nil }
                group = group << 4 | UInt16(nibble)
            }
            if sawDoubleColon { tail.append(group) } else { head.append(group) }
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
        if sawDoubleColon {
            guard count <= 7 else { return nil }
        } else {
            guard count == 8 else { return nil }
        }
        let groups = head + Array(repeating: 0, count: 8 - count) + tail
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for group in groups {
            out.append(UInt8(group >> 8))
            out.append(UInt8(group & 0xFF))
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    // MARK: - Formatting

    private static func dottedQuad(_ quad: ArraySlice<UInt8>) -> String {
        quad.map { String($0) }.joined(separator: ".")
    }

    /// RFC 5952 §4: lower-case hex without leading zeros, the longest run (first on a tie) of two
    /// or more zero groups as `::`, and §5's mixed notation for IPv4-mapped addresses.
    private var ipv6Text: String {
        if mappedIPv4 != nil { return "::ffff:" + Self.dottedQuad(bytes[12..<16]) }
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        for index in stride(from: 0, to: 16, by: 2) {
            groups.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
        }
        var bestStart = -1
        var bestLength = 0
        var runStart = -1
        for index in 0...8 {
            if index < 8, groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                let length = index - runStart
                if length > bestLength {
                    bestStart = runStart
                    bestLength = length
                }
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var text = ""
        var index = 0
        while index < 8 {
            if index == bestStart {
                text += "::"
                index += bestLength
                continue
            }
            if !text.isEmpty, !text.hasSuffix(":") { text += ":" }
            text += String(groups[index], radix: 16)
            index += 1
        }
        return text
    }
}
