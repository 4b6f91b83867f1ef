import SluiceDiagnostics

/// Splits policy text into tokens (grammar/sluice.ebnf, "lexical"). Never fails: a broken token
/// is reported and read as far as it goes, so the parser still sees the rest of the file.
public struct Lexer {
    public let source: SourceFile
    private let text: Substring
    private let bytes: [UInt8]
    public private(set) var diagnostics: [Diagnostic] = []

    public init(source: SourceFile) {
        self.source = source
        text = source.text[...]
        bytes = source.bytes
    }

    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let start = index
            switch byte {
            case 0x20, 0x09, 0x0D:
                index += 1
            case 0x0A:
                index += 1
                tokens.append(token(.newline, start, index))
            case UInt8(ascii: "#"):
                while index < bytes.count && bytes[index] != 0x0A { index += 1 }
                // A final `\r` is not part of the comment: before `\n` it belongs to the line
                // break, and at the end of the file it is what is left of one.
                let end = bytes[index - 1] == 0x0D ? index - 1 : index
                tokens.append(token(.comment, start, end))
            case UInt8(ascii: "\""):
                tokens.append(lexString(&index))
            case UInt8(ascii: "/"):
                tokens.append(lexRegex(&index))
            case UInt8(ascii: "{"): index += 1; tokens.append(token(.leftBrace, start, index))
            case UInt8(ascii: "}"): index += 1; tokens.append(token(.rightBrace, start, index))
            case UInt8(ascii: "("): index += 1; tokens.append(token(.leftParen, start, index))
            case UInt8(ascii: ")"): index += 1; tokens.append(token(.rightParen, start, index))
            case UInt8(ascii: ","): index += 1; tokens.append(token(.comma, start, index))
            case UInt8(ascii: ";"): index += 1; tokens.append(token(.semicolon, start, index))
            case 0x00..<0x20, 0x7F:
                index += 1
                diagnostics.append(Diagnostic(
                    "syntax.control-character", .error,
                    "control character U+\(String(byte, radix: 16, uppercase: true)) is not allowed here",
                    at: .source(source.span(start..<index)),
                    help: "remove it; only spaces, tabs and line breaks separate words"))
            default:
                while index < bytes.count && Self.isWordByte(bytes[index]) { index += 1 }
                tokens.append(token(.word, start, index))
            }
        }
        tokens.append(token(.end, bytes.count, bytes.count))
        return tokens
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00...0x20, 0x7F, UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\""):
            false
        default: true
        }
    }

    private func token(_ kind: Token.Kind, _ start: Int, _ end: Int, value: String? = nil, flags: String? = nil) -> Token {
        Token(kind: kind, text: slice(start, end), range: start..<end, value: value, flags: flags)
    }

    private func slice(_ start: Int, _ end: Int) -> Substring {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: start)
        let upper = utf8.index(lower, offsetBy: end - start)
        return text[lower..<upper]
    }

    private mutating func lexString(_ index: inout Int) -> Token {
        let start = index
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { break }
            if byte == UInt8(ascii: "\\") && index + 1 < bytes.count && bytes[index + 1] != 0x0A {
                let escaped = bytes[index + 1]
                switch escaped {
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): value.append(escaped)
                default:
                    diagnostics.append(Diagnostic(
                        "syntax.unknown-escape", .warning,
                        "unknown escape `\\\(String(decoding: [escaped], as: UTF8.self))` in string; kept as written",
                        at: .source(source.span(index..<index + 2)),
                        help: "strings know `\\\"`, `\\\\`, `\\n` and `\\t`"))
                    value += [UInt8(ascii: "\\"), escaped]
                }
                index += 2
                continue
            }
            index += 1
            if byte == UInt8(ascii: "\"") {
                return token(.string, start, index, value: String(decoding: value, as: UTF8.self))
            }
            value.append(byte)
        }
        diagnostics.append(Diagnostic(
            "syntax.unterminated-string", .error, "string is not closed before the end of the line",
            at: .source(source.span(start..<index)), help: "close it with `\"`"))
        return token(.string, start, index, value: String(decoding: value, as: UTF8.self))
    }

    private mutating func lexRegex(_ index: inout Int) -> Token {
        let start = index
        index += 1
        while index < bytes.count && bytes[index] != 0x0A {
            if bytes[index] == UInt8(ascii: "\\") && index + 1 < bytes.count && bytes[index + 1] != 0x0A {
                index += 2
                continue
            }
            if bytes[index] == UInt8(ascii: "/") { break }
            index += 1
        }
        guard index < bytes.count && bytes[index] == UInt8(ascii: "/") else {
            diagnostics.append(Diagnostic(
                "syntax.unterminated-regex", .error, "regular expression is not closed before the end of the line",
                at: .source(source.span(start..<index)), help: "close it with `/`, then any flags (`/invoice/i`)"))
            return token(.regex, start, index, value: String(decoding: bytes[(start + 1)..<index], as: UTF8.self), flags: "")
        }
        let patternEnd = index
        index += 1
        let flagsStart = index
        while index < bytes.count && Self.isWordByte(bytes[index]) { index += 1 }
        return token(
            .regex, start, index, value: String(decoding: bytes[(start + 1)..<patternEnd], as: UTF8.self),
            flags: String(decoding: bytes[flagsStart..<index], as: UTF8.self))
    }
}
