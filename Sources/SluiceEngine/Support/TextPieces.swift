extension String {
    /// `lowercased()`, without making a new string when ASCII text has no capital to lower.
    func lowercasedSharingStorage() -> String {
        allBytes { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) } ? self : lowercased()
    }

    /// Whether every UTF-8 byte passes `test`, read in place where the text lends its bytes: the
    /// generic UTF-8 view is several times slower.
    func allBytes(_ test: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.allSatisfy(test) } ?? utf8.allSatisfy(test)
    }

    /// The last non-empty piece between `separator`s: what `split(separator:).last` gives
    /// (`a@b` → `b`, `a@` → `a`, `@` → nil), without building the pieces.
    func lastComponent(separatedBy separator: Character) -> Substring? {
        // In ASCII text every byte is a character, so an ASCII separator is found as a byte.
        if let byte = separator.asciiValue, utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = utf8
            var end = bytes.endIndex
            while end > bytes.startIndex, bytes[bytes.index(before: end)] == byte { end = bytes.index(before: end) }
            guard end > bytes.startIndex else { return nil }
            let start = bytes[..<end].lastIndex(of: byte).map(bytes.index(after:)) ?? bytes.startIndex
            return self[start..<end]
        }
        var end = endIndex
        while end > startIndex, self[index(before: end)] == separator { end = index(before: end) }
        guard end > startIndex else { return nil }
        let head = self[..<end]
        return head.lastIndex(of: separator).map { head[head.index(after: $0)...] } ?? head
    }
}
