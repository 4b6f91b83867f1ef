import SluiceDiagnostics

/// A `Received-SPF` header (RFC 7208 §9.1): the result, its comment, and the key=value list.
public struct ReceivedSPF: Sendable, Hashable, Codable {
    /// Lower-cased result: `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror`,
    /// `permerror`, or what the producer wrote instead (reported).
    public var result: String
    /// The comment after the result, such as `mybox.example.org: domain of … designates …`.
    public var comment: String?
    /// The key=value list in header order; keys lower-cased, values unquoted.
    public var parameters: [Parameter]
    public var diagnostics: [Diagnostic]

    public struct Parameter: Sendable, Hashable, Codable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The results RFC 7208 §8 defines.
    public static let knownResults: Set<String> = [
        "pass", "fail", "softfail", "neutral", "none", "temperror", "permerror",
    ]

    /// The first value for `key` (case-insensitive), such as `client-ip` or `envelope-from`.
    public func value(for key: String) -> String? {
        parameters.first { TraceText.equals($0.key, key) }?.value
    }

    /// `client-ip`, parsed.
    public var clientIP: IPAddress? { value(for: "client-ip").flatMap(IPAddress.init) }
    public var envelopeFrom: String? { value(for: "envelope-from") }
    public var helo: String? { value(for: "helo") }
    public var receiver: String? { value(for: "receiver") }
    /// `mailfrom` or `helo`: which identity the result is about.
    public var identity: String? { value(for: "identity") }
    public var mechanism: String? { value(for: "mechanism") }
    public var problem: String? { value(for: "problem") }

    /// Parses the unfolded header value.
    public init(parsing value: String) {
        result = ""
        comment = nil
        parameters = []
        diagnostics = []
        var scanner = TraceScanner(value)
        var comments: [String] = []
        scanner.skipCFWS(into: &comments)
        let resultText = scanner.readRun(until: Self.keyStops)
        if resultText.isEmpty {
            report("received-spf.missing-result", .error, "the header has no result")
        } else {
            result = ASCII.lowercased(resultText)
            if !Self.knownResults.contains(result) {
                report("received-spf.unknown-result", .warning, "`\(TraceText.snippet(resultText))` is not an SPF result")
            }
        }
        scanner.skipCFWS(into: &comments)
        comment = comments.first
        // RFC 7208 §9.1 separates pairs with `;`, but producers also use plain whitespace.
        while !scanner.isAtEnd {
            scanner.skipCFWS()
            if scanner.consume(UInt8(ascii: ";")) { continue }
            guard !scanner.isAtEnd else { break }
            let start = scanner.position
            let key = scanner.readRun(until: Self.keyStops)
            scanner.skipCFWS()
            guard !key.isEmpty, scanner.consume(UInt8(ascii: "=")) else {
                scanner.skip(until: UInt8(ascii: ";"))
                if scanner.position == start { scanner.position += 1 }
                report(
                    "received-spf.unexpected-text", .error,
                    "unexpected `\(TraceText.snippet(scanner.text(start..<scanner.position)))`; it was skipped")
                continue
            }
            scanner.skipCFWS()
            let pairValue: String
            if scanner.peek() == UInt8(ascii: "\"") {
                pairValue = scanner.readQuotedString()
            } else {
                pairValue = scanner.readRun(until: Self.valueStops)
            }
            if pairValue.isEmpty {
                report("received-spf.empty-value", .warning, "`\(TraceText.snippet(key))` has no value")
            }
            parameters.append(Parameter(key: ASCII.lowercased(key), value: pairValue))
        }
        if let text = self.value(for: "client-ip"), IPAddress(text) == nil {
            report("received-spf.invalid-client-ip", .warning, "client-ip `\(TraceText.snippet(text))` is not an IP address")
        }
        for problem in scanner.problemKinds {
            switch problem {
            case .unterminatedComment:
                report("received-spf.unterminated-comment", .warning, "a comment is not closed; it was read to the end")
            case .unterminatedQuotedString:
                report(
                    "received-spf.unterminated-quoted-string", .warning,
                    "a quoted string is not closed; it was read to the end")
            case .unterminatedLiteral:
                break
            }
        }
    }

    private static let keyStops = TraceByteSet(";=")
    private static let valueStops = TraceByteSet(";")

    private mutating func report(_ code: DiagnosticCode, _ severity: Severity, _ message: String) {
        diagnostics.append(Diagnostic(code, severity, message))
    }
}
