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
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var spaced: [Bool] = []
        var unterminated: [String] = []
        var index = 0
        var sawSpace = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
                sawSpace = true
                index += 1
                continue
            }
            spaced.append(sawSpace)
            sawSpace = false
            switch scalar {
            case " ", "\t", "\r", "\n":
                index += 1
            case "\"":
                var value = String.UnicodeScalarView()
                index += 1
                var closed = false
                while index < scalars.count {
                    let current = scalars[index]
                    if current == "\\" && index + 1 < scalars.count {
                        value.append(scalars[index + 1])
                        index += 2
                        continue
                    }
                    index += 1
                    if current == "\"" { closed = true; break }
                    value.append(current)
                }
                if !closed { unterminated.append("quoted string") }
                tokens.append(.quoted(String(value)))
            case "(":
                var value = String.UnicodeScalarView()
                var depth = 1
                index += 1
                while index < scalars.count && depth > 0 {
                    let current = scalars[index]
                    if current == "\\" && index + 1 < scalars.count {
                        value.append(scalars[index + 1])
                        index += 2
                        continue
                    }
                    index += 1
                    if current == "(" { depth += 1 }
                    if current == ")" { depth -= 1; if depth == 0 { break } }
                    value.append(current)
                }
                if depth > 0 { unterminated.append("comment") }
                tokens.append(.comment(String(value)))
            case "[":
                var value = String.UnicodeScalarView()
                index += 1
                var closed = false
                while index < scalars.count {
                    let current = scalars[index]
                    index += 1
                    if current == "]" { closed = true; break }
                    if current != " " && current != "\t" { value.append(current) }
                }
                if !closed { unterminated.append("domain literal") }
                tokens.append(.domainLiteral(String(value)))
            case "<", ">", "@", ",", ":", ";", ".", "\\", "]", ")":
                tokens.append(.special(scalar))
                index += 1
            default:
                var value = String.UnicodeScalarView()
                while index < scalars.count && isAtext(scalars[index]) {
                    value.append(scalars[index])
                    index += 1
                }
                if value.isEmpty {
                    // A control character or other stray byte: keep it visible as its own atom.
                    value.append(scalars[index])
                    index += 1
                }
                tokens.append(.atom(String(value)))
            }
        }
        return Output(tokens: tokens, spaced: spaced, unterminated: unterminated)
    }
}
