/// Finds URLs in decoded text and HTML: links a reader could follow (`http`, `https`, `ftp`,
/// scheme-less `www.` hosts) and the `href`/`src`/`action`/`background` attributes of HTML,
/// with HTML entities decoded so `h&#116;tp://` obfuscation does not hide a link.
enum URLExtractor {
    static func urls(inText text: String) -> [String] {
        scanBareURLs(Array(text.utf8))
    }

    static func urls(inHTML html: String) -> [String] {
        var found = scanAttributes(Array(html.utf8))
        // Text is scanned as a reader sees it: `&lt;http://a.example/&gt;` ends before `&gt;`.
        found += scanBareURLs(Array(HTMLEntities.decode(html).utf8))
        return found
    }

    private static let http = Array("http://".utf8), https = Array("https://".utf8), ftp = Array("ftp://".utf8), www = Array("www.".utf8)

    /// The length of the link prefix (`http://`, `https://`, `ftp://`, `www.`) at `index` (an
    /// `h`, `f` or `w`), if any: dispatched on that letter, since every such byte comes here.
    private static func schemeLength(_ bytes: [UInt8], at index: Int) -> Int? {
        switch lower(bytes[index]) {
        case UInt8(ascii: "h"):
            if matches(bytes, at: index, http) { return http.count }
            return matches(bytes, at: index, https) ? https.count : nil
        case UInt8(ascii: "f"): return matches(bytes, at: index, ftp) ? ftp.count : nil
        default: return matches(bytes, at: index, www) ? www.count : nil
        }
    }

    private static func isStop(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00...0x20, 0x22, 0x27, 0x3C, 0x3E, 0x60, 0x7F: true  // controls, space, " ' < > `
        default: false
        }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    private static func matches(_ bytes: [UInt8], at index: Int, _ prefix: [UInt8]) -> Bool {
        guard index + prefix.count <= bytes.count else { return false }
        for offset in 0..<prefix.count where lower(bytes[index + offset]) != prefix[offset] {
            return false
        }
        return true
    }

    /// The index of the next `h`, `f` or `w` in either case at or after `start` (`bytes.count`
    /// when there is none): the bytes a link can start with, looked for without bounds checks
    /// since every byte of every text part goes through here.
    private static func nextLinkLetter(_ bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var index = start
            while index < buffer.count {
                // Only `H`/`h` give `h` when 0x20 is set, and likewise for `f` and `w`.
                let folded = buffer[index] | 0x20
                if folded == UInt8(ascii: "h") || folded == UInt8(ascii: "f") || folded == UInt8(ascii: "w") { return index }
                index += 1
            }
            return index
        }
    }

    private static func scanBareURLs(_ bytes: [UInt8]) -> [String] {
        var results: [String] = []
        var index = 0
        while index < bytes.count {
            index = nextLinkLetter(bytes, from: index)
            guard index < bytes.count else { break }
            // A link starts at a word boundary, so `xhttp://` or `awww.` are not links; nor is the
            // tail of a host name or mail address (`mail.www.a.example`, `me@www.a.example`).
            if index > 0 {
                let before = bytes[index - 1]
                let isWordByte = (before >= 0x30 && before <= 0x39) || (lower(before) >= 0x61 && lower(before) <= 0x7A)
                    || before == UInt8(ascii: ".") || before == UInt8(ascii: "-") || before == UInt8(ascii: "@")
                if isWordByte {
                    index += 1
                    continue
                }
            }
            guard let schemeLength = schemeLength(bytes, at: index) else {
                index += 1
                continue
            }
            var end = index + schemeLength
            while end < bytes.count && !isStop(bytes[end]) {
                // A no-break space (UTF-8 C2 A0, `&nbsp;` in HTML) separates words as a space does.
                if bytes[end] == 0xC2 && end + 1 < bytes.count && bytes[end + 1] == 0xA0 { break }
                end += 1
            }
            let candidate = trimTrailing(bytes[index..<end])
            index = end
            guard candidate.count > schemeLength else { continue }
            results.append(String(decoding: candidate, as: UTF8.self))
        }
        return results
    }

    /// Trailing punctuation ends a sentence, not a URL; a closing bracket counts only when the URL
    /// opened one (`(see http://x.example/a_(b))`).
    private static func trimTrailing(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = slice
        while let last = slice.last {
            switch last {
            case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"),
                UInt8(ascii: "!"), UInt8(ascii: "?"):
                slice.removeLast()
            case UInt8(ascii: ")"):
                let opens = slice.filter { $0 == UInt8(ascii: "(") }.count
                let closes = slice.filter { $0 == UInt8(ascii: ")") }.count
                if closes > opens { slice.removeLast() } else { return slice }
            case UInt8(ascii: "]"):
                let opens = slice.filter { $0 == UInt8(ascii: "[") }.count
                let closes = slice.filter { $0 == UInt8(ascii: "]") }.count
                if closes > opens { slice.removeLast() } else { return slice }
            default:
                return slice
            }
        }
        return slice
    }

    private static let attributes: [[UInt8]] = ["href", "src", "action", "background"].map { Array($0.utf8) }

    private static func scanAttributes(_ bytes: [UInt8]) -> [String] {
        var results: [String] = []
        var index = 0
        while index < bytes.count {
            let before = index > 0 ? bytes[index - 1] : 0x20
            guard before == 0x20 || before == 0x09 || before == 0x0A || before == 0x0D || before == 0x2F || before == 0x22 || before == 0x27,
                let name = attributes.first(where: { matches(bytes, at: index, $0) })
            else {
                index += 1
                continue
            }
            var cursor = index + name.count
            while cursor < bytes.count && (bytes[cursor] == 0x20 || bytes[cursor] == 0x09 || bytes[cursor] == 0x0A || bytes[cursor] == 0x0D) { cursor += 1 }
            guard cursor < bytes.count && bytes[cursor] == UInt8(ascii: "=") else {
                index = cursor
                continue
            }
            cursor += 1
            while cursor < bytes.count && (bytes[cursor] == 0x20 || bytes[cursor] == 0x09 || bytes[cursor] == 0x0A || bytes[cursor] == 0x0D) { cursor += 1 }
            guard cursor < bytes.count else { break }
            var valueStart = cursor
            var valueEnd: Int
            if bytes[cursor] == 0x22 || bytes[cursor] == 0x27 {
                let quote = bytes[cursor]
                valueStart = cursor + 1
                valueEnd = valueStart
                while valueEnd < bytes.count && bytes[valueEnd] != quote { valueEnd += 1 }
                cursor = min(valueEnd + 1, bytes.count)
            } else {
                valueEnd = valueStart
                while valueEnd < bytes.count && !isStop(bytes[valueEnd]) { valueEnd += 1 }
                cursor = valueEnd
            }
            let value = ASCII.trimmed(HTMLEntities.decode(String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)))
            let lowered = value.lowercased()
            if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("ftp://")
                || lowered.hasPrefix("www.") || lowered.hasPrefix("//")
            {
                results.append(value)
            }
            index = cursor
        }
        return results
    }
}

/// HTML character references (`&amp;`, `&#116;`, `&#x74;`) as browsers read them in attributes.
enum HTMLEntities {
    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
        "sol": "/", "colon": ":", "period": ".", "commat": "@", "quest": "?", "equals": "=",
        "num": "#", "percnt": "%", "lowbar": "_", "hyphen": "-", "tab": "\t", "newline": "\n",
    ]

    static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            var replacement: String? = nil
            var referenceEnd = after.startIndex
            if after.first == "#" {
                // A numeric reference ends at its last digit, `;` or not: `&#116tp` is `ttp`.
                let isHex = after.dropFirst().first == "x" || after.dropFirst().first == "X"
                let digits = after.dropFirst(isHex ? 2 : 1)
                let digitsEnd = digits.firstIndex { isHex ? !$0.isHexDigit : !("0"..."9").contains($0) } ?? digits.endIndex
                if let value = UInt32(digits[..<digitsEnd], radix: isHex ? 16 : 10), let scalar = Unicode.Scalar(value) {
                    replacement = String(scalar)
                    referenceEnd = digitsEnd
                }
            } else {
                let nameEnd = after.firstIndex { !($0.isLetter || $0.isNumber) } ?? after.endIndex
                replacement = named[after[..<nameEnd].lowercased()]
                referenceEnd = nameEnd
            }
            if let replacement {
                out += replacement
                rest = after[referenceEnd...]
                if rest.first == ";" { rest = rest.dropFirst() }
            } else {
                out += "&"
                rest = after
            }
        }
        out += rest
        return out
    }
}
