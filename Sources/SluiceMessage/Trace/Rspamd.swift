import SluiceDiagnostics

/// `X-Spamd-Result` as rspamd writes it:
/// `default: False [3.40 / 15.00]; SYMBOL(1.00)[opt1,opt2]; ...`.
public struct RspamdResult: Sendable, Hashable, Codable {
    /// The metric name, normally `default`.
    public var metric: String?
    /// `True` or `False` after the metric.
    public var isSpam: Bool?
    public var score: Double?
    /// The threshold after the `/`.
    public var required: Double?
    /// Every symbol, in header order.
    public var symbols: [RspamdSymbol]
    public var diagnostics: [Diagnostic]

    /// Parses the unfolded header value.
    public init(parsing value: String) {
        symbols = []
        diagnostics = []
        var scanner = TraceScanner(value)
        readSummary(&scanner)
        while !scanner.isAtEnd {
            scanner.skipWhitespace()
            if scanner.consume(UInt8(ascii: ";")) || scanner.isAtEnd { continue }
            readSymbol(&scanner)
        }
        if scanner.problems.contains(.unterminatedLiteral) {
            report("rspamd.unterminated-bracket", .warning, "a `[` or `(` is not closed; it was read to the end")
        }
    }

    /// The first symbol named `name` (case-sensitive, as rspamd names are).
    public func symbol(_ name: String) -> RspamdSymbol? {
        symbols.first { $0.name == name }
    }

    private static let metricStops = TraceByteSet(":;[")
    private static let nameStops = TraceByteSet(";([")

    /// `default: False [3.40 / 15.00]`, up to the first `;`.
    private mutating func readSummary(_ scanner: inout TraceScanner) {
        scanner.skipWhitespace()
        let start = scanner.position
        let metric = scanner.readRun(until: Self.metricStops)
        scanner.skipWhitespace()
        guard !metric.isEmpty, scanner.consume(UInt8(ascii: ":")) else {
            scanner.position = start
            report("rspamd.missing-summary", .warning, "the header does not start with `metric: True|False [score / required]`")
            return
        }
        self.metric = metric
        scanner.skipWhitespace()
        let verdict = scanner.readRun(until: Self.metricStops)
        if TraceText.equals(verdict, "true") {
            isSpam = true
        } else if TraceText.equals(verdict, "false") {
            isSpam = false
        } else {
            report("rspamd.invalid-verdict", .warning, "`\(TraceText.snippet(verdict))` is not `True` or `False`")
        }
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "[") {
            let inside = scanner.readEnclosed(closing: UInt8(ascii: "]"))
            let parts = inside.split(separator: "/", omittingEmptySubsequences: false)
            score = parts.first.flatMap { TraceText.decimal(ASCII.trimmed($0)) }
            required = parts.count == 2 ? TraceText.decimal(ASCII.trimmed(parts[1])) : nil
            if score == nil || required == nil {
                report("rspamd.invalid-score", .warning, "`[\(TraceText.snippet(inside))]` is not `[score / required]`")
            }
        } else {
            report("rspamd.invalid-score", .warning, "no `[score / required]` after the verdict")
        }
        scanner.skip(until: UInt8(ascii: ";"))
    }

    /// `NAME(score)[options]` up to the next `;`.
    private mutating func readSymbol(_ scanner: inout TraceScanner) {
        let start = scanner.position
        let name = scanner.readRun(until: Self.nameStops)
        guard !name.isEmpty else {
            scanner.skip(until: UInt8(ascii: ";"))
            if scanner.position == start { scanner.position += 1 }
            report("rspamd.unexpected-text", .error, "unexpected `\(TraceText.snippet(scanner.text(start..<scanner.position)))`; it was skipped")
            return
        }
        var symbol = RspamdSymbol(name: name)
        if scanner.peek() == UInt8(ascii: "(") {
            // Not a comment: rspamd's parentheses hold the score.
            let text = scanner.readEnclosed(closing: UInt8(ascii: ")"))
            symbol.score = TraceText.decimal(ASCII.trimmed(text))
            if symbol.score == nil {
                report("rspamd.invalid-symbol-score", .warning, "symbol `\(TraceText.snippet(name))` has score `\(TraceText.snippet(text))`")
            }
        }
        if scanner.peek() == UInt8(ascii: "[") {
            let options = readOptions(&scanner)
            symbol.options = options.split(separator: ",").map { ASCII.trimmed($0) }.filter { !$0.isEmpty }
        }
        symbols.append(symbol)
        let rest = scanner.position
        scanner.skip(until: UInt8(ascii: ";"))
        if !ASCII.trimmed(scanner.text(rest..<scanner.position)).isEmpty {
            report(
                "rspamd.unexpected-text", .error,
                "unexpected `\(TraceText.snippet(scanner.text(rest..<scanner.position)))` after symbol `\(TraceText.snippet(name))`; it was skipped")
        }
    }

    /// The options inside `[...]`; nested brackets (IPv6 literals, regexps) stay inside.
    private mutating func readOptions(_ scanner: inout TraceScanner) -> String {
        scanner.position += 1
        let start = scanner.position
        var depth = 1
        while let byte = scanner.peek() {
            if byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    let text = scanner.text(start..<scanner.position)
                    scanner.position += 1
                    return text
                }
            }
            scanner.position += 1
        }
        report("rspamd.unterminated-bracket", .warning, "a `[` is not closed; it was read to the end")
        return scanner.text(start..<scanner.position)
    }

    private mutating func report(_ code: DiagnosticCode, _ severity: Severity, _ message: String) {
        diagnostics.append(Diagnostic(code, severity, message))
    }
}

/// One rspamd symbol: `R_SPF_ALLOW(-0.20)[+ip4:192.0.2.0/24]`.
public struct RspamdSymbol: Sendable, Hashable, Codable {
    public var name: String
    public var score: Double?
    public var options: [String]

    public init(name: String, score: Double? = nil, options: [String] = []) {
        self.name = name
        self.score = score
        self.options = options
    }
}

/// The rspamd header family read together: `X-Spamd-Result`, `X-Rspamd-Score` and
/// `X-Rspamd-Action`. Pass the unfolded values of the headers present.
public struct RspamdHeaders: Sendable, Hashable, Codable {
    public var result: RspamdResult?
    /// `X-Rspamd-Score`.
    public var score: Double?
    /// `X-Rspamd-Action`, lower-cased: `no action`, `greylist`, `add header`, `rewrite subject`,
    /// `soft reject`, `reject`.
    public var action: String?
    /// Problems in any of the headers, the result header's included.
    public var diagnostics: [Diagnostic]

    public init(result: String? = nil, score: String? = nil, action: String? = nil) {
        diagnostics = []
        if let result {
            let parsed = RspamdResult(parsing: result)
            self.result = parsed
            diagnostics += parsed.diagnostics
        }
        if let score {
            self.score = TraceText.decimal(ASCII.trimmed(score))
            if self.score == nil {
                diagnostics.append(
                    Diagnostic("rspamd.invalid-score", .warning, "X-Rspamd-Score `\(TraceText.snippet(score))` is not a number"))
            }
        }
        if let action {
            let text = TraceText.words(action).joined(separator: " ")
            if text.isEmpty {
                diagnostics.append(Diagnostic("rspamd.empty-action", .warning, "X-Rspamd-Action is empty"))
            } else {
                self.action = ASCII.lowercased(text)
            }
        }
    }

}
