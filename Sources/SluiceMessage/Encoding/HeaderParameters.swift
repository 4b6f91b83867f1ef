import SluiceDiagnostics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A MIME header value with parameters, such as `Content-Type` or `Content-Disposition`
/// (RFC 2045 §5.1, RFC 2183, RFC 2231).
///
/// Parsing is lenient and reports what it forgives:
/// - comments (RFC 5322 CFWS) are skipped between the pieces; a `(` inside an unquoted word is kept,
///   because filenames like `report(1).pdf` are sent unquoted;
/// - unquoted values may hold any character but `;`, whitespace and a comment (so `boundary=--=_x`
///   works); words separated by whitespace are joined with one space (`parameter.unquoted-space`);
/// - a missing `;` before a parameter (`parameter.missing-semicolon`), a missing `=`
///   (`parameter.missing-equals`, value taken anyway), a missing value (`parameter.missing-value`,
///   stored as empty), an unterminated quoted string (`parameter.unterminated-quote`, runs to the end),
///   an unclosed comment (`parameter.unterminated-comment`), text where a name or `;` belongs
///   (`parameter.unexpected-text`, skipped to the next `;`);
/// - a repeated parameter keeps its first value (`parameter.duplicate`);
/// - RFC 2231 sections are joined in numeric order whatever order they come in, since RFC 2231 §3
///   lets them be reordered (`parameter.continuation-order`, info); gaps are reported
///   (`parameter.bad-continuation`); an RFC 2231 form (`name*`, `name*0`) wins over a plain `name`
///   sent alongside it for old readers; a quoted extended value is accepted; a bad `%` escape is kept
///   (`parameter.bad-percent-encoding`); a value without `charset'language'` is read as UTF-8 where
///   valid, else windows-1252 (`parameter.bad-extended-value`), as is an empty charset (silently);
///   an unknown charset reports `charset.unknown`;
/// - RFC 2047 encoded words in non-RFC 2231 values (`name="=?utf-8?B?...?="`, as Outlook and
///   Thunderbird send) are decoded, except in `boundary`, which must stay byte-exact.
///
/// The main value is lower-cased; parameter names are lower-cased; parameter values keep their case.
public struct ParameterizedValue: Sendable, Hashable, Codable {
    /// One parameter after RFC 2231 sections have been joined and decoded.
    public struct Parameter: Sendable, Hashable, Codable {
        /// Lower-cased, without any RFC 2231 `*` suffix.
        public var name: String
        public var value: String
        /// The RFC 2231 language tag, if one was given.
        public var language: String?

        public init(name: String, value: String, language: String? = nil) {
            self.name = name
            self.value = value
            self.language = language
        }
    }

    /// The lower-cased value before the first parameter: `text/plain`, `attachment`.
    public var value: String
    /// Parameters in the order of their first appearance.
    public var parameters: [Parameter]
    public var problems: [Diagnostic]

    public init(value: String, parameters: [Parameter] = [], problems: [Diagnostic] = []) {
        self.value = value
        self.parameters = parameters
        self.problems = problems
    }

    /// Parses a header field body (unfolded or not).
    public init(parsing field: String) {
        var field = field
        self = field.withUTF8 { bytes in
            var parser = ParameterParser(input: bytes)
            return parser.parse()
        }
    }

    /// The value of the parameter `name`, matched case-insensitively.
    public subscript(parameter name: String) -> String? {
        let name = ASCII.lowercased(name)
        return parameters.first { $0.name == name }?.value
    }

    /// The main value, read as a media type (`text/plain`).
    public var mediaType: String { value }

    /// The part of ``mediaType`` before `/`.
    public var type: String {
        guard let slash = value.utf8.firstIndex(of: UInt8(ascii: "/")) else { return value }
        return String(value[..<slash])
    }

    /// The part of ``mediaType`` after `/`, or empty if there is no `/`.
    public var subtype: String {
        guard let slash = value.utf8.firstIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(value[value.utf8.index(after: slash)...])
    }

    public var charset: String? { self[parameter: "charset"] }

    /// The multipart boundary, exactly as sent: boundaries are case-sensitive.
    public var boundary: String? { self[parameter: "boundary"] }

    /// Content-Disposition's `filename`, falling back to Content-Type's `name` as mail clients do.
    public var filename: String? { self[parameter: "filename"] ?? self[parameter: "name"] }

    /// Content-Type's `name`.
    public var name: String? { self[parameter: "name"] }
}

/// A parameter as written, before RFC 2231 sections are joined.
private struct RawParameter {
    var name: String
    /// RFC 2231 section number, for `name*N` and `name*N*`.
    var section: Int?
    /// RFC 2231 extended (percent-encoded) form, for `name*` and `name*N*`.
    var extended: Bool
    var value: String
}

/// All that was written for one parameter name.
private struct ParameterGroup {
    var name: String
    var plain: String?
    var extended: String?
    var sections: [Int: (value: String, extended: Bool)] = [:]
    var highestSection = -1
    var outOfOrder = false
}

private struct ParameterParser {
    let input: UnsafeBufferPointer<UInt8>
    var index = 0
    var problems: [Diagnostic] = []

    init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    private static let semicolon = UInt8(ascii: ";")
    private static let quote = UInt8(ascii: "\"")
    private static let openParen = UInt8(ascii: "(")

    private var atEnd: Bool { index >= input.count }
    private var current: UInt8? { index < input.count ? input[index] : nil }

    mutating func parse() -> ParameterizedValue {
        if let simple = parseSimple() { return simple }
        let value = parseMainValue()
        // The usual header has a few plain `name=value` parameters: they go straight into the
        // result's array, finished in place. RFC 2231 sections, or more than 16 parameters, move
        // everything to the raw list that `combine` groups.
        var plain: [ParameterizedValue.Parameter] = []
        var raw: [RawParameter]? = nil
        while true {
            skipCFWS()
            guard let byte = current else { break }
            if byte == Self.semicolon {
                index += 1
                continue
            }
            guard let parameter = parseParameter() else { continue }
            if raw == nil, parameter.section == nil, !parameter.extended, plain.count < 16 {
                plain.append(ParameterizedValue.Parameter(name: parameter.name, value: parameter.value))
                continue
            }
            if raw == nil {
                raw = plain.map { RawParameter(name: $0.name, section: nil, extended: false, value: $0.value) }
                plain = []
            }
            raw!.append(parameter)
        }
        if let raw {
            plain = combine(raw)
        } else {
            finishPlain(&plain)
        }
        return ParameterizedValue(value: value, parameters: plain, problems: problems)
    }

    /// The usual field — `type/subtype`, then `; name=value` or `; name="value"` and nothing else —
    /// read in one pass over the bytes: the same result as the general parse, which takes anything
    /// else (comments, escapes, line breaks, 8-bit bytes, RFC 2231 names, stray or missing
    /// separators, an empty unquoted value, more than 16 parameters). Nil leaves the parser
    /// untouched.
    private mutating func parseSimple() -> ParameterizedValue? {
        let bytes = input
        guard let found = SimpleField.byteClass.withUnsafeBufferPointer({ SimpleField.scan(bytes, classes: $0) }) else {
            return nil
        }
        var parameters = found.parameters
        // Only a repeated name or a `?` (an encoded word) leaves anything for it to do.
        if parameters.count > 1 || found.sawQuestionMark { finishPlain(&parameters) }
        return ParameterizedValue(value: found.value, parameters: parameters, problems: problems)
    }

    // MARK: Lexing

    /// Skips whitespace and comments.
    private mutating func skipCFWS() {
        while let byte = current {
            if ASCII.isWhitespace(byte) {
                index += 1
            } else if byte == Self.openParen {
                skipComment()
            } else {
                return
            }
        }
    }

    /// Skips a comment, nested and with quoted pairs (RFC 5322 §3.2.2).
    private mutating func skipComment() {
        var depth = 0
        while let byte = current {
            index += 1
            switch byte {
            case Self.openParen: depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return }
            case UInt8(ascii: "\\"): index += 1
            default: break
            }
        }
        index = input.count
        problems.append(Diagnostic("parameter.unterminated-comment", .warning, "comment is not closed"))
    }

    private func string(_ range: Range<Int>, lowercased: Bool = false) -> String {
        SimpleField.string(input, range, lowercased: lowercased && input[range].contains { $0 >= 0x41 && $0 <= 0x5A })
    }

    /// A quoted string's content with quoted pairs resolved and folding removed (RFC 5322 §3.2.4).
    private mutating func quotedString() -> String {
        let start = index
        index += 1
        // Most quoted strings hold no escape or line break and can be taken as they stand.
        var end = index
        while end < input.count, input[end] != Self.quote, input[end] != UInt8(ascii: "\\"),
            input[end] != UInt8(ascii: "\r"), input[end] != UInt8(ascii: "\n")
        {
            end += 1
        }
        if end < input.count, input[end] == Self.quote {
            defer { index = end + 1 }
            return string(index..<end)
        }

        var bytes = Array(input[index..<end])
        index = end
        while let byte = current {
            index += 1
            switch byte {
            case Self.quote:
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                if let escaped = current {
                    bytes.append(escaped)
                    index += 1
                }
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                continue
            default:
                bytes.append(byte)
            }
        }
        problems.append(
            Diagnostic(
                "parameter.unterminated-quote", .warning,
                "quoted string `\(MIMEBytes.excerpt(input[start...]))` is not closed",
                notes: ["read to the end of the field"]))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A run of bytes up to `;` or whitespace. A word cannot start with `(` or `"`; a name also ends
    /// at `=`, `(` or `"`.
    private mutating func word(asName: Bool = false) -> Range<Int> {
        let start = index
        while let byte = current, byte != Self.semicolon, !ASCII.isWhitespace(byte) {
            if asName, byte == UInt8(ascii: "=") || byte == Self.openParen || byte == Self.quote { break }
            if index == start, byte == Self.openParen || byte == Self.quote { break }
            index += 1
        }
        return start..<index
    }

    /// Whether `index` starts `token =`, i.e. a parameter whose `;` was forgotten.
    private func looksLikeParameter() -> Bool {
        var probe = index
        while probe < input.count, isTokenByte(input[probe]) { probe += 1 }
        guard probe > index else { return false }
        while probe < input.count, input[probe] == 0x20 || input[probe] == 0x09 { probe += 1 }
        return probe < input.count && input[probe] == UInt8(ascii: "=")
    }

    // MARK: Grammar

    private mutating func parseMainValue() -> String {
        var value = ""
        skipCFWS()
        while let byte = current, byte != Self.semicolon {
            if !value.isEmpty, looksLikeParameter() {
                reportMissingSemicolon()
                break
            }
            // `text / plain` and `text/plain` mean the same; the whitespace is not part of the value.
            let piece = byte == Self.quote ? ASCII.lowercased(quotedString()) : string(word(), lowercased: true)
            // The usual value is one word: kept as it is rather than appended to an empty String.
            if value.isEmpty { value = piece } else { value += piece }
            skipCFWS()
        }
        return value
    }

    private mutating func parseParameter() -> RawParameter? {
        let nameRange = word(asName: true)
        guard !nameRange.isEmpty else {
            // A value with no name (`; "x"` or `; =x`): skip to the next `;`.
            let junkStart = index
            skipValue()
            problems.append(
                Diagnostic(
                    "parameter.unexpected-text", .warning,
                    "unexpected `\(MIMEBytes.excerpt(input[junkStart..<index]))` where a parameter name belongs"))
            return nil
        }
        var parameter = splitName(nameRange)
        skipCFWS()

        if current == UInt8(ascii: "=") {
            index += 1
            skipCFWS()
        } else if !atEnd, current != Self.semicolon {
            problems.append(
                Diagnostic(
                    "parameter.missing-equals", .warning,
                    "parameter `\(string(nameRange, lowercased: true))` has no `=` before its value"))
        }
        if atEnd || current == Self.semicolon {
            problems.append(
                Diagnostic(
                    "parameter.missing-value", .warning,
                    "parameter `\(string(nameRange, lowercased: true))` has no value"))
        } else {
            parameter.value = parseValue()
        }
        return parameter
    }

    /// A value: a quoted string, or unquoted words, up to the next `;`.
    private mutating func parseValue() -> String {
        if current == Self.quote {
            let value = quotedString()
            skipCFWS()
            if let byte = current, byte != Self.semicolon {
                if looksLikeParameter() {
                    reportMissingSemicolon()
                } else {
                    let junkStart = index
                    skipValue()
                    problems.append(
                        Diagnostic(
                            "parameter.unexpected-text", .warning,
                            "unexpected `\(MIMEBytes.excerpt(input[junkStart..<index]))` after a quoted value",
                            notes: ["ignored"]))
                }
            }
            return value
        }

        var value = string(word())
        var joinedWords = false
        while true {
            skipCFWS()
            guard let byte = current, byte != Self.semicolon else { break }
            if looksLikeParameter() {
                reportMissingSemicolon()
                break
            }
            value += " "
            value += byte == Self.quote ? quotedString() : string(word())
            joinedWords = true
        }
        if joinedWords {
            problems.append(
                Diagnostic(
                    "parameter.unquoted-space", .warning,
                    "unquoted value `\(MIMEBytes.excerpt(value.utf8))` contains whitespace",
                    help: "values with spaces must be quoted"))
        }
        return value
    }

    private mutating func reportMissingSemicolon() {
        var probe = index
        while probe < input.count, isTokenByte(input[probe]) { probe += 1 }
        problems.append(
            Diagnostic(
                "parameter.missing-semicolon", .warning,
                "parameter `\(MIMEBytes.excerpt(input[index..<probe]))` is not preceded by `;`"))
    }

    /// Skips to the next `;` outside a quoted string.
    private mutating func skipValue() {
        while let byte = current, byte != Self.semicolon {
            if byte == Self.quote {
                _ = quotedString()
            } else {
                index += 1
            }
        }
    }

    /// Splits RFC 2231 `name*`, `name*N` and `name*N*`; any other `*` is part of the name.
    private func splitName(_ range: Range<Int>) -> RawParameter {
        let whole = RawParameter(name: string(range, lowercased: true), section: nil, extended: false, value: "")
        guard let star = input[range].firstIndex(of: UInt8(ascii: "*")), star != range.lowerBound else {
            return whole
        }
        let base = string(range.lowerBound..<star, lowercased: true)
        var suffix = input[(star + 1)..<range.upperBound]
        if suffix.isEmpty { return RawParameter(name: base, section: nil, extended: true, value: "") }
        let extended = suffix.last == UInt8(ascii: "*")
        if extended { suffix = suffix.dropLast() }
        // Bounded so a hostile section number cannot overflow.
        guard !suffix.isEmpty, suffix.count <= 4,
            suffix.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return whole }
        let section = suffix.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return RawParameter(name: base, section: section, extended: extended, value: "")
    }

    // MARK: RFC 2231

    private mutating func combine(_ raw: [RawParameter]) -> [ParameterizedValue.Parameter] {
        var groups: [ParameterGroup] = []
        groups.reserveCapacity(raw.count)
        // Headers carry a handful of parameters, so a linear search is fastest; a hostile header with
        // thousands switches to the index rather than going quadratic.
        let indexed = raw.count > 16
        var groupIndex: [String: Int] = [:]
        for parameter in raw {
            let known =
                indexed ? groupIndex[parameter.name] : groups.firstIndex { $0.name == parameter.name }
            let position: Int
            if let known {
                position = known
            } else {
                position = groups.count
                groups.append(ParameterGroup(name: parameter.name))
                if indexed { groupIndex[parameter.name] = position }
            }
            var duplicate = false
            switch (parameter.section, parameter.extended) {
            case (nil, false):
                duplicate = groups[position].plain != nil
                if !duplicate { groups[position].plain = parameter.value }
            case (nil, true):
                duplicate = groups[position].extended != nil
                if !duplicate { groups[position].extended = parameter.value }
            case (let section?, let extended):
                duplicate = groups[position].sections[section] != nil
                if !duplicate {
                    if section < groups[position].highestSection { groups[position].outOfOrder = true }
                    groups[position].highestSection = max(section, groups[position].highestSection)
                    groups[position].sections[section] = (parameter.value, extended)
                }
            }
            if duplicate {
                let written =
                    parameter.name + (parameter.section.map { "*\($0)" } ?? "") + (parameter.extended ? "*" : "")
                problems.append(
                    Diagnostic(
                        "parameter.duplicate", .warning, "parameter `\(written)` appears more than once",
                        notes: ["the first value is used"]))
            }
        }
        var parameters: [ParameterizedValue.Parameter] = []
        parameters.reserveCapacity(groups.count)
        for group in groups { parameters.append(resolve(group)) }
        return parameters
    }

    /// The usual header, a few `name=value` parameters and no RFC 2231 sections: the same result
    /// and diagnostics as grouping them (duplicates reported before any value is decoded),
    /// without building the groups. Few enough that looking back for a duplicate is cheapest.
    private mutating func finishPlain(_ parameters: inout [ParameterizedValue.Parameter]) {
        func isDuplicate(_ position: Int) -> Bool {
            parameters[..<position].contains { $0.name == parameters[position].name }
        }
        var duplicates = false
        for position in parameters.indices where isDuplicate(position) {
            problems.append(
                Diagnostic(
                    "parameter.duplicate", .warning, "parameter `\(parameters[position].name)` appears more than once",
                    notes: ["the first value is used"]))
            duplicates = true
        }
        if duplicates {
            parameters = parameters.indices.filter { !isDuplicate($0) }.map { parameters[$0] }
        }
        // Only a value with a `?` can hold an encoded word: the others stay as they are.
        for position in parameters.indices where ASCII.contains(UInt8(ascii: "?"), in: parameters[position].value) {
            parameters[position] = plainParameter(name: parameters[position].name, value: parameters[position].value)
        }
    }

    private mutating func resolve(_ group: ParameterGroup) -> ParameterizedValue.Parameter {
        if let extended = group.extended {
            return decodeExtended(name: group.name, sections: [(0, extended, true)])
        }
        if !group.sections.isEmpty {
            let numbers = group.sections.keys.sorted()
            reportGaps(name: group.name, numbers: numbers)
            if group.outOfOrder {
                problems.append(
                    Diagnostic(
                        "parameter.continuation-order", .info,
                        "sections of parameter `\(group.name)` are out of order",
                        notes: ["joined in numeric order, as RFC 2231 allows"]))
            }
            let sections = numbers.map { number in
                let section = group.sections[number]!
                return (number: number, value: section.value, extended: section.extended)
            }
            if sections.contains(where: \.extended) {
                return decodeExtended(name: group.name, sections: sections)
            }
            return plainParameter(name: group.name, value: sections.map(\.value).joined())
        }
        return plainParameter(name: group.name, value: group.plain ?? "")
    }

    private mutating func plainParameter(name: String, value: String) -> ParameterizedValue.Parameter {
        let mayHoldEncodedWord = ASCII.contains(UInt8(ascii: "?"), in: value)
        guard name != "boundary", mayHoldEncodedWord else {
            return ParameterizedValue.Parameter(name: name, value: value)
        }
        let decoded = EncodedWords.decode(value)
        problems.append(contentsOf: decoded.problems)
        return ParameterizedValue.Parameter(name: name, value: decoded.text)
    }

    private mutating func reportGaps(name: String, numbers: [Int]) {
        var missing: [String] = []
        var expected = 0
        for number in numbers {
            if number > expected {
                missing.append(number - 1 == expected ? "\(expected)" : "\(expected)-\(number - 1)")
            }
            expected = number + 1
        }
        guard !missing.isEmpty else { return }
        let noun = missing.count == 1 && !missing[0].contains("-") ? "section" : "sections"
        let listed = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", ..." : "")
        problems.append(
            Diagnostic(
                "parameter.bad-continuation", .error,
                "parameter `\(name)` is missing continuation \(noun) \(listed)",
                notes: ["the sections present are joined in order"]))
    }

    /// RFC 2231 §4: the first section may start `charset'language'`; extended sections are
    /// percent-encoded bytes in that charset, plain sections are literal text.
    private mutating func decodeExtended(
        name: String, sections: [(number: Int, value: String, extended: Bool)]
    ) -> ParameterizedValue.Parameter {
        var charsetLabel = ""
        var language: String?
        var text = ""
        var pending: [UInt8] = []
        var badPercent = false
        var charsetProblems: [Diagnostic] = []

        // Consecutive extended sections are decoded together: a character may span two of them.
        func flush() {
            guard !pending.isEmpty else { return }
            let decoded = Charset.decode(pending, label: charsetLabel)
            text += decoded.text
            charsetProblems += decoded.problems
            pending.removeAll(keepingCapacity: true)
        }

        for section in sections {
            guard section.extended else {
                flush()
                text += section.value
                continue
            }
            var encoded = Substring(section.value)
            if section.number == 0 {
                let parts = encoded.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3 {
                    charsetLabel = String(parts[0])
                    language = parts[1].isEmpty ? nil : String(parts[1])
                    encoded = parts[2]
                } else {
                    problems.append(
                        Diagnostic(
                            "parameter.bad-extended-value", .warning,
                            "extended parameter `\(name)` lacks the `charset'language'` prefix",
                            notes: ["read as percent-encoded text in an unknown charset"]))
                }
            }
            badPercent = !percentDecode(encoded.utf8, into: &pending) || badPercent
        }
        flush()
        problems += charsetProblems
        if badPercent {
            problems.append(
                Diagnostic(
                    "parameter.bad-percent-encoding", .warning,
                    "parameter `\(name)` has a `%` not followed by two hex digits", notes: ["kept as written"]))
        }
        return ParameterizedValue.Parameter(name: name, value: text, language: language)
    }

    /// Appends the bytes of `%XX`-encoded text; a bad `%` is kept literally and makes the result false.
    private func percentDecode(_ text: Substring.UTF8View, into bytes: inout [UInt8]) -> Bool {
        var valid = true
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            index = text.index(after: index)
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            let second = index < text.endIndex ? text.index(after: index) : index
            if second < text.endIndex, let high = ASCII.hexValue(text[index]),
                let low = ASCII.hexValue(text[second])
            {
                bytes.append(high << 4 | low)
                index = text.index(after: second)
            } else {
                bytes.append(byte)
                valid = false
            }
        }
        return valid
    }
}

/// The one-pass reading of the usual parameterized field, for `ParameterParser.parseSimple`.
private enum SimpleField {
    static let plain: UInt8 = 0, upper: UInt8 = 1, space: UInt8 = 2, semicolon: UInt8 = 3
    static let equals: UInt8 = 4, quote: UInt8 = 5, star: UInt8 = 6, other: UInt8 = 7, questionMark: UInt8 = 8

    /// What each byte is to the scan: one table lookup per byte instead of a chain of tests.
    /// `other` (controls, 8-bit bytes, `(` opening a comment, `\` quoting a pair) ends it.
    static let byteClass: [UInt8] = (0..<256).map { byte -> UInt8 in
        switch byte {
        case 0x41...0x5A: upper
        case 0x20, 0x09: space
        case 0x3B: semicolon
        case 0x3D: equals
        case 0x22: quote
        case 0x2A: star
        case 0x3F: questionMark
        case 0x28, 0x5C: other
        case 0x21...0x7E: plain
        default: other
        }
    }

    /// The main value, lower-cased, and the parameters as written (names lower-cased); nil for a
    /// field the general parse must read.
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, classes: UnsafeBufferPointer<UInt8>
    ) -> (value: String, parameters: [ParameterizedValue.Parameter], sawQuestionMark: Bool)? {
        let count = bytes.count
        func kind(_ position: Int) -> UInt8 { classes[Int(bytes[position])] }
        var position = 0
        while position < count && kind(position) == space { position += 1 }
        // The main value: a word up to `;` or space, `"` not first.
        let mainStart = position
        var mainUpper = false
        while position < count {
            let byteKind = kind(position)
            if byteKind == space || byteKind == semicolon { break }
            if byteKind == other { return nil }
            if byteKind == upper { mainUpper = true }
            position += 1
        }
        guard position > mainStart, bytes[mainStart] != UInt8(ascii: "\"") else { return nil }
        let mainEnd = position

        var parameters: [ParameterizedValue.Parameter] = []
        var sawQuestionMark = false
        while true {
            while position < count && kind(position) == space { position += 1 }
            guard position < count else { break }
            guard kind(position) == semicolon else { return nil }
            // Runs of `;` and the space between them are skipped, as the general parse skips them.
            while position < count && (kind(position) == semicolon || kind(position) == space) { position += 1 }
            guard position < count else { break }
            // The name runs to `=`; anything else ending it (space, `"`, `;`, an RFC 2231 `*`) is
            // for the general parse.
            let nameStart = position
            var nameUpper = false
            while position < count {
                let byteKind = kind(position)
                if byteKind == plain {
                    position += 1
                } else if byteKind == upper {
                    nameUpper = true
                    position += 1
                } else {
                    break
                }
            }
            guard position > nameStart, position < count, kind(position) == equals else { return nil }
            let nameEnd = position
            position += 1
            let value: Range<Int>
            if position < count && kind(position) == quote {
                var end = position + 1
                while end < count {
                    let byteKind = kind(end)
                    if byteKind == quote { break }
                    if byteKind == other { return nil }
                    if byteKind == questionMark { sawQuestionMark = true }
                    end += 1
                }
                guard end < count else { return nil }
                value = (position + 1)..<end
                position = end + 1
            } else {
                let valueStart = position
                while position < count {
                    let byteKind = kind(position)
                    if byteKind == space || byteKind == semicolon { break }
                    if byteKind == other { return nil }
                    if byteKind == questionMark { sawQuestionMark = true }
                    position += 1
                }
                guard position > valueStart else { return nil }
                value = valueStart..<position
            }
            guard parameters.count < 16 else { return nil }
            parameters.append(ParameterizedValue.Parameter(
                name: string(bytes, nameStart..<nameEnd, lowercased: nameUpper), value: string(bytes, value, lowercased: false)))
        }
        return (string(bytes, mainStart..<mainEnd, lowercased: mainUpper), parameters, sawQuestionMark)
    }

    /// The bytes in `range` as a String, ASCII capitals lower-cased when asked (only when there
    /// are some: the copying initializer costs twice what decoding does).
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, lowercased: Bool) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        guard lowercased else { return commonString(slice) ?? String(decoding: slice, as: UTF8.self) }
        return ASCII.lowercasedString(slice)
    }
}

extension SimpleField {
    /// The names and values nearly every message carries, as literals, which need no storage
    /// or validation; nil for other text.
    static func commonString(_ slice: UnsafeBufferPointer<UInt8>) -> String? {
        func equals(_ literal: StaticString) -> Bool {
            literal.utf8CodeUnitCount == slice.count && memcmp(literal.utf8Start, slice.baseAddress!, slice.count) == 0
        }
        switch slice.count {
        case 4: return equals("name") ? "name" : equals("7bit") ? "7bit" : equals("8bit") ? "8bit" : nil
        case 5: return equals("utf-8") ? "utf-8" : nil
        case 6: return equals("base64") ? "base64" : equals("inline") ? "inline" : nil
        case 7: return equals("charset") ? "charset" : nil
        case 8: return equals("boundary") ? "boundary" : equals("filename") ? "filename" : equals("us-ascii") ? "us-ascii" : nil
        case 9: return equals("text/html") ? "text/html" : nil
        case 10: return equals("text/plain") ? "text/plain" : equals("attachment") ? "attachment" : nil
        case 15: return equals("multipart/mixed") ? "multipart/mixed" : nil
        case 16: return equals("quoted-printable") ? "quoted-printable" : nil
        case 17: return equals("multipart/related") ? "multipart/related" : nil
        case 21: return equals("multipart/alternative") ? "multipart/alternative" : nil
        case 24: return equals("application/octet-stream") ? "application/octet-stream" : nil
        default: return nil
        }
    }
}

/// RFC 2045 token characters: printable ASCII except space and tspecials.
private func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"),
        UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""),
        UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="):
        false
    case 0x21...0x7E:
        true
    default:
        false
    }
}
