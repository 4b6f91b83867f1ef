import Testing

@testable import SluiceMessage

/// The URL scanner finds link prefixes through their `:` or `.` and attributes through their
/// `=`, and decodes entities in ASCII text on bytes. These tests hold it to the straightforward
/// reading it replaced — every byte tried as a link or attribute start, entities decoded
/// character by character — on generated text built from the pieces that matter.
@Suite("URL scanning finds what a byte-by-byte reading finds")
struct URLScanEquivalenceTests {
    private static let pieces = [
        "http://", "https://", "ftp://", "www.", "HTTP://", "Www.", "//", "://", ":", ".", "/", "?", "#",
        "a", "x", "h", "w", "f", "-", "@", "0", " ", "\t", "\r\n", "\"", "'", "<", ">", "=", "(", ")",
        "[", "]", ",", ";", "!", "href", "HREF", "src", "action", "background", "data-href", " = ",
        "&amp;", "&lt;", "&gt;", "&#116;", "&#x74", "&#X3A;", "&#99999999999;", "&#xD800;", "&nbsp;",
        "&quot", "&", "&#", "&#x", "&colon;", "&ampx", "é", "\u{301}", "\u{A0}", "ex.example", "/p?q=1",
    ]

    private static func samples(count: Int, seed: UInt64) -> [String] {
        var state = seed
        func next() -> Int {
            // xorshift64*: deterministic, so a failure can be reproduced.
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int(truncatingIfNeeded: (state &* 2_685_821_657_736_338_717) >> 33)
        }
        return (0..<count).map { _ in
            (0..<(4 + next() % 40)).map { _ in pieces[next() % pieces.count] }.joined()
        }
    }

    @Test("bare URLs in text and HTML, attribute values, and decoded entities")
    func generatedText() {
        for text in Self.samples(count: 4000, seed: 0x5EED) {
            #expect(URLExtractor.urls(inText: text) == Reference.bareURLs(Array(text.utf8)), "\(text.debugDescription)")
            #expect(
                URLExtractor.urls(inHTML: text)
                    == Reference.attributes(Array(text.utf8)) + Reference.bareURLs(Array(Reference.decode(text).utf8)),
                "\(text.debugDescription)")
            #expect(HTMLEntities.decode(text) == Reference.decode(text), "\(text.debugDescription)")
        }
    }
}

/// The scanner as it was: every byte tried, entities decoded by characters.
private enum Reference {
    static func lower(_ byte: UInt8) -> UInt8 { (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte }

    static func matches(_ bytes: [UInt8], at index: Int, _ prefix: String) -> Bool {
        let prefix = Array(prefix.utf8)
        guard index + prefix.count <= bytes.count else { return false }
        return (0..<prefix.count).allSatisfy { lower(bytes[index + $0]) == prefix[$0] }
    }

    static func isStop(_ byte: UInt8) -> Bool {
        byte <= 0x20 || [0x22, 0x27, 0x3C, 0x3E, 0x60, 0x7F].contains(byte)
    }

    static func bareURLs(_ bytes: [UInt8]) -> [String] {
        var results: [String] = []
        var index = 0
        while index < bytes.count {
            if index > 0 {
                let before = lower(bytes[index - 1])
                if (before >= 0x30 && before <= 0x39) || (before >= 0x61 && before <= 0x7A) || before == 0x2E || before == 0x2D || before == 0x40 {
                    index += 1
                    continue
                }
            }
            guard let length = ["http://", "https://", "ftp://", "www."].first(where: { matches(bytes, at: index, $0) })?.utf8.count else {
                index += 1
                continue
            }
            var end = index + length
            while end < bytes.count && !isStop(bytes[end]) {
                if bytes[end] == 0xC2 && end + 1 < bytes.count && bytes[end + 1] == 0xA0 { break }
                end += 1
            }
            var candidate = bytes[index..<end]
            trimming: while let last = candidate.last {
                switch last {
                case 0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F: candidate.removeLast()
                case 0x29 where candidate.filter({ $0 == 0x29 }).count > candidate.filter({ $0 == 0x28 }).count: candidate.removeLast()
                case 0x5D where candidate.filter({ $0 == 0x5D }).count > candidate.filter({ $0 == 0x5B }).count: candidate.removeLast()
                default: break trimming
                }
            }
            index = end
            if candidate.count > length { results.append(String(decoding: candidate, as: UTF8.self)) }
        }
        return results
    }

    static func attributes(_ bytes: [UInt8]) -> [String] {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var results: [String] = []
        var index = 0
        while index < bytes.count {
            let before = index > 0 ? bytes[index - 1] : 0x20
            guard isSpace(before) || before == 0x2F || before == 0x22 || before == 0x27,
                let name = ["href", "src", "action", "background"].first(where: { matches(bytes, at: index, $0) })
            else {
                index += 1
                continue
            }
            var cursor = index + name.utf8.count
            while cursor < bytes.count && isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count && bytes[cursor] == 0x3D else {
                index = cursor
                continue
            }
            cursor += 1
            while cursor < bytes.count && isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count else { break }
            var valueStart = cursor
            var valueEnd = cursor
            if bytes[cursor] == 0x22 || bytes[cursor] == 0x27 {
                valueStart = cursor + 1
                valueEnd = valueStart
                while valueEnd < bytes.count && bytes[valueEnd] != bytes[cursor] { valueEnd += 1 }
                cursor = min(valueEnd + 1, bytes.count)
            } else {
                while valueEnd < bytes.count && !isStop(bytes[valueEnd]) { valueEnd += 1 }
                cursor = valueEnd
            }
            let value = ASCII.trimmed(decode(String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)))
            let lowered = value.lowercased()
            if ["http://", "https://", "ftp://", "www.", "//"].contains(where: { lowered.hasPrefix($0) }) {
                results.append(value)
            }
            index = cursor
        }
        return results
    }

    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
        "sol": "/", "colon": ":", "period": ".", "commat": "@", "quest": "?", "equals": "=",
        "num": "#", "percnt": "%", "lowbar": "_", "hyphen": "-", "tab": "\t", "newline": "\n",
    ]

    static func decode(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            var replacement: String? = nil
            var referenceEnd = after.startIndex
            if after.first == "#" {
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
        return out + rest
    }
}
