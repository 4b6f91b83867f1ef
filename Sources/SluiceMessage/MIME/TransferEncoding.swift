/// Content-Transfer-Encoding (RFC 2045 §6), decoded leniently: mail in the wild breaks every rule,
/// and a filter must see what a mail client would show.
public enum TransferEncoding: String, Sendable, Hashable, Codable {
    case sevenBit = "7bit"
    case eightBit = "8bit"
    case binary
    case quotedPrintable = "quoted-printable"
    case base64
    case uuencode

    /// The encoding named by a header value; nil for names Sluice does not know.
    public init?(header value: String) {
        // The reader passes names already trimmed and lower-cased: try them as they are first.
        guard let encoding = Self.named(value) ?? Self.named(ASCII.lowercased(ASCII.trimmed(value))) else { return nil }
        self = encoding
    }

    private static func named(_ name: String) -> TransferEncoding? {
        switch name {
        case "", "7bit": .sevenBit
        case "8bit": .eightBit
        case "binary": .binary
        case "quoted-printable": .quotedPrintable
        case "base64": .base64
        case "x-uuencode", "uuencode", "x-uue", "uue": .uuencode
        default: nil
        }
    }

    /// The decoded bytes, and how many input bytes could not be decoded and were skipped or kept
    /// literally.
    public func decode(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], damaged: Int) {
        switch self {
        case .sevenBit, .eightBit, .binary: (Array(input), 0)
        case .quotedPrintable: Self.decodeQuotedPrintable(input)
        case .base64: Self.decodeBase64(input)
        case .uuencode: Self.decodeUU(input)
        }
    }

    private static let base64Table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        // The URL-safe alphabet turns up in badly generated mail; accept it too.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// RFC 2045 §6.8: characters outside the alphabet are ignored; missing padding is tolerated;
    /// a lone trailing sextet cannot make a byte and is counted as damage.
    ///
    /// `strict` is for RFC 2047 encoded words, which are short and must be exact: there the
    /// leniencies for bodies — the URL-safe alphabet, and data after padding (concatenated
    /// chunks) — count as damage too.
    static func decodeBase64(_ input: ArraySlice<UInt8>, strict: Bool = false) -> (bytes: [UInt8], damaged: Int) {
        var damaged = 0
        // Unsafe buffers: attachments run to tens of megabytes, and bounds checks per byte
        // dominate otherwise (debug builds included).
        let output = input.withUnsafeBufferPointer { source in
            base64Table.withUnsafeBufferPointer { table in
                [UInt8](unsafeUninitializedCapacity: source.count * 3 / 4 + 3) { buffer, count in
                    count = decodeBase64(source, table: table, into: buffer, strict: strict, damaged: &damaged)
                }
            }
        }
        return (output, damaged)
    }

    /// The body of `decodeBase64`, on plain pointers and locals only: reached through the
    /// closures' captures, every byte paid for loads and stores of the decoder's state.
    private static func decodeBase64(
        _ source: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>,
        strict: Bool, damaged: inout Int
    ) -> Int {
        guard let input = source.baseAddress, let table = table.baseAddress, let output = buffer.baseAddress else { return 0 }
        let count = source.count
        var accumulator: UInt32 = 0
        var bits = 0
        var written = 0
        var sawPadding = false
        var invalid = 0
        var index = 0
        while index < count {
            // Four alphabet characters on a byte boundary, the bulk of any body, make three bytes
            // at once; the accumulator's old bits never reach a later byte from there.
            if bits == 0 && !sawPadding && !strict {
                // Wrapping arithmetic: the indices stay within the buffers, so no overflow checks.
                while index &+ 4 <= count {
                    let a = table[Int(input[index])], b = table[Int(input[index &+ 1])]
                    let c = table[Int(input[index &+ 2])], d = table[Int(input[index &+ 3])]
                    guard a | b | c | d < 64 else { break }
                    output[written] = a << 2 | b >> 4
                    output[written &+ 1] = b << 4 | c >> 2
                    output[written &+ 2] = c << 6 | d
                    written &+= 3
                    index &+= 4
                }
                guard index < count else { break }
            }
            let byte = input[index]
            index += 1
            let value = table[Int(byte)]
            if value == 0xFF {
                if byte == UInt8(ascii: "=") {
                    sawPadding = true
                } else if byte != 0x0D && byte != 0x0A && byte != 0x20 && byte != 0x09 {
                    invalid += 1
                }
                continue
            }
            if strict && (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")) {
                invalid += 1
                continue
            }
            if sawPadding {
                // Data after padding: separately encoded chunks were concatenated; restart.
                if strict { invalid += 1 }
                sawPadding = false
                accumulator = 0
                bits = 0
            }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                written += 1
            }
        }
        if bits >= 6 { invalid += 1 }
        damaged = invalid
        return written
    }

    /// RFC 2045 §6.7: `=XX` is a byte, `=` at the end of a line is a soft break, trailing white
    /// space on a line is dropped. A malformed `=` is kept literally, as mail clients do. Line
    /// breaks are kept as they appear in the input.
    static func decodeQuotedPrintable(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], damaged: Int) {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var damaged = 0
        var index = input.startIndex
        let end = input.endIndex
        // Trailing white space is dropped only as far back as the last byte that was written
        // as an escape: `=20` at the end of a line is a space the sender meant.
        var lineOutputStart = 0

        func dropTrailingWhitespace() {
            while output.count > lineOutputStart, output.last == 0x20 || output.last == 0x09 {
                output.removeLast()
            }
        }

        while index < end {
            let byte = input[index]
            if byte == UInt8(ascii: "=") {
                // Soft line break: `=` then optional white space then a line break.
                var after = index + 1
                while after < end && (input[after] == 0x20 || input[after] == 0x09) { after += 1 }
                if after == end {
                    index = after
                    continue
                }
                if input[after] == 0x0A || (input[after] == 0x0D && after + 1 < end && input[after + 1] == 0x0A) {
                    index = input[after] == 0x0A ? after + 1 : after + 2
                    lineOutputStart = output.count
                    continue
                }
                if index + 2 < end, let high = ASCII.hexValue(input[index + 1]), let low = ASCII.hexValue(input[index + 2]) {
                    output.append(high << 4 | low)
                    lineOutputStart = output.count
                    index += 3
                    continue
                }
                damaged += 1
                output.append(byte)
                index += 1
                continue
            }
            if byte == 0x0A {
                let hadCR = output.last == 0x0D
                if hadCR { output.removeLast() }
                dropTrailingWhitespace()
                if hadCR { output.append(0x0D) }
                output.append(0x0A)
                lineOutputStart = output.count
                index += 1
                continue
            }
            output.append(byte)
            index += 1
        }
        dropTrailingWhitespace()
        return (output, damaged)
    }

    /// uuencode (POSIX `uuencode`), as some old mailers still send: `begin MODE NAME`, lines
    /// whose first character gives the byte count, `end`.
    static func decodeUU(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], damaged: Int) {
        var output: [UInt8] = []
        var damaged = 0
        var started = false
        var lineStart = input.startIndex
        while lineStart < input.endIndex {
            var lineEnd = lineStart
            while lineEnd < input.endIndex && input[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > lineStart && input[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = input[lineStart..<contentEnd]
            lineStart = lineEnd + 1
            if !started {
                if line.starts(with: "begin ".utf8) { started = true }
                continue
            }
            if line.elementsEqual("end".utf8) { break }
            guard let first = line.first else { continue }
            let count = Int((first &- 0x20) & 0x3F)
            if count == 0 { continue }
            var values: [UInt8] = line.dropFirst().map { ($0 &- 0x20) & 0x3F }
            let needed = (count + 2) / 3 * 4
            if values.count < needed {
                damaged += needed - values.count
                values += [UInt8](repeating: 0, count: needed - values.count)
            }
            var produced = 0
            var group = 0
            while produced < count {
                let a = values[group], b = values[group + 1], c = values[group + 2], d = values[group + 3]
                let triple = [a << 2 | b >> 4, (b & 0x0F) << 4 | c >> 2, (c & 0x03) << 6 | d]
                for byte in triple where produced < count {
                    output.append(byte)
                    produced += 1
                }
                group += 4
            }
        }
        if !started { damaged += input.count }
        return (output, damaged)
    }
}
