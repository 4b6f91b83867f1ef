#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SluiceDiagnostics

/// A `Received` header (RFC 5322 §3.6.7, RFC 5321 §4.4): its clauses, the date after the last
/// `;`, and what the from-clause says about the connecting host. Real MTAs write this header in
/// many shapes, so every part is optional and read leniently.
public struct ReceivedHeader: Sendable, Hashable, Codable {
    /// One clause's value and the comments that follow it, as in `by mx.example (Postfix)`.
    public struct Clause: Sendable, Hashable, Codable {
        /// The words after the keyword joined by single spaces; `<...>` brackets are removed,
        /// `[...]` literals kept. Empty when only a comment follows the keyword.
        public var value: String
        public var comments: [String]

        public init(value: String, comments: [String] = []) {
            self.value = value
            self.comments = comments
        }
    }

    public var from: Clause?
    public var by: Clause?
    public var via: Clause?
    public var with: Clause?
    public var id: Clause?
    public var `for`: Clause?
    /// Comments outside any clause, such as qmail's `(qmail 1169 invoked by uid 0)`.
    public var comments: [String]
    /// The date after the last `;`; nil when missing or unreadable (then reported).
    public var date: Date?
    /// The date text as written, trimmed.
    public var dateText: String?
    /// The connecting host's address from the from-clause: its comment's `[ip]` or bare ip
    /// (`(mail.example [192.0.2.1])`, `(192.0.2.1)`), else the from-value's own literal.
    public var connectingIP: IPAddress?
    /// The name the client gave in HELO/EHLO: `helo=` or `HELO x` in the from comment, else
    /// the from-value (RFC 5321 §4.4 puts the EHLO name there).
    public var helo: String?
    /// The reverse DNS name the receiving MTA found: the name before `[ip]` in the from comment,
    /// or the from-value when the comment carries the HELO name (Exim, qmail). Nil for `unknown`.
    public var reverseDNS: String?
    public var diagnostics: [Diagnostic]

    /// Parses the unfolded header value.
    public init(parsing value: String) {
        comments = []
        diagnostics = []
        var parser = ReceivedParser(value)
        parser.parse(into: &self)
    }
}

private struct ReceivedParser {
    enum Keyword: String, CaseIterable {
        case from, by, via, with, id, `for`

        /// Matches the keyword in any case without building a String for every word: the word's
        /// bytes, letters lower-cased by setting 0x20, are packed into one number and compared with
        /// the keywords'. Setting 0x20 makes a letter only of a letter, so only letters can match.
        init?(bytes: ArraySlice<UInt8>) {
            guard bytes.count >= 2, bytes.count <= 4 else { return nil }
            let packed = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1 | 0x20) }
            guard let match = Self.packedKeywords.first(where: { $0.packed == packed }) else { return nil }
            self = match.keyword
        }

        private static let packedKeywords = allCases.map { keyword in
            (packed: keyword.rawValue.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }, keyword: keyword)
        }
    }

    enum Piece {
        case word(String)
        case literal(String)
        case angle(String)
        case quoted(String)

        var text: String {
            switch self {
            case .word(let text), .literal(let text), .angle(let text), .quoted(let text): text
            }
        }
    }

    struct WorkingClause {
        let keyword: Keyword
        // Most clauses hold one piece, kept apart so that it needs no array (nor any joining).
        private var firstPiece: Piece?
        private var morePieces: [Piece] = []
        var comments: [String] = []

        init(keyword: Keyword) { self.keyword = keyword }

        mutating func append(_ piece: Piece) {
            if firstPiece == nil { firstPiece = piece } else { morePieces.append(piece) }
        }

        var first: Piece? { firstPiece }
        var second: Piece? { morePieces.first }

        func forEachPiece(_ body: (Piece) -> Void) {
            guard let firstPiece else { return }
            body(firstPiece)
            morePieces.forEach(body)
        }

        var value: String {
            guard let firstPiece else { return "" }
            return morePieces.isEmpty ? firstPiece.text : ([firstPiece] + morePieces).map(\.text).joined(separator: " ")
        }
    }

    let value: String
    var diagnostics: [Diagnostic] = []

    /// Ends a word: `;` and a stray `)` are handled on their own.
    static let wordStops = TraceByteSet(";)")

    init(_ value: String) {
        self.value = value
    }

    mutating func parse(into header: inout ReceivedHeader) {
        var scanner = TraceScanner(value)
        scanner.skipWhitespace()
        if scanner.isAtEnd {
            report("received.empty", .warning, "the header is empty")
            header.diagnostics = diagnostics
            return
        }
        let (clauseEnd, prescanProblems) = dateSeparator(in: scanner)
        if let clauseEnd {
            readDate(scanner.text(TraceText.trimmedRange(scanner.bytes, (clauseEnd + 1)..<scanner.end)), into: &header)
        } else {
            report("received.missing-date", .warning, "no `;` and date after the clauses")
        }
        scanner.end = clauseEnd ?? scanner.end
        readClauses(&scanner, into: &header)
        for problem in TraceScanner.Problem.allCases where prescanProblems.contains(problem) || scanner.problems.contains(problem) {
            switch problem {
            case .unterminatedComment:
                report("received.unterminated-comment", .warning, "a comment is not closed; it was read to the end")
            case .unterminatedQuotedString:
                report("received.unterminated-quoted-string", .warning, "a quoted string is not closed; it was read to the end")
            case .unterminatedLiteral:
                report("received.unterminated-literal", .warning, "a `[` or `<` is not closed; it was read to the end")
            }
        }
        header.diagnostics = diagnostics
    }

    /// The last `;` outside comments and quoted strings, and what went wrong finding it. When a
    /// comment never closes it would swallow the date, so the last `;` anywhere is used instead.
    /// One pass over the bytes, comments and quoted strings skipped as the scanner skips them.
    private func dateSeparator(in scanner: TraceScanner) -> (Int?, [TraceScanner.Problem]) {
        let end = scanner.end
        return scanner.bytes.withUnsafeBufferPointer { bytes in
            var index = scanner.position
            var last: Int?
            while index < end {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: ";") {
                    last = index - 1
                } else if byte == UInt8(ascii: "(") {
                    var depth = 1
                    while index < end && depth > 0 {
                        let current = bytes[index]
                        index += 1
                        if current == UInt8(ascii: "\\") {
                            if index < end { index += 1 }
                        } else if current == UInt8(ascii: "(") {
                            depth += 1
                        } else if current == UInt8(ascii: ")") {
                            depth -= 1
                        }
                    }
                    if depth > 0 { return (bytes.lastIndex(of: UInt8(ascii: ";")), [.unterminatedComment]) }
                } else if byte == UInt8(ascii: "\"") {
                    var closed = false
                    while index < end {
                        let current = bytes[index]
                        index += 1
                        if current == UInt8(ascii: "\\") {
                            if index < end { index += 1 }
                        } else if current == UInt8(ascii: "\"") {
                            closed = true
                            break
                        }
                    }
                    if !closed { return (bytes.lastIndex(of: UInt8(ascii: ";")), [.unterminatedQuotedString]) }
                }
            }
            return (last, [])
        }
    }

    private mutating func readDate(_ text: String, into header: inout ReceivedHeader) {
        guard !text.isEmpty else {
            report("received.missing-date", .warning, "nothing follows the last `;`")
            return
        }
        header.dateText = text
        header.date = RFC5322Date.parse(text)
        if header.date == nil {
            report("received.unparsed-date", .error, "the date `\(TraceText.snippet(text))` could not be read")
        }
    }

    private mutating func readClauses(_ scanner: inout TraceScanner, into header: inout ReceivedHeader) {
        var current: WorkingClause?
        var stray: [String] = []
        var from: WorkingClause?
        // Each clause is stored as soon as it ends, with no list of them; what it reports comes
        // after what the text before any clause reports, as when they were stored last.
        var clauseReports: [Diagnostic] = []
        func store(_ clause: WorkingClause) {
            let result = ReceivedHeader.Clause(value: clause.value, comments: clause.comments)
            if result.value.isEmpty, result.comments.isEmpty {
                clauseReports.append(Diagnostic("received.empty-clause", .warning, "`\(clause.keyword.rawValue)` has no value"))
            }
            guard header[clause: clause.keyword] == nil else {
                clauseReports.append(Diagnostic(
                    "received.duplicate-clause", .warning,
                    "a second `\(clause.keyword.rawValue)` clause `\(TraceText.snippet(result.value))` was ignored"))
                return
            }
            header[clause: clause.keyword] = result
            if clause.keyword == .from { from = clause }
        }
        while true {
            scanner.skipWhitespace()
            guard let byte = scanner.peek() else { break }
            let piece: Piece
            switch byte {
            case UInt8(ascii: "("):
                let comment = scanner.readComment()
                if current != nil { current!.comments.append(comment) } else { header.comments.append(comment) }
                continue
            case UInt8(ascii: ")"):
                scanner.position += 1
                report("received.unbalanced-parenthesis", .warning, "a `)` closes no comment; it was skipped")
                continue
            case UInt8(ascii: ";"):
                // An early `;` (`id X;\tfor <a@b>; date`) separates nothing that matters.
                scanner.position += 1
                continue
            case UInt8(ascii: "\""):
                piece = .quoted(scanner.readQuotedString())
            case UInt8(ascii: "<"):
                piece = .angle(scanner.readEnclosed(closing: UInt8(ascii: ">")))
            case UInt8(ascii: "["):
                let literal = scanner.readEnclosed(closing: UInt8(ascii: "]"))
                // Keeps a port glued to the literal: `[192.0.2.1]:2525`.
                piece = .literal("[" + literal + "]" + scanner.readRun(until: Self.wordStops))
            default:
                let word = scanner.readRunRange(until: Self.wordStops)
                if let keyword = Keyword(bytes: scanner.bytes[word]) {
                    if let finished = current { store(finished) }
                    current = WorkingClause(keyword: keyword)
                    continue
                }
                piece = .word(scanner.text(word))
            }
            if current != nil { current!.append(piece) } else { stray.append(piece.text) }
        }
        if let finished = current { store(finished) }
        if !stray.isEmpty {
            report(
                "received.unexpected-text", .error,
                "`\(TraceText.snippet(stray.joined(separator: " ")))` comes before any clause; it was skipped")
        }
        diagnostics += clauseReports
        if let from { describeConnection(from, into: &header) }
    }

    /// Fills connectingIP, helo and reverseDNS from the from-clause.
    private func describeConnection(_ clause: WorkingClause, into header: inout ReceivedHeader) {
        var bracketIP: IPAddress?
        var bareIP: IPAddress?
        var commentHelo: String?
        var nameBeforeBracket: String?
        for comment in clause.comments {
            // Over the bytes the comment lends, word by word, each found where the previous one
            // ends: no copy of the text and no list of words.
            ASCII.withBytes(of: comment) { bytes in
                var previous: Range<Int>? = nil
                var next = Self.word(in: bytes, from: 0)
                while let range = next {
                    next = Self.word(in: bytes, from: range.upperBound)
                    defer { previous = range }
                    var word = bytes[range]
                    while let last = word.last, last == UInt8(ascii: ",") || last == UInt8(ascii: ";") || last == UInt8(ascii: ")") {
                        word = word.dropLast()
                    }
                    if word.first == UInt8(ascii: "[") {
                        let inside = word.dropFirst().prefix { $0 != UInt8(ascii: "]") }
                        if bracketIP == nil, let address = IPAddress(utf8: inside) {
                            bracketIP = address
                            if let previous { nameBeforeBracket = String(decoding: bytes[previous], as: UTF8.self) }
                        }
                    } else if word.count > 5, TraceText.equals(bytes: word.prefix(5), "helo=".utf8) {
                        if commentHelo == nil { commentHelo = String(decoding: word.dropFirst(5), as: UTF8.self) }
                    } else if TraceText.equals(bytes: word, "helo".utf8) || TraceText.equals(bytes: word, "ehlo".utf8) {
                        if commentHelo == nil, let name = next {
                            commentHelo = String(decoding: bytes[name], as: UTF8.self)
                        }
                    } else if bareIP == nil {
                        // qmail writes `(ident@192.0.2.1)`.
                        let address = word.lastIndex(of: UInt8(ascii: "@")).map { word[($0 + 1)...] } ?? word
                        bareIP = IPAddress(utf8: address)
                    }
                }
            }
        }
        var valueIP: IPAddress?
        var valueName: String?
        clause.forEachPiece { piece in
            switch piece {
            case .literal(let text):
                if valueIP == nil { valueIP = IPAddress(String(text.prefix { $0 != "]" }) + "]") }
            case .word(let text):
                if valueIP == nil, let address = IPAddress(text) { valueIP = address }
            case .angle, .quoted:
                break
            }
        }
        // One name, perhaps followed by its literal; several words (`mail pickup service`) or an
        // address are not a HELO name.
        let secondIsWord: Bool
        if case .word? = clause.second { secondIsWord = true } else { secondIsWord = false }
        switch clause.first {
        case .word(let text)? where !secondIsWord && !ASCII.contains(UInt8(ascii: "@"), in: text): valueName = text
        case .literal(let text)?: valueName = text
        default: break
        }
        header.connectingIP = bracketIP ?? bareIP ?? valueIP
        header.helo = commentHelo ?? valueName
        if let name = nameBeforeBracket, Self.isHostName(name) {
            header.reverseDNS = name
        } else if commentHelo != nil, let name = valueName, Self.isHostName(name) {
            header.reverseDNS = name
        }
    }

    /// Where the first whitespace-separated word of `bytes` at or after `start` is; nil when none.
    private static func word(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Range<Int>? {
        var index = start
        while index < bytes.count, ASCII.isWhitespace(bytes[index]) { index += 1 }
        let wordStart = index
        while index < bytes.count, !ASCII.isWhitespace(bytes[index]) { index += 1 }
        return wordStart < index ? wordStart..<index : nil
    }

    /// A plausible DNS name: dotted or `localhost`, and not an address literal.
    private static func isHostName(_ text: String) -> Bool {
        guard !ASCII.hasPrefix(text, "["), IPAddress(text) == nil else { return false }
        return ASCII.contains(UInt8(ascii: "."), in: text) || TraceText.equals(text, "localhost")
    }

    private mutating func report(_ code: DiagnosticCode, _ severity: Severity, _ message: String) {
        diagnostics.append(Diagnostic(code, severity, message))
    }
}

extension ReceivedHeader {
    /// The slot for one clause keyword.
    fileprivate subscript(clause keyword: ReceivedParser.Keyword) -> Clause? {
        get {
            switch keyword {
            case .from: from
            case .by: by
            case .via: via
            case .with: with
            case .id: id
            case .for: self.for
            }
        }
        set {
            switch keyword {
            case .from: from = newValue
            case .by: by = newValue
            case .via: via = newValue
            case .with: with = newValue
            case .id: id = newValue
            case .for: self.for = newValue
            }
        }
    }
}
