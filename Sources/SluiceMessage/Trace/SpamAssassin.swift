import SluiceDiagnostics

/// `X-Spam-Status` as SpamAssassin writes it:
/// `Yes, score=5.2 required=5.0 tests=A,B autolearn=no version=3.4.6` (older versions: `hits=`).
public struct SpamAssassinStatus: Sendable, Hashable, Codable {
    /// One `key=value` pair after the verdict; the key lower-cased.
    public struct Field: Sendable, Hashable, Codable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The leading `Yes` or `No`.
    public var isSpam: Bool?
    /// `score=`, or `hits=` in versions before 3.0.
    public var score: Double?
    /// `required=`: the threshold.
    public var required: Double?
    /// `tests=`, in order; empty for `tests=none`.
    public var tests: [SpamAssassinTest]
    /// `autolearn=`: `ham`, `spam`, `no`, `disabled`, `unavailable`, `failed`.
    public var autolearn: String?
    public var version: String?
    /// Every pair, in header order.
    public var fields: [Field]
    public var diagnostics: [Diagnostic]

    /// The first value for `key` (case-insensitive), such as `autolearn_force`.
    public func value(for key: String) -> String? {
        fields.first { TraceText.equals($0.key, key) }?.value
    }

    /// Parses the unfolded header value.
    public init(parsing value: String) {
        tests = []
        fields = []
        diagnostics = []
        var scanner = TraceScanner(value)
        scanner.skipWhitespace()
        let verdictStart = scanner.position
        let verdict = scanner.readRun(until: Self.verdictStops)
        if TraceText.equals(verdict, "yes") {
            isSpam = true
        } else if TraceText.equals(verdict, "no") {
            isSpam = false
        } else {
            scanner.position = verdictStart
            report("spamassassin.missing-verdict", .warning, "the header does not start with `Yes` or `No`")
        }
        _ = scanner.consume(UInt8(ascii: ","))
        while true {
            scanner.skipWhitespace()
            guard !scanner.isAtEnd else { break }
            let start = scanner.position
            let key = scanner.readRun(until: Self.keyStops)
            guard !key.isEmpty, scanner.consume(UInt8(ascii: "=")) else {
                // Skips the word, or the stray byte (`(`, `"`, `=`) that stopped it.
                if scanner.position == start { scanner.position += 1 }
                report(
                    "spamassassin.unexpected-text", .error,
                    "unexpected `\(TraceText.snippet(scanner.text(start..<scanner.position)))`; it was skipped")
                continue
            }
            let lowerKey = ASCII.lowercased(key)
            let fieldValue = lowerKey == "tests" ? Self.readList(&scanner) : scanner.readRun(until: Self.noStops)
            fields.append(Field(key: lowerKey, value: fieldValue))
        }
        for field in fields {
            switch field.key {
            case "score", "hits":
                if score == nil { score = number(field) }
            case "required":
                if required == nil { required = number(field) }
            case "tests":
                tests = Self.tests(field.value)
            case "autolearn":
                autolearn = field.value
            case "version":
                version = field.value
            default:
                break
            }
        }
    }

    private static let verdictStops = TraceByteSet(",=")
    private static let keyStops = TraceByteSet("=")
    private static let noStops = TraceByteSet("")

    /// The test list, which folding may split after (or before) a comma.
    private static func readList(_ scanner: inout TraceScanner) -> String {
        var list = scanner.readRun(until: noStops)
        while true {
            let mark = scanner.position
            scanner.skipWhitespace()
            guard let byte = scanner.peek(), byte == UInt8(ascii: ",") || list.hasSuffix(",") else {
                scanner.position = mark
                return list
            }
            let next = scanner.readRun(until: noStops)
            if next.isEmpty || isPair(next) {
                scanner.position = mark
                return list
            }
            list += next
        }
    }

    /// `autolearn=ham`: a lower-case key and `=`. Rule names are upper case, so after a trailing
    /// comma this tells the next pair from the next test (`BAYES_00=-1.9` with scores).
    private static func isPair(_ word: String) -> Bool {
        guard let equals = word.utf8.firstIndex(of: UInt8(ascii: "=")), equals != word.utf8.startIndex else { return false }
        return word.utf8[..<equals].allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == UInt8(ascii: "_") }
    }

    private static func tests(_ list: String) -> [SpamAssassinTest] {
        if TraceText.equals(list, "none") { return [] }
        return list.split(separator: ",").compactMap { raw in
            let item = ASCII.trimmed(raw)
            guard !item.isEmpty else { return nil }
            // `tests=NAME=score` when the site's template uses _TESTSSCORES_.
            if let equals = item.firstIndex(of: "=") {
                return SpamAssassinTest(
                    name: String(item[..<equals]), score: TraceText.decimal(item[item.index(after: equals)...]))
            }
            return SpamAssassinTest(name: item, score: nil)
        }
    }

    private mutating func number(_ field: Field) -> Double? {
        guard let value = TraceText.decimal(field.value) else {
            report("spamassassin.invalid-number", .warning, "`\(field.key)=\(TraceText.snippet(field.value))` is not a number")
            return nil
        }
        return value
    }

    private mutating func report(_ code: DiagnosticCode, _ severity: Severity, _ message: String) {
        diagnostics.append(Diagnostic(code, severity, message))
    }
}

/// One SpamAssassin rule that hit, with its score when the header template includes it.
public struct SpamAssassinTest: Sendable, Hashable, Codable {
    public var name: String
    public var score: Double?

    public init(name: String, score: Double? = nil) {
        self.name = name
        self.score = score
    }
}

/// The SpamAssassin header family read together: `X-Spam-Status`, `X-Spam-Score`,
/// `X-Spam-Flag` and `X-Spam-Level`. Pass the unfolded values of the headers present.
public struct SpamAssassinHeaders: Sendable, Hashable, Codable {
    public var status: SpamAssassinStatus?
    /// `X-Spam-Score`.
    public var score: Double?
    /// `X-Spam-Flag`: `YES` or `NO`.
    public var flag: Bool?
    /// `X-Spam-Level`: the number of `*`.
    public var level: Int?
    /// Problems in any of the headers, the status header's included.
    public var diagnostics: [Diagnostic]

    public init(status: String? = nil, score: String? = nil, flag: String? = nil, level: String? = nil) {
        diagnostics = []
        if let status {
            let parsed = SpamAssassinStatus(parsing: status)
            self.status = parsed
            diagnostics += parsed.diagnostics
        }
        if let score {
            // Some sites append a bar: `5.2 (+++++)`.
            let first = TraceText.words(score).first.map(String.init) ?? ""
            self.score = TraceText.decimal(first)
            if self.score == nil {
                diagnostics.append(
                    Diagnostic("spamassassin.invalid-score", .warning, "X-Spam-Score `\(TraceText.snippet(score))` is not a number"))
            }
        }
        if let flag {
            let text = ASCII.trimmed(flag)
            if TraceText.equals(text, "yes") {
                self.flag = true
            } else if TraceText.equals(text, "no") {
                self.flag = false
            } else {
                diagnostics.append(
                    Diagnostic("spamassassin.invalid-flag", .warning, "X-Spam-Flag `\(TraceText.snippet(text))` is not `YES` or `NO`"))
            }
        }
        if let level {
            let text = ASCII.trimmed(level)
            if text.utf8.allSatisfy({ $0 == UInt8(ascii: "*") }) {
                self.level = text.utf8.count
            } else {
                diagnostics.append(
                    Diagnostic("spamassassin.invalid-level", .warning, "X-Spam-Level `\(TraceText.snippet(text))` is not a row of `*`"))
            }
        }
    }

    /// The flag when present, else the status verdict.
    public var isSpam: Bool? { flag ?? status?.isSpam }
}
