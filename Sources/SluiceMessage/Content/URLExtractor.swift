/// Finds URLs in decoded text and HTML: links a reader could follow (`http`, `https`, `ftp`,
/// scheme-less `www.` hosts) and the `href`/`src`/`action`/`background` attributes of HTML,
/// with HTML entities decoded so `h&#116;tp://` obfuscation does not hide a link.
///
/// Each URL is handed over as UTF-8 bytes, in order: most are found more than once (in the text
/// part, in an HTML attribute and again in the HTML text), and a repeat needs no String.
enum URLExtractor {
    typealias Visitor = (UnsafeBufferPointer<UInt8>) -> Void

    static func urls(inText text: String) -> [String] {
        var found: [String] = []
        forEachURL(inText: text) { found.append(String(decoding: $0, as: UTF8.self)) }
        return found
    }

    static func urls(inHTML html: String) -> [String] {
        var found: [String] = []
        forEachURL(inHTML: html) { found.append(String(decoding: $0, as: UTF8.self)) }
        return found
    }

    static func forEachURL(inText text: String, _ body: Visitor) {
        ASCII.withBytes(of: text) { scanBareURLs($0, body) }
    }

    static func forEachURL(inHTML html: String, _ body: Visitor) {
        ASCII.withBytes(of: html) { scanAttributes($0, body) }
        // Text is scanned as a reader sees it: `&lt;http://a.example/&gt;` ends before `&gt;`.
        ASCII.withBytes(of: HTMLEntities.decode(html)) { scanBareURLs($0, body) }
    }

    /// The length of the link prefix (`http://`, `https://`, `ftp://`, `www.`) at `index`, if any.
    private static func schemeLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        switch lower(bytes[index]) {
        case UInt8(ascii: "h"):
            if matches(bytes, at: index, "http://") { return 7 }
            return matches(bytes, at: index, "https://") ? 8 : nil
        case UInt8(ascii: "f"): return matches(bytes, at: index, "ftp://") ? 6 : nil
        default: return matches(bytes, at: index, "www.") ? 4 : nil
        }
    }

    /// Controls, space, `"`, `'`, `<`, `>`, `` ` `` and DEL: one bit test on a mask for each half
    /// of ASCII rather than a chain of comparisons per byte of every link.
    @inline(__always)
    private static func isStop(_ byte: UInt8) -> Bool {
        let low: UInt64 = 0x1_FFFF_FFFF | 1 << 0x22 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E
        let high: UInt64 = 1 << (0x60 - 0x40) | 1 << (0x7F - 0x40)
        if byte < 0x40 { return low >> UInt64(byte) & 1 != 0 }
        return byte < 0x80 && high >> UInt64(byte - 0x40) & 1 != 0
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// Whether the bytes at `index` are `prefix` (lower case or punctuation) in any case. A literal,
    /// compared in place: no array, and no lazy global to reach one.
    @inline(__always)
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index >= 0, index + count <= bytes.count else { return false }
        let wanted = prefix.utf8Start
        for offset in 0..<count where lower(bytes[index + offset]) != wanted[offset] {
            return false
        }
        return true
    }

    /// The first place at or after `start` where `http://`, `https://` or `ftp://` begins, found
    /// through its colon: colons are rare in text, and memchr skips to them far faster than
    /// testing every letter. A prefix holds one colon, so starts come out in order.
    private static func nextSchemeStart(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var colon = ASCII.index(of: UInt8(ascii: ":"), in: bytes, from: start + 3)
        while colon < bytes.count {
            if colon - 5 >= start && matches(bytes, at: colon - 5, "https://") { return colon - 5 }
            if colon - 4 >= start && matches(bytes, at: colon - 4, "http://") { return colon - 4 }
            if colon - 3 >= start && matches(bytes, at: colon - 3, "ftp://") { return colon - 3 }
            colon = ASCII.index(of: UInt8(ascii: ":"), in: bytes, from: colon + 1)
        }
        return bytes.count
    }

    /// The first place at or after `start` where `www.` begins, found through its dot.
    private static func nextWWWStart(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var dot = ASCII.index(of: UInt8(ascii: "."), in: bytes, from: start + 3)
        while dot < bytes.count {
            // Most dots end a sentence or split a host name: the byte before tells them apart
            // before the whole prefix is compared.
            if dot >= 3 && lower(bytes[dot - 1]) == UInt8(ascii: "w") && matches(bytes, at: dot - 3, "www.") { return dot - 3 }
            dot = ASCII.index(of: UInt8(ascii: "."), in: bytes, from: dot + 1)
        }
        return bytes.count
    }

    private static func scanBareURLs(_ bytes: UnsafeBufferPointer<UInt8>, _ body: Visitor) {
        var index = 0
        var schemeStart = nextSchemeStart(bytes, from: 0)
        var wwwStart = nextWWWStart(bytes, from: 0)
        while true {
            if schemeStart < index { schemeStart = nextSchemeStart(bytes, from: index) }
            if wwwStart < index { wwwStart = nextWWWStart(bytes, from: index) }
            let start = min(schemeStart, wwwStart)
            guard start < bytes.count else { break }
            index = start + 1
            // A link starts at a word boundary, so `xhttp://` or `awww.` are not links; nor is the
            // tail of a host name or mail address (`mail.www.a.example`, `me@www.a.example`).
            if start > 0 {
                let before = bytes[start - 1]
                let isWordByte = (before >= 0x30 && before <= 0x39) || (lower(before) >= 0x61 && lower(before) <= 0x7A)
                    || before == UInt8(ascii: ".") || before == UInt8(ascii: "-") || before == UInt8(ascii: "@")
                if isWordByte { continue }
            }
            guard let schemeLength = schemeLength(bytes, at: start) else { continue }
            var end = start + schemeLength
            while end < bytes.count && !isStop(bytes[end]) {
                // A no-break space (UTF-8 C2 A0, `&nbsp;` in HTML) separates words as a space does.
                if bytes[end] == 0xC2 && end + 1 < bytes.count && bytes[end + 1] == 0xA0 { break }
                end += 1
            }
            let candidateEnd = trimTrailing(bytes, start..<end)
            index = end
            guard candidateEnd - start > schemeLength else { continue }
            body(UnsafeBufferPointer(rebasing: bytes[start..<candidateEnd]))
        }
    }

    /// Where the URL in `range` ends once trailing punctuation is dropped: it ends a sentence, not a
    /// URL; a closing bracket counts only when the URL opened one (`(see http://x.example/a_(b))`).
    private static func trimTrailing(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        func count(_ byte: UInt8, before end: Int) -> Int {
            var count = 0
            for index in range.lowerBound..<end where bytes[index] == byte { count += 1 }
            return count
        }
        var end = range.upperBound
        while end > range.lowerBound {
            switch bytes[end - 1] {
            case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"),
                UInt8(ascii: "!"), UInt8(ascii: "?"):
                end -= 1
            case UInt8(ascii: ")"):
                if count(UInt8(ascii: ")"), before: end) > count(UInt8(ascii: "("), before: end) { end -= 1 } else { return end }
            case UInt8(ascii: "]"):
                if count(UInt8(ascii: "]"), before: end) > count(UInt8(ascii: "["), before: end) { end -= 1 } else { return end }
            default:
                return end
            }
        }
        return end
    }

    /// The length of the link attribute name (`href`, `src`, `action`, `background`) that ends at
    /// `end` and starts at or after `floor`, if any.
    private static func attributeNameLength(_ bytes: UnsafeBufferPointer<UInt8>, endingAt end: Int, floor: Int) -> Int? {
        // Tested one by one rather than from a list, which would be an array to reach per call.
        func ends(_ name: StaticString) -> Bool {
            end - name.utf8CodeUnitCount >= floor && matches(bytes, at: end - name.utf8CodeUnitCount, name)
        }
        if ends("href") { return 4 }
        if ends("src") { return 3 }
        if ends("action") { return 6 }
        return ends("background") ? 10 : nil
    }

    /// The length of the link prefix the value starts with (`http://`, `https://`, `ftp://`,
    /// `www.`, `//`), if any.
    private static func linkPrefixLength(_ value: UnsafeBufferPointer<UInt8>) -> Int? {
        if matches(value, at: 0, "http://") { return 7 }
        if matches(value, at: 0, "https://") { return 8 }
        if matches(value, at: 0, "ftp://") { return 6 }
        if matches(value, at: 0, "www.") { return 4 }
        return matches(value, at: 0, "//") ? 2 : nil
    }

    /// The link attributes' values, in order. An attribute is `name`, optional white space, `=`:
    /// each `=` is found with memchr and the name looked for before it, which finds what testing
    /// every byte as a name start would (names begin with distinct letters, so at most one fits).
    private static func scanAttributes(_ bytes: UnsafeBufferPointer<UInt8>, _ body: Visitor) {
        // Where the next attribute name may start: past the last value read.
        var index = 0
        var equals = ASCII.index(of: UInt8(ascii: "="), in: bytes, from: 0)
        while equals < bytes.count {
            defer { equals = ASCII.index(of: UInt8(ascii: "="), in: bytes, from: max(equals + 1, index)) }
            var nameEnd = equals
            while nameEnd > index && isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
            guard let nameLength = attributeNameLength(bytes, endingAt: nameEnd, floor: index) else { continue }
            let nameStart = nameEnd - nameLength
            let before = nameStart > 0 ? bytes[nameStart - 1] : 0x20
            guard isSpace(before) || before == 0x2F || before == 0x22 || before == 0x27 else { continue }

            var cursor = equals + 1
            while cursor < bytes.count && isSpace(bytes[cursor]) { cursor += 1 }
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
            index = cursor
            visitLink(UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd]), body)
        }
    }

    /// Visits an attribute value, entities decoded and trimmed, when it is a link.
    private static func visitLink(_ raw: UnsafeBufferPointer<UInt8>, _ body: Visitor) {
        if !raw.contains(UInt8(ascii: "&")) {
            // Nothing to decode: trim and test the bytes, and build a String only for a link.
            var start = 0, end = raw.count
            while start < end && ASCII.isWhitespace(raw[start]) { start += 1 }
            while end > start && ASCII.isWhitespace(raw[end - 1]) { end -= 1 }
            let value = UnsafeBufferPointer(rebasing: raw[start..<end])
            if let prefixLength = linkPrefixLength(value) {
                // A character is a byte unless non-ASCII follows (a combining mark joins the last
                // prefix character); then compare as text, as below.
                if prefixLength == value.count || value[prefixLength] < 0x80 {
                    body(value)
                    return
                }
            } else {
                return
            }
        }
        let value = ASCII.trimmed(HTMLEntities.decode(String(decoding: raw, as: UTF8.self)))
        let lowered = value.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("ftp://")
            || lowered.hasPrefix("www.") || lowered.hasPrefix("//")
        {
            ASCII.withBytes(of: value, body)
        }
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
        let decoded = ASCII.withBytes(of: text) { bytes -> String? in
            guard ASCII.index(of: UInt8(ascii: "&"), in: bytes, from: 0) < bytes.count else { return text }
            return ASCII.isASCII(bytes) ? decodeASCII(bytes) : nil
        }
        return decoded ?? decodeCharacters(text)
    }

    /// ASCII text, where every character is one byte: the same reading as `decodeCharacters`,
    /// on bytes.
    private static func decodeASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func digitValue(_ byte: UInt8, hex: Bool) -> UInt8? {
            hex ? ASCII.hexValue(byte) : (isDigit(byte) ? byte - UInt8(ascii: "0") : nil)
        }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            isDigit(byte) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let amp = ASCII.index(of: UInt8(ascii: "&"), in: bytes, from: index)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<amp]))
            guard amp < bytes.count else { break }
            let after = amp + 1
            var referenceEnd = after
            var replacement: String? = nil
            if after < bytes.count && bytes[after] == UInt8(ascii: "#") {
                // A numeric reference ends at its last digit, `;` or not: `&#116tp` is `ttp`.
                let isHex = after + 1 < bytes.count && bytes[after + 1] | 0x20 == UInt8(ascii: "x")
                let digitsStart = min(after + (isHex ? 2 : 1), bytes.count)
                var digitsEnd = digitsStart
                var value: UInt32 = 0
                var overflow = false
                while digitsEnd < bytes.count, let digit = digitValue(bytes[digitsEnd], hex: isHex) {
                    let (shifted, shiftOverflow) = value.multipliedReportingOverflow(by: isHex ? 16 : 10)
                    let (sum, sumOverflow) = shifted.addingReportingOverflow(UInt32(digit))
                    (value, overflow) = (sum, overflow || shiftOverflow || sumOverflow)
                    digitsEnd += 1
                }
                if digitsEnd > digitsStart, !overflow, let scalar = Unicode.Scalar(value) {
                    replacement = String(scalar)
                    referenceEnd = digitsEnd
                }
            } else {
                var nameEnd = after
                while nameEnd < bytes.count && isAlphanumeric(bytes[nameEnd]) { nameEnd += 1 }
                replacement = named[ASCII.lowercased(String(decoding: UnsafeBufferPointer(rebasing: bytes[after..<nameEnd]), as: UTF8.self))]
                referenceEnd = nameEnd
            }
            if let replacement {
                out.append(contentsOf: replacement.utf8)
                index = referenceEnd
                if index < bytes.count && bytes[index] == UInt8(ascii: ";") { index += 1 }
            } else {
                out.append(UInt8(ascii: "&"))
                index = after
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Any text, read character by character: a combining mark after `&` or a name makes one
    /// character with it, and non-ASCII letters continue a name.
    private static func decodeCharacters(_ text: String) -> String {
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
