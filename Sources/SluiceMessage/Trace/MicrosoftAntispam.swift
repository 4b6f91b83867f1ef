import SluiceDiagnostics

/// One `NAME:value` field of a Microsoft antispam header, as written (trimmed).
public struct MicrosoftAntispamField: Sendable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// `X-Forefront-Antispam-Report` (reference §6.1–6.3): semicolon-separated `FIELD:value` pairs.
/// Every field is kept in order; the typed accessors read the documented ones and return nil
/// when a field is absent, empty or invalid (invalid values are reported).
public struct ForefrontAntispamReport: Sendable, Hashable, Codable {
    public var fields: [MicrosoftAntispamField]
    public var diagnostics: [Diagnostic]

    /// Parses the unfolded header value.
    public init(parsing value: String) {
        diagnostics = []
        fields = MicrosoftAntispamField.split(value, area: "forefront", diagnostics: &diagnostics)
        if let text = self.value(for: "SCL"), !text.isEmpty, scl == nil {
            diagnostics.append(
                Diagnostic("forefront.invalid-scl", .warning, "SCL `\(TraceText.snippet(text))` is not a number from -1 to 9"))
        }
        if let text = self.value(for: "CIP"), !text.isEmpty, cip == nil {
            diagnostics.append(
                Diagnostic("forefront.invalid-cip", .warning, "CIP `\(TraceText.snippet(text))` is not an IP address"))
        }
    }

    /// The first field named `name` (case-insensitive); "" when present but empty.
    public func value(for name: String) -> String? {
        // By index: `first(where:)` copies out each field it looks at.
        for index in fields.indices where TraceText.equals(fields[index].name, name) { return fields[index].value }
        return nil
    }

    private func nonEmpty(_ name: String) -> String? {
        guard let text = value(for: name), !text.isEmpty else { return nil }
        return text
    }

    /// Spam confidence level, -1...9 (reference §3.6).
    public var scl: Int? {
        guard let text = nonEmpty("SCL"), let level = TraceText.integer(text), (-1...9).contains(level) else { return nil }
        return level
    }
    /// Spam filtering verdict: `NSPM`, `SPM`, `SKA`, `SFE`, ... (reference §6.3).
    public var sfv: String? { nonEmpty("SFV") }
    /// Category of the policy that applied: `NONE`, `SPM`, `PHSH`, `BULK`, ... (reference §6.2).
    public var cat: String? { nonEmpty("CAT") }
    /// Connecting IP.
    public var cip: IPAddress? { nonEmpty("CIP").flatMap(IPAddress.init) }
    /// Reverse DNS of the connecting IP.
    public var ptr: String? { nonEmpty("PTR") }
    /// The HELO/EHLO name (`H:`).
    public var helo: String? { nonEmpty("H") }
    /// Country or region of the connecting IP (`CTRY:`).
    public var country: String? { nonEmpty("CTRY") }
    /// Detected language (`LANG:`).
    public var language: String? { nonEmpty("LANG") }
    /// IP reputation: `NLI`, `CAL`, ...
    public var ipv: String? { nonEmpty("IPV") }
    /// `INB`, `OUT` or `INT` (`DIR:`).
    public var direction: String? { nonEmpty("DIR") }
    /// `BULK` when bulk was identified by BCL (`SRV:`).
    public var srv: String? { nonEmpty("SRV") }
    /// Phish sub-marker such as `9.19`, `9.20`, `9.25` (`SFTY:`).
    public var sfty: String? { nonEmpty("SFTY") }
}

/// `X-Microsoft-Antispam` (reference §6.4): `BCL:0;` and other, internal, fields.
public struct MicrosoftAntispam: Sendable, Hashable, Codable {
    public var fields: [MicrosoftAntispamField]
    public var diagnostics: [Diagnostic]

    /// Parses the unfolded header value.
    public init(parsing value: String) {
        diagnostics = []
        fields = MicrosoftAntispamField.split(value, area: "microsoft-antispam", diagnostics: &diagnostics)
        // One call per name: a loop over a literal list would allocate the list each time.
        checkLevel("BCL", code: "microsoft-antispam.invalid-bcl")
        checkLevel("PCL", code: "microsoft-antispam.invalid-pcl")
    }

    private mutating func checkLevel(_ name: String, code: DiagnosticCode) {
        if let text = value(for: name), Self.level(text) == nil {
            diagnostics.append(
                Diagnostic(code, .warning, "\(name) `\(TraceText.snippet(text))` is not a number from 0 to 9"))
        }
    }

    /// The first field named `name` (case-insensitive); "" when present but empty.
    public func value(for name: String) -> String? {
        // By index: `first(where:)` copies out each field it looks at.
        for index in fields.indices where TraceText.equals(fields[index].name, name) { return fields[index].value }
        return nil
    }

    /// Bulk complaint level, 0...9.
    public var bcl: Int? { value(for: "BCL").flatMap(Self.level) }
    /// Phishing confidence level, 0...9, when present (documented only for on-premises Exchange).
    public var pcl: Int? { value(for: "PCL").flatMap(Self.level) }

    private static func level(_ text: String) -> Int? {
        // One digit, as levels are written: read from the String's one byte.
        if text.utf8.count == 1, let byte = text.utf8.first {
            return byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
        }
        guard let level = TraceText.integer(text, allowSign: false), (0...9).contains(level) else { return nil }
        return level
    }
}

extension MicrosoftAntispamField {
    /// Splits `A:1;B:x:y;` into fields. Only the first colon separates name from value, since
    /// values such as an IPv6 `CIP` hold colons of their own.
    static func split(_ value: String, area: String, diagnostics: inout [Diagnostic]) -> [MicrosoftAntispamField] {
        // Over the bytes the value lends: no copy of it is made.
        let fields = ASCII.withBytes(of: value) { bytes -> [MicrosoftAntispamField] in
            func trimmed(_ range: Range<Int>) -> Range<Int> { TraceText.trimmedRange(bytes, range) }
            func text(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            var fields: [MicrosoftAntispamField] = []
            var start = 0
            while start < bytes.count {
                let end = ASCII.index(of: UInt8(ascii: ";"), in: bytes, from: start)
                let piece = trimmed(start..<end)
                start = end + 1
                guard !piece.isEmpty else { continue }
                guard let colon = bytes[piece].firstIndex(of: UInt8(ascii: ":")) else {
                    let text = text(piece)
                    diagnostics.append(
                        Diagnostic(
                            DiagnosticCode("\(area).malformed-field"), .warning,
                            "field `\(TraceText.snippet(text))` has no `:`; it was kept with an empty value"))
                    fields.append(MicrosoftAntispamField(name: text, value: ""))
                    continue
                }
                fields.append(
                    MicrosoftAntispamField(
                        name: text(trimmed(piece.lowerBound..<colon)), value: text(trimmed((colon + 1)..<piece.upperBound))))
            }
            return fields
        }
        if fields.isEmpty {
            diagnostics.append(Diagnostic(DiagnosticCode("\(area).empty"), .warning, "the header has no fields"))
        }
        return fields
    }
}
