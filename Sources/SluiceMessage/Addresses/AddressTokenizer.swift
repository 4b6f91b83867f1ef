/// Lexical tokens of RFC 5322 structured headers (§3.2): atoms, quoted strings, comments, domain
/// literals and specials. Lenient: an unterminated quote, comment or literal runs to the end of
/// the value and is flagged.
struct AddressTokenizer {
    enum Token: Equatable {
        case atom(String)
        case quoted(String)
        case comment(String)
        case domainLiteral(String)
        case special(Unicode.Scalar)

        /// Anything but a comment.
        var isMeaningful: Bool { if case .comment = self { false } else { true } }
    }

    struct Output {
        var tokens: [Token]
        /// For each token, whether white space stood before it: a display name is rebuilt with
        /// the spacing it was written with (`a@b.example` stays one word).
        var spaced: [Bool]
        var unterminated: [String]
    }

    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value >= 0x80 { return true }  // RFC 6532 UTF-8 in atoms
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        case "!", "#", "$", "%", "&", "'", "*", "+", "-", "/", "=", "?", "^", "_", "`", "{", "|", "}", "~":
            return true
        default: return false
        }
    }

    static func tokenize(_ text: String) -> Output {
        ASCII.withBytes(of: text, tokenize(bytes:))
    }

    /// Works on UTF-8 bytes: every delimiter is ASCII, and every byte of a non-ASCII scalar is
    /// 0x80 or above, so a multi-byte scalar lands where the scalar would, whole.
    private static func tokenize(bytes: UnsafeBufferPointer<UInt8>) -> Output {
        // A token takes a byte or more; half the bytes covers most headers without regrowing.
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 2 + 4)
        var spaced: [Bool] = []
        spaced.reserveCapacity(bytes.count / 2 + 4)
        var unterminated: [String] = []
        var value: [UInt8] = []
        var index = 0
        var sawSpace = false
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
                sawSpace = true
                index += 1
                continue
            }
            spaced.append(sawSpace)
            sawSpace = false
            value.removeAll(keepingCapacity: true)
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                var closed = false
                while index < bytes.count {
                    let current = bytes[index]
                    if current == UInt8(ascii: "\\") && index + 1 < bytes.count {
                        value.append(bytes[index + 1])
                        index += 2
                        continue
                    }
                    index += 1
                    if current == UInt8(ascii: "\"") { closed = true; break }
                    value.append(current)
                }
                if !closed { unterminated.append("quoted string") }
                tokens.append(.quoted(String(decoding: value, as: UTF8.self)))
            case UInt8(ascii: "("):
                var depth = 1
                index += 1
                while index < bytes.count && depth > 0 {
                    let current = bytes[index]
                    if current == UInt8(ascii: "\\") && index + 1 < bytes.count {
                        value.append(bytes[index + 1])
                        index += 2
                        continue
                    }
                    index += 1
                    if current == UInt8(ascii: "(") { depth += 1 }
                    if current == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                    value.append(current)
                }
                if depth > 0 { unterminated.append("comment") }
                tokens.append(.comment(String(decoding: value, as: UTF8.self)))
            case UInt8(ascii: "["):
                index += 1
                var closed = false
                while index < bytes.count {
                    let current = bytes[index]
                    index += 1
                    if current == UInt8(ascii: "]") { closed = true; break }
                    if current != 0x20 && current != 0x09 { value.append(current) }
                }
                if !closed { unterminated.append("domain literal") }
                tokens.append(.domainLiteral(String(decoding: value, as: UTF8.self)))
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"), UInt8(ascii: ","), UInt8(ascii: ":"),
                UInt8(ascii: ";"), UInt8(ascii: "."), UInt8(ascii: "\\"), UInt8(ascii: "]"), UInt8(ascii: ")"):
                tokens.append(.special(Unicode.Scalar(byte)))
                index += 1
            default:
                let start = index
                while index < bytes.count && isAtext(bytes[index]) { index += 1 }
                // A control character or other stray byte (never 0x80 and up): keep it visible as its own atom.
                if index == start { index += 1 }
                tokens.append(.atom(text(start..<index)))
            }
        }
        return Output(tokens: tokens, spaced: spaced, unterminated: unterminated)
    }

    private static func isAtext(_ byte: UInt8) -> Bool {
        byte >= 0x80 || isAtext(Unicode.Scalar(byte))
    }
}
