import SluiceDiagnostics

/// RFC 2047 encoded words (`=?charset[*lang]?B|Q?text?=`) in unstructured header text.
public enum EncodedWords {
    /// Decodes the encoded words in an unstructured value: Subject, Comments, or a display name or
    /// quoted parameter value once its quoting has been removed.
    ///
    /// - Adjacent encoded words separated only by whitespace join without it (RFC 2047 §6.2). The bytes
    ///   of adjacent words in the same charset are joined before charset decoding, so a character split
    ///   across two words still decodes.
    /// - Q: `_` is a space and `=XX` a byte (hex digits in either case). B: base64, padding optional.
    /// - The RFC 2231 language suffix (`=?utf-8*en?Q?...?=`) is accepted and ignored.
    /// - Leniency, as mail clients do it: encoded words touching other text (`foo=?utf-8?q?bar?=`) are
    ///   decoded; whitespace inside Q text (Outlook) is kept as literal spaces, inside B text ignored,
    ///   and CR and LF are dropped, so a word folded in the middle still decodes; the 75-character
    ///   limit is not enforced.
    /// - Something shaped like an encoded word (`=?charset?X?`) that does not decode is left as it
    ///   is and reported (`encoded-word.malformed`, `encoded-word.bad-base64`,
    ///   `encoded-word.bad-q-encoding`). Other `=?` sequences are ordinary text.
    /// - An unknown charset decodes as UTF-8 where valid, else windows-1252, and reports
    ///   `encoded-word.unknown-charset`.
    /// - Raw non-ASCII input (RFC 6532 UTF-8 headers) passes through unchanged.
    public static func decode(_ value: String) -> DecodedText {
        var value = value
        let decoded = value.withUTF8 { bytes -> DecodedText? in
            guard containsWordStart(bytes) else { return nil }
            var decoder = Decoder(input: bytes)
            decoder.run()
            return DecodedText(text: String(decoding: decoder.output, as: UTF8.self), problems: decoder.problems)
        }
        // Most header values hold no encoded word; hand those back without copying.
        return decoded ?? DecodedText(text: value)
    }

    private static func containsWordStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 2 else { return false }
        for index in 0..<(bytes.count - 1) where bytes[index] == equals && bytes[index + 1] == question {
            return true
        }
        return false
    }

    private static let equals = UInt8(ascii: "=")
    private static let question = UInt8(ascii: "?")

    /// The result of looking for an encoded word at one `=?`.
    private enum Scan {
        /// Not shaped like an encoded word: ordinary text.
        case text
        case malformed(Diagnostic)
        case word(label: String, payload: [UInt8], end: Int)
    }

    private struct Run {
        var label: String
        var charset: Charset?
        var bytes: [UInt8]

        func continues(with label: String, _ charset: Charset?) -> Bool {
            if let charset, let mine = self.charset { return charset == mine }
            return self.charset == nil && charset == nil
                && ASCII.lowercased(label) == ASCII.lowercased(self.label)
        }
    }

    private struct Decoder {
        let input: UnsafeBufferPointer<UInt8>
        var output: [UInt8] = []
        var problems: [Diagnostic] = []
        /// Decoded bytes of the current group of adjacent same-charset words, not yet charset-decoded.
        var pending: Run?
        /// Start of the input not yet copied to `output`.
        var copied = 0

        init(input: UnsafeBufferPointer<UInt8>) {
            self.input = input
            output.reserveCapacity(input.count)
        }

        mutating func run() {
            var index = 0
            while index + 1 < input.count {
                guard input[index] == EncodedWords.equals, input[index + 1] == EncodedWords.question else {
                    index += 1
                    continue
                }
                switch scan(at: index) {
                case .text:
                    index += 1
                case .malformed(let problem):
                    // Skip only the `=?` so that a well-formed word starting inside this one is still found.
                    problems.append(problem)
                    index += 2
                case .word(let label, let payload, let end):
                    accept(label: label, payload: payload, start: index)
                    copied = end
                    index = end
                }
            }
            flushRun()
            output.append(contentsOf: input[copied...])
        }

        private mutating func accept(label: String, payload: [UInt8], start: Int) {
            let charset = Charset(label: label)
            // RFC 2047 §6.2: whitespace between two encoded words is not displayed.
            let joinsPrevious = pending != nil && input[copied..<start].allSatisfy(ASCII.isWhitespace)
            if joinsPrevious, pending?.continues(with: label, charset) == true {
                pending?.bytes.append(contentsOf: payload)
                return
            }
            flushRun()
            if !joinsPrevious { output.append(contentsOf: input[copied..<start]) }
            if charset == nil {
                problems.append(
                    Diagnostic(
                        "encoded-word.unknown-charset", .warning,
                        "unknown charset `\(MIMEBytes.excerpt(label.utf8))` in encoded word",
                        notes: ["decoded as utf-8 where valid, otherwise as windows-1252"]))
            }
            pending = Run(label: label, charset: charset, bytes: payload)
        }

        private mutating func flushRun() {
            guard let run = pending else { return }
            let decoded = (run.charset ?? .unknown8Bit).decode(run.bytes)
            output.append(contentsOf: decoded.text.utf8)
            problems.append(contentsOf: decoded.problems)
            pending = nil
        }

        private func scan(at start: Int) -> Scan {
            var index = start + 2
            while index < input.count, isCharsetByte(input[index]) { index += 1 }
            guard index < input.count, input[index] == EncodedWords.question, index > start + 2,
                index + 2 < input.count, input[index + 2] == EncodedWords.question
            else { return .text }
            let labelBytes = input[(start + 2)..<index]
            let encoding = input[index + 1] | 0x20
            let textStart = index + 3
            guard encoding >= UInt8(ascii: "a"), encoding <= UInt8(ascii: "z") else { return .text }

            var textEnd = textStart
            while textEnd < input.count, input[textEnd] != EncodedWords.question { textEnd += 1 }
            let terminated = textEnd + 1 < input.count && input[textEnd + 1] == EncodedWords.equals
            let end = terminated ? textEnd + 2 : textEnd
            // Only failures quote the word, so build the quotation only for them.
            var literal: String { MIMEBytes.excerpt(input[start..<end]) }
            guard terminated else {
                return .malformed(
                    Diagnostic("encoded-word.malformed", .warning, "unterminated encoded word `\(literal)`"))
            }

            // RFC 2231 §5: `charset*language`; the language is not needed to decode.
            let charsetBytes = labelBytes.prefix { $0 != UInt8(ascii: "*") }
            guard !charsetBytes.isEmpty else {
                return .malformed(
                    Diagnostic("encoded-word.malformed", .warning, "encoded word `\(literal)` names no charset"))
            }
            let text = input[textStart..<textEnd]
            let payload: [UInt8]
            switch encoding {
            case UInt8(ascii: "b"):
                let decoded = TransferEncoding.decodeBase64(ArraySlice(text), strict: true)
                guard decoded.damaged == 0 else {
                    return .malformed(
                        Diagnostic("encoded-word.bad-base64", .warning, "invalid base64 in encoded word `\(literal)`"))
                }
                payload = decoded.bytes
            case UInt8(ascii: "q"):
                guard let decoded = decodeQ(text) else {
                    return .malformed(
                        Diagnostic(
                            "encoded-word.bad-q-encoding", .warning,
                            "invalid `=` escape in encoded word `\(literal)`"))
                }
                payload = decoded
            default:
                return .malformed(
                    Diagnostic(
                        "encoded-word.malformed", .warning,
                        "encoded word `\(literal)` has unknown encoding `\(Character(Unicode.Scalar(input[index + 1])))`",
                        help: "only `B` (base64) and `Q` are defined"))
            }
            return .word(label: String(decoding: charsetBytes, as: UTF8.self), payload: payload, end: end)
        }

        private func decodeQ(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8]? {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.count)
            var index = text.startIndex
            while index < text.endIndex {
                let byte = text[index]
                switch byte {
                case UInt8(ascii: "_"):
                    bytes.append(0x20)
                case EncodedWords.equals:
                    guard index + 2 < text.endIndex, let high = ASCII.hexValue(text[index + 1]),
                        let low = ASCII.hexValue(text[index + 2])
                    else { return nil }
                    bytes.append(high << 4 | low)
                    index += 2
                case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    break
                default:
                    bytes.append(byte)
                }
                index += 1
            }
            return bytes
        }
    }

    private static func isCharsetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "?"), UInt8(ascii: "="), UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "/"), UInt8(ascii: "\\"):
            false
        case 0x21...0x7E:
            true
        default:
            false
        }
    }
}

/// Byte-level helpers shared by the header decoders.
enum MIMEBytes {
    /// Quotable text for a diagnostic message: long input is cut, so one bad header cannot make a huge report.
    static func excerpt(_ bytes: some Collection<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.count > 80 && text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}
