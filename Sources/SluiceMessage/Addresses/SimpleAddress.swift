/// The shapes nearly every address header has, read straight from the bytes: `local@domain`,
/// `<local@domain>`, `Name <local@domain>` and `"Name" <local@domain>`, one mailbox and nothing
/// else. The mailbox is the one the general parser makes of them, with no problem to report; on
/// anything else (comments, escapes, encoded words, lists, groups, routes, literals, non-ASCII
/// addresses, stray specials) this is nil and the general parser reads the value.
enum SimpleAddress {
    static func mailbox(_ value: String) -> Mailbox? {
        ASCII.withBytes(of: value) { bytes in
            guard let last = bytes.last else { return nil }
            guard last == UInt8(ascii: ">") else { return addrSpec(bytes).map { Mailbox(localPart: $0, domain: $1) } }
            let open = ASCII.index(of: UInt8(ascii: "<"), in: bytes, from: 0)
            guard open < bytes.count,
                let (local, domain) = addrSpec(UnsafeBufferPointer(rebasing: bytes[(open + 1)..<(bytes.count - 1)])),
                let name = displayName(UnsafeBufferPointer(rebasing: bytes[..<open]))
            else { return nil }
            return Mailbox(displayName: name.isEmpty ? nil : name, localPart: local, domain: domain)
        }
    }

    /// ASCII atext (RFC 5322 §3.2.3, as `AddressTokenizer.isAtext` has it) and the dot.
    private static let atextOrDot = TraceByteSet(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.")

    /// `local@domain` of ASCII atext and dots, both sides non-empty: the local part as written, the
    /// domain lower-cased. Nil for anything else.
    private static func addrSpec(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, String)? {
        var at: Int?
        for index in 0..<bytes.count where !atextOrDot.contains(bytes[index]) {
            guard bytes[index] == UInt8(ascii: "@"), at == nil else { return nil }
            at = index
        }
        guard let at, at > 0, at + 1 < bytes.count else { return nil }
        let local = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<at]), as: UTF8.self)
        return (local, ASCII.lowercasedString(UnsafeBufferPointer(rebasing: bytes[(at + 1)...])))
    }

    /// The display name before `<`: nothing, one quoted string without escapes, or words (atext
    /// and dots) with white space between, which the general parser joins with single spaces.
    /// Empty when there is none; nil for anything else, encoded words included.
    private static func displayName(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        let name = UnsafeBufferPointer(rebasing: bytes[..<end])
        guard let first = name.first else { return "" }
        // Leading white space (never in a trimmed field value) would need the parser's trimming.
        guard first != 0x20 && first != 0x09 else { return nil }
        if first == UInt8(ascii: "\"") {
            guard name.count >= 2, name[name.count - 1] == UInt8(ascii: "\"") else { return nil }
            let inner = UnsafeBufferPointer(rebasing: name[1..<(name.count - 1)])
            for index in 0..<inner.count {
                let byte = inner[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return nil }
                if byte == UInt8(ascii: "=") && index + 1 < inner.count && inner[index + 1] == UInt8(ascii: "?") { return nil }
            }
            // The quoted text as written, trimmed as the general parser trims a phrase.
            return ASCII.trimmed(String(decoding: inner, as: UTF8.self))
        }
        var collapse = false
        for index in 0..<name.count {
            let byte = name[index]
            if byte == 0x20 || byte == 0x09 {
                if byte == 0x09 || name[index - 1] == 0x20 || name[index - 1] == 0x09 { collapse = true }
            } else if byte == UInt8(ascii: "=") {
                if index + 1 < name.count && name[index + 1] == UInt8(ascii: "?") { return nil }
            } else if byte < 0x80 && !atextOrDot.contains(byte) {
                return nil
            }
        }
        guard collapse else { return String(decoding: name, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: name.count) { buffer in
            var count = 0
            for index in 0..<name.count {
                let byte = name[index]
                if byte == 0x20 || byte == 0x09 {
                    if buffer[count - 1] != 0x20 {
                        buffer[count] = 0x20
                        count += 1
                    }
                } else {
                    buffer[count] = byte
                    count += 1
                }
            }
            return count
        }
    }
}
