#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ASCII byte and text helpers shared by every reader in this module: header syntax is ASCII,
/// so these never need Unicode tables, and UTF-8 bytes (0x80 and up) pass through untouched.
enum ASCII {
    /// Space, tab and stray CR/LF: unfolding leaves the WSP, and some producers leave bare line ends.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// The value of a hex digit in either case (`=3D`, `%2F`, IPv6 groups).
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// Lower-cases ASCII letters only, without allocating when there is nothing to change.
    static func lowercased(_ text: some StringProtocol) -> String {
        var text = String(text)
        // Through a buffer: iterating a generic UTF-8 view byte by byte is several times slower.
        let lowered = text.withUTF8 { bytes -> String? in
            guard bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
            return lowercasedString(bytes)
        }
        return lowered ?? text
    }

    /// The text of `bytes` with ASCII letters lower-cased, made in one pass; other bytes pass
    /// through as they are.
    static func lowercasedString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for index in 0..<bytes.count {
                let byte = bytes[index]
                buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
            return bytes.count
        }
    }

    /// The text without ASCII white space at either end.
    static func trimmed(_ text: some StringProtocol) -> String {
        func trim(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
            var start = 0, end = bytes.count
            while start < end && isWhitespace(bytes[start]) { start += 1 }
            while end > start && isWhitespace(bytes[end - 1]) { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        // Native strings (all of them on Linux) lend their bytes; others are copied first.
        return text.utf8.withContiguousStorageIfAvailable(trim) ?? withBytes(of: String(text), trim)
    }

    /// Unicode lower case, by bytes when the text is ASCII (the same result, without the tables).
    static func unicodeLowercased(_ text: String) -> String {
        isASCII(text) ? lowercased(text) : text.lowercased()
    }

    static func isASCII(_ text: some StringProtocol) -> Bool {
        // Through a buffer where the text lends one: the generic UTF-8 view is several times slower.
        text.utf8.withContiguousStorageIfAvailable { isASCII($0) } ?? text.utf8.allSatisfy { $0 < 0x80 }
    }

    /// `text.hasPrefix(prefix)` for an ASCII prefix, by bytes when the text is ASCII: each byte is
    /// then a Character (CR LF aside, which no caller's prefix ends in). Other text keeps Unicode
    /// comparison.
    static func hasPrefix(_ text: String, _ prefix: StaticString) -> Bool {
        let wanted = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        let byBytes = withBytes(of: text) { bytes -> Bool? in
            guard isASCII(bytes) else { return nil }
            guard bytes.count >= wanted.count, let base = bytes.baseAddress, let start = wanted.baseAddress else {
                return wanted.isEmpty
            }
            return memcmp(base, start, wanted.count) == 0
        }
        return byBytes ?? text.hasPrefix(String(decoding: wanted, as: UTF8.self))
    }

    /// Runs `body` on the text's UTF-8 bytes, without copying a native string.
    static func withBytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var text = text
        return text.withUTF8(body)
    }

    /// The index of the first `byte` at or after `start`, or `bytes.count` (memchr: vectorised).
    static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, Int32(byte), bytes.count - start)
        else { return bytes.count }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Whether the text holds this byte, looked for in the bytes the text lends (memchr).
    static func contains(_ byte: UInt8, in text: String) -> Bool {
        withBytes(of: text) { index(of: byte, in: $0, from: 0) < $0.count }
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var bits: UInt8 = 0
        for byte in bytes { bits |= byte }
        return bits < 0x80
    }
}
