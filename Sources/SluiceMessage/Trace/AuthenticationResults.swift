import SluiceDiagnostics

/// An `Authentication-Results` header (RFC 8601) or an `ARC-Authentication-Results` header
/// (RFC 8617 §4.1.1, the same payload after `i=N;`).
public struct AuthenticationResults: Sendable, Hashable, Codable {
    /// The authserv-id, lower-cased; nil when the producer left it out, as Microsoft 365 does.
    public var authservID: String?
    /// The optional version after the authserv-id (RFC 8601 §2.2).
    public var version: Int?
    /// The ARC instance `i=` of an `ARC-Authentication-Results` header.
    public var instance: Int?
    /// True for the `; none` form: the host checked nothing (RFC 8601 §2.2).
    public var isNone: Bool
    /// Every resinfo, in header order.
    public var results: [ResultInfo]
    /// Comments not attached to a resinfo, such as those around the authserv-id.
    public var comments: [String]
    /// Whether the authserv-id belongs to a host the caller trusts (RFC 8601 §5). The parser
    /// always sets false; only the caller knows its own boundary.
    public var isTrusted: Bool
    /// What could not be read, or was read leniently.
    public var diagnostics: [Diagnostic]

    /// One `method=result` with its reason, comments and properties.
    public struct ResultInfo: Sendable, Hashable, Codable {
        /// Lower-cased method, such as `spf`, `dkim`, `dmarc`, `compauth`.
        public var method: String
        /// The `/1` of `dkim/1=pass`.
        public var methodVersion: Int?
        /// Lower-cased result, such as `pass`, `fail`, `bestguesspass`.
        public var result: String
        /// The `reason=` value (RFC 8601 §2.2 reasonspec; Microsoft's compauth code too).
        public var reason: String?
        /// Comments inside this resinfo, in order: `sender IP is 192.0.2.1`, `p=reject dis=none`.
        public var comments: [String]
        /// `ptype.property=value` pairs, and bare `key=value` pairs (no ptype) in header order.
        /// A bare `reason=` appears here as well as in `reason`.
        public var properties: [Property]

        public init(
            method: String, methodVersion: Int? = nil, result: String, reason: String? = nil,
            comments: [String] = [], properties: [Property] = []
        ) {
            self.method = method
            self.methodVersion = methodVersion
            self.result = result
            self.reason = reason
            self.comments = comments
            self.properties = properties
        }

        /// The value of the first property named `header.from`, `smtp.mailfrom`, or a bare
        /// `action`; case-insensitive. An empty value (`header.from=`) is returned as "".
        public func property(_ name: String) -> String? {
            properties.first { $0.isNamed(name) }?.value
        }

        /// For a `dmarc` result, the From domain's published policy, read from `policy.dmarc=`
        /// (or `policy.published-domain-policy=`), else Microsoft's `action=`, else a comment
        /// `(p=reject sp=none dis=none)` as OpenDMARC and Gmail write it.
        public var dmarcPolicy: DMARCPolicy? {
            guard method == "dmarc" else { return nil }
            let commentFields = DMARCCommentFields(comments)
            let policy: DMARCPolicy.Action
            let source: DMARCPolicy.Source
            if let text = property("policy.dmarc") ?? property("policy.published-domain-policy"),
                let action = DMARCPolicy.Action(text: text)
            {
                (policy, source) = (action, .policyProperty)
            } else if let text = property("action"), let action = DMARCPolicy.Action(microsoftAction: text) {
                (policy, source) = (action, .microsoftAction)
            } else if let action = commentFields.policy {
                (policy, source) = (action, .comment)
            } else {
                return nil
            }
            return DMARCPolicy(
                policy: policy,
                source: source,
                subdomainPolicy: property("policy.published-subdomain-policy").flatMap(DMARCPolicy.Action.init(text:))
                    ?? commentFields.subdomainPolicy,
                disposition: property("policy.applied-disposition").flatMap(DMARCPolicy.Action.init(text:))
                    ?? commentFields.disposition
            )
        }
    }

    /// One property: `header.from=example.com` has ptype `header`, property `from`; Microsoft's
    /// bare `action=oreject` has no ptype. Ptype and property are lower-cased, the value is as
    /// written (quotes removed).
    public struct Property: Sendable, Hashable, Codable {
        /// `smtp`, `header`, `body`, `policy`, or whatever else the producer wrote; nil for bare keys.
        public var ptype: String?
        public var property: String
        public var value: String

        public init(ptype: String?, property: String, value: String) {
            self.ptype = ptype
            self.property = property
            self.value = value
        }

        /// `ptype.property`, or just `property` when there is no ptype.
        public var name: String {
            guard let ptype else { return property }
            return ptype + "." + property
        }

        /// Whether `name` is this property's name in any case, without building the name.
        func isNamed(_ wanted: String) -> Bool {
            guard let ptype else { return TraceText.equals(property, wanted) }
            let dot = ptype.utf8.count
            guard wanted.utf8.count == dot + 1 + property.utf8.count else { return false }
            // Over the bytes the Strings lend: the generic views of a String are far slower.
            return ASCII.withBytes(of: wanted) { wanted in
                wanted[dot] == UInt8(ascii: ".")
                    && ASCII.withBytes(of: ptype) { TraceText.equals(bytes: UnsafeBufferPointer(rebasing: wanted[..<dot]), $0) }
                    && ASCII.withBytes(of: property) {
                        TraceText.equals(bytes: UnsafeBufferPointer(rebasing: wanted[(dot + 1)...]), $0)
                    }
            }
        }
    }

    /// `p=`, `sp=` and `dis=` in a dmarc result's comments (`(p=reject sp=none dis=none)`): the
    /// first readable value of each, `,` and `;` ignored.
    private struct DMARCCommentFields {
        var policy: DMARCPolicy.Action?
        var subdomainPolicy: DMARCPolicy.Action?
        var disposition: DMARCPolicy.Action?

        /// Reads words as bytes. A word with non-ASCII in it never counts: its key or its value
        /// would not be ASCII (nor would its first `=` be one character were a mark to follow it).
        init(_ comments: [String]) {
            for comment in comments {
                ASCII.withBytes(of: comment) { bytes in
                    var index = 0
                    while index < bytes.count {
                        while index < bytes.count && ASCII.isWhitespace(bytes[index]) { index += 1 }
                        let start = index
                        while index < bytes.count && !ASCII.isWhitespace(bytes[index]) { index += 1 }
                        read(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    }
                }
            }
        }

        private mutating func read(_ word: UnsafeBufferPointer<UInt8>) {
            let equals = ASCII.index(of: UInt8(ascii: "="), in: word, from: 0)
            guard equals < word.count, ASCII.isASCII(word),
                let action = DMARCPolicy.Action(
                    bytes: UnsafeBufferPointer(rebasing: word[(equals + 1)...]), ignoringSeparators: true)
            else { return }
            // `p`, `sp` or `dis` in any case: a byte with 0x20 set is one of these lower-case
            // letters only when it is that letter in either case.
            let key = UnsafeBufferPointer(rebasing: word[..<equals])
            switch key.count {
            case 1 where key[0] | 0x20 == UInt8(ascii: "p"):
                policy = policy ?? action
            case 2 where key[0] | 0x20 == UInt8(ascii: "s") && key[1] | 0x20 == UInt8(ascii: "p"):
                subdomainPolicy = subdomainPolicy ?? action
            case 3
            where key[0] | 0x20 == UInt8(ascii: "d") && key[1] | 0x20 == UInt8(ascii: "i")
                && key[2] | 0x20 == UInt8(ascii: "s"):
                disposition = disposition ?? action
            default:
                break
            }
        }
    }

    /// Parses the unfolded header value. An ARC header's leading `i=N;` is read into `instance`.
    public init(parsing value: String) {
        authservID = nil
        version = nil
        instance = nil
        isNone = false
        results = []
        comments = []
        isTrusted = false
        diagnostics = []
        var parser = AuthenticationResultsParser(value)
        parser.parse(into: &self)
    }

    /// The results for one method, such as `dmarc`; case-insensitive.
    public func results(for method: String) -> [ResultInfo] {
        results.filter { TraceText.equals($0.method, method) }
    }
}

/// A DMARC policy as reported in an Authentication-Results header.
public struct DMARCPolicy: Sendable, Hashable, Codable {
    /// A DMARC policy or disposition value (RFC 7489 §6.3 `p=`).
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        case none
        case quarantine
        case reject

        /// Reads `none`, `quarantine`, `reject` in any case.
        init?(text: String) {
            guard let action = ASCII.withBytes(of: text, { Self(bytes: $0, ignoringSeparators: false) }) else {
                return nil
            }
            self = action
        }

        /// The same from UTF-8 bytes, compared in place, leaving out every `,` and `;` when
        /// `ignoringSeparators` (as a comment's `p=reject;` is read). The bytes, 0x20 set, are
        /// packed into two numbers and compared with the names': a byte with 0x20 set is a
        /// lower-case letter only when it is that letter in either case.
        init?(bytes: UnsafeBufferPointer<UInt8>, ignoringSeparators: Bool) {
            var head: UInt64 = 0, tail: UInt64 = 0
            var count = 0
            for byte in bytes where !ignoringSeparators || (byte != UInt8(ascii: ",") && byte != UInt8(ascii: ";")) {
                guard count < 10 else { return nil }
                if count < 8 { head = head << 8 | UInt64(byte | 0x20) } else { tail = tail << 8 | UInt64(byte | 0x20) }
                count += 1
            }
            switch (count, head, tail) {
            case (4, 0x6e6f_6e65, 0): self = .none  // none
            case (6, 0x7265_6a65_6374, 0): self = .reject  // reject
            case (10, 0x7175_6172_616e_7469, 0x6e65): self = .quarantine  // quaranti ne
            default: return nil
            }
        }

        /// Reads Microsoft's `action=` (reference §6.5): `oreject` and `pct.reject` mean the domain
        /// publishes reject, `pct.quarantine` quarantine; `permerror`/`temperror` say nothing.
        init?(microsoftAction text: String) {
            switch ASCII.lowercased(text) {
            case "none": self = .none
            case "quarantine", "pct.quarantine": self = .quarantine
            case "reject", "oreject", "pct.reject": self = .reject
            default: return nil
            }
        }
    }

    /// Where the policy was read.
    public enum Source: String, Sendable, Hashable, Codable {
        /// `policy.dmarc=` or `policy.published-domain-policy=`.
        case policyProperty
        /// Microsoft's `action=`.
        case microsoftAction
        /// `p=` inside a comment.
        case comment
    }

    /// The From domain's published policy.
    public var policy: Action
    public var source: Source
    /// `sp=`, when reported.
    public var subdomainPolicy: Action?
    /// `dis=`: what the reporting host did with the message, when reported.
    public var disposition: Action?

    public init(policy: Action, source: Source, subdomainPolicy: Action? = nil, disposition: Action? = nil) {
        self.policy = policy
        self.source = source
        self.subdomainPolicy = subdomainPolicy
        self.disposition = disposition
    }
}

/// RFC 8601 §2.2 grammar, read leniently.
private struct AuthenticationResultsParser {
    private var scanner: TraceScanner
    private var diagnostics: [Diagnostic] = []

    /// Ends a method, result, authserv-id or version. A stray `)` ends every token so that it
    /// is reported rather than glued to a result.
    private static let keywordStops = TraceByteSet(";=/)")
    /// Ends the first part of a property name, so `policy . expired` splits at the dot.
    private static let ptypeStops = TraceByteSet(";=/.)")
    private static let propertyStops = TraceByteSet(";=)")
    private static let valueStops = TraceByteSet(";)")

    /// Methods from the IANA Email Authentication Methods registry, plus Microsoft's `compauth`:
    /// a bare `dkim=` where a property should be means the producer forgot a `;`.
    private static let knownMethods: Set<String> = [
        "arc", "auth", "bimi", "compauth", "dkim", "dkim-adsp", "dkim-atps", "dmarc", "dnswl",
        "domainkeys", "iprev", "rrvs", "sender-id", "smime", "spf", "vbr",
    ]

    init(_ value: String) {
        scanner = TraceScanner(value)
    }

    mutating func parse(into header: inout AuthenticationResults) {
        scanner.skipCFWS(into: &header.comments)
        if scanner.isAtEnd {
            report("auth-results.empty", .warning, "the header has no authserv-id and no results")
            finish(into: &header)
            return
        }
        header.instance = readInstance()
        scanner.skipCFWS(into: &header.comments)
        readAuthservID(into: &header)
        // A resinfo follows each `;`: allocated once rather than grown result by result (up to a
        // bound, so that a header of semicolons does not reserve megabytes).
        header.results.reserveCapacity(min(scanner.count(of: UInt8(ascii: ";")), 16))
        while !scanner.isAtEnd {
            let start = scanner.position
            if scanner.consume(UInt8(ascii: ";")) {
                var leading: [String] = []
                scanner.skipCFWS(into: &leading)
                // A trailing or doubled `;` is common and harmless.
                if scanner.isAtEnd || scanner.peek() == UInt8(ascii: ";") {
                    header.comments += leading
                    continue
                }
                readResinfo(leadingComments: leading, into: &header)
            } else {
                readResinfo(leadingComments: [], into: &header)
            }
            if scanner.position == start { scanner.position += 1 }
        }
        if header.results.isEmpty, !header.isNone {
            report("auth-results.no-results", .warning, "the header has no results and no `none`")
        }
        finish(into: &header)
    }

    private mutating func finish(into header: inout AuthenticationResults) {
        for problem in scanner.problemKinds {
            switch problem {
            case .unterminatedComment:
                report("auth-results.unterminated-comment", .warning, "a comment is not closed; it was read to the end")
            case .unterminatedQuotedString:
                report(
                    "auth-results.unterminated-quoted-string", .warning,
                    "a quoted string is not closed; it was read to the end")
            case .unterminatedLiteral:
                break
            }
        }
        header.diagnostics = diagnostics
    }

    /// ARC's `i=N;` prefix; leaves the cursor alone when the header does not start with it.
    private mutating func readInstance() -> Int? {
        let start = scanner.position
        // Compared in place: the word is nearly always an authserv-id, not `i`.
        let key = scanner.readRunRange(until: Self.keywordStops)
        scanner.skipCFWS()
        guard key.count == 1, scanner.bytes[key.lowerBound] | 0x20 == UInt8(ascii: "i"), scanner.consume(UInt8(ascii: "="))
        else {
            scanner.position = start
            return nil
        }
        scanner.skipCFWS()
        let number = scanner.readRun(until: Self.keywordStops)
        scanner.skipCFWS()
        if !scanner.consume(UInt8(ascii: ";")) {
            report("auth-results.missing-semicolon", .warning, "no `;` after the ARC instance `i=\(TraceText.snippet(number))`")
        }
        guard let instance = TraceText.integer(number, allowSign: false), instance >= 1 else {
            report(
                "auth-results.invalid-arc-instance", .error,
                "the ARC instance `\(TraceText.snippet(number))` is not a positive number")
            return nil
        }
        return instance
    }

    private mutating func readAuthservID(into header: inout AuthenticationResults) {
        let start = scanner.position
        // Lower-cased as it is made (it is kept so).
        let id: String
        if scanner.peek() == UInt8(ascii: "\"") {
            id = ASCII.lowercased(scanner.readQuotedString())
        } else {
            id = scanner.lowercasedText(scanner.readRunRange(until: Self.keywordStops))
        }
        var lookahead: [String] = []
        scanner.skipCFWS(into: &lookahead)
        let next = scanner.peek()
        if id.isEmpty || next == UInt8(ascii: "=") || next == UInt8(ascii: "/") {
            scanner.position = start
            let first = TraceText.snippet(scanner.readRun(until: Self.valueStops))
            scanner.position = start
            report(
                "auth-results.missing-authserv-id", .warning,
                first.isEmpty ? "the header has no authserv-id" : "the header has no authserv-id before `\(first)`",
                help: "Microsoft 365 writes Authentication-Results without one; the host that added it cannot be told from the header")
            return
        }
        header.authservID = id
        header.comments += lookahead
        if let byte = next, byte >= 0x30, byte <= 0x39 {
            let text = scanner.readRun(until: Self.keywordStops)
            if let version = TraceText.integer(text, allowSign: false) {
                header.version = version
            } else {
                report("auth-results.invalid-version", .warning, "the version `\(TraceText.snippet(text))` is not a number")
            }
            scanner.skipCFWS(into: &header.comments)
        }
        guard let byte = scanner.peek(), byte != UInt8(ascii: ";") else { return }
        let probe = scanner.position
        let word = scanner.readRun(until: Self.keywordStops)
        scanner.skipCFWS()
        let after = scanner.peek()
        scanner.position = probe
        if !word.isEmpty, after == UInt8(ascii: "=") || after == UInt8(ascii: "/") {
            report("auth-results.missing-semicolon", .warning, "no `;` between the authserv-id and `\(TraceText.snippet(word))`")
        } else {
            skipUnexpected(from: probe)
        }
    }

    /// Reads one resinfo; the cursor is past its `;`, or at its method when the `;` is missing.
    private mutating func readResinfo(leadingComments: [String], into header: inout AuthenticationResults) {
        var comments = leadingComments
        scanner.skipCFWS(into: &comments)
        let methodStart = scanner.position
        let methodRange = scanner.readRunRange(until: Self.keywordStops)
        if methodRange.isEmpty {
            header.comments += comments
            skipUnexpected(from: methodStart)
            return
        }
        scanner.skipCFWS(into: &comments)
        // Kept lower-cased, made so from the bytes; the written form only for a diagnostic.
        let lowerMethod = scanner.lowercasedText(methodRange)
        if lowerMethod == "none", scanner.isAtEnd || scanner.peek() == UInt8(ascii: ";") {
            if header.results.isEmpty {
                header.isNone = true
            } else {
                report("auth-results.misplaced-none", .warning, "`none` follows other results")
            }
            header.comments += comments
            return
        }
        var methodVersion: Int?
        if scanner.consume(UInt8(ascii: "/")) {
            scanner.skipCFWS(into: &comments)
            let text = scanner.readRun(until: Self.keywordStops)
            methodVersion = TraceText.integer(text, allowSign: false)
            if methodVersion == nil {
                report(
                    "auth-results.invalid-method-version", .warning,
                    "the version `\(TraceText.snippet(text))` of method `\(TraceText.snippet(scanner.text(methodRange)))` is not a number")
            }
            scanner.skipCFWS(into: &comments)
        }
        guard scanner.consume(UInt8(ascii: "=")) else {
            report("auth-results.missing-result", .error, "method `\(TraceText.snippet(scanner.text(methodRange)))` has no `=result`; it was skipped")
            header.comments += comments
            scanner.skip(until: UInt8(ascii: ";"))
            return
        }
        scanner.skipCFWS(into: &comments)
        let result = scanner.readRunRange(until: Self.keywordStops)
        if result.isEmpty {
            report("auth-results.missing-result", .error, "method `\(TraceText.snippet(scanner.text(methodRange)))` has no result; it was skipped")
            header.comments += comments
            scanner.skip(until: UInt8(ascii: ";"))
            return
        }
        // Read in place: a ResultInfo built aside would be copied into the list.
        header.results.append(
            AuthenticationResults.ResultInfo(
                method: lowerMethod, methodVersion: methodVersion, result: scanner.lowercasedText(result),
                comments: comments))
        readProperties(into: &header.results[header.results.count - 1])
    }

    /// Reads reasonspec and propspecs up to the next `;` (not consumed), or up to a known method
    /// when the producer forgot the `;`.
    private mutating func readProperties(into info: inout AuthenticationResults.ResultInfo) {
        while true {
            scanner.skipCFWS(into: &info.comments)
            guard let byte = scanner.peek(), byte != UInt8(ascii: ";") else { return }
            let start = scanner.position
            let commentCount = info.comments.count
            if byte == UInt8(ascii: "\"") {
                _ = scanner.readQuotedString()
                reportUnexpected(start..<scanner.position)
                continue
            }
            let first = scanner.readRunRange(until: Self.ptypeStops)
            if first.isEmpty {
                // A stray `=`, `/`, `.` or `)`.
                scanner.position += 1
                reportUnexpected(start..<scanner.position)
                continue
            }
            scanner.skipCFWS(into: &info.comments)
            // Where the names are; lower-cased from the bytes once they are known to be kept.
            var ptype: Range<Int>?
            var name = first
            if scanner.consume(UInt8(ascii: ".")) {
                scanner.skipCFWS(into: &info.comments)
                name = scanner.readRunRange(until: Self.propertyStops)
                ptype = first
                scanner.skipCFWS(into: &info.comments)
            }
            guard !name.isEmpty, scanner.consume(UInt8(ascii: "=")) else {
                reportUnexpected(start..<scanner.position)
                continue
            }
            let lowerName = scanner.lowercasedText(name)
            if ptype == nil, Self.knownMethods.contains(lowerName) {
                scanner.position = start
                info.comments.removeSubrange(commentCount...)
                report("auth-results.missing-semicolon", .warning, "no `;` before `\(TraceText.snippet(scanner.text(name)))=`")
                return
            }
            let value = readValue(comments: &info.comments)
            if ptype == nil, lowerName == "reason", info.reason == nil {
                info.reason = value
            }
            info.properties.append(
                AuthenticationResults.Property(
                    ptype: ptype.map { scanner.lowercasedText($0) }, property: lowerName, value: value))
        }
    }

    /// pvalue: a quoted string or a run up to whitespace or `;`. Values may hold `=` (base64
    /// `header.b=`), so a run is only refused when whitespace separates it from the `=` and it
    /// contains `=`: that is `header.from= dkim=pass`, an empty value followed by the next pair.
    private mutating func readValue(comments: inout [String]) -> String {
        let before = scanner.position
        scanner.skipCFWS(into: &comments)
        let spaced = scanner.position != before
        guard let byte = scanner.peek(), byte != UInt8(ascii: ";") else { return "" }
        if byte == UInt8(ascii: "\"") {
            // `"local part"@example.com` continues after the quote.
            return scanner.readQuotedString() + scanner.readRun(until: Self.valueStops)
        }
        let start = scanner.position
        let run = scanner.readRun(until: Self.valueStops)
        if spaced, run.utf8.contains(UInt8(ascii: "=")) {
            scanner.position = start
            return ""
        }
        return run
    }

    private mutating func skipUnexpected(from start: Int) {
        scanner.position = start
        scanner.skip(until: UInt8(ascii: ";"))
        if scanner.position == start { scanner.position += 1 }
        reportUnexpected(start..<scanner.position)
    }

    private mutating func reportUnexpected(_ range: Range<Int>) {
        let text = TraceText.snippet(scanner.text(range))
        report("auth-results.unexpected-text", .error, "unexpected `\(text)`; it was skipped")
    }

    private mutating func report(
        _ code: DiagnosticCode, _ severity: Severity, _ message: String, help: String? = nil
    ) {
        diagnostics.append(Diagnostic(code, severity, message, help: help))
    }
}
