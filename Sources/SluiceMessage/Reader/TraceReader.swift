import SluiceDiagnostics

/// Upstream filters' verdicts carried in the header: Microsoft's, SpamAssassin's and rspamd's.
/// Whether to believe them is the policy's call (which hosts are trusted); the reader only reads.
public struct UpstreamVerdicts: Sendable, Hashable, Codable {
    /// `X-Forefront-Antispam-Report`, topmost first.
    public var forefront: [ForefrontAntispamReport]
    /// `X-Microsoft-Antispam`, topmost first.
    public var microsoftAntispam: [MicrosoftAntispam]
    /// `X-Spam-Status`, `X-Spam-Score`, `X-Spam-Flag`, `X-Spam-Level` (the topmost of each).
    public var spamAssassin: SpamAssassinHeaders?
    /// `X-Spamd-Result`, `X-Rspamd-Score`, `X-Rspamd-Action` (the topmost of each).
    public var rspamd: RspamdHeaders?

    /// The bulk complaint level from the topmost `X-Microsoft-Antispam` that has one.
    public var bcl: Int? { microsoftAntispam.lazy.compactMap(\.bcl).first }
    /// The spam confidence level from the topmost `X-Forefront-Antispam-Report` that has one.
    public var scl: Int? { forefront.lazy.compactMap(\.scl).first }
}

/// Reads the trace and verdict headers of a message, moving each parser's diagnostics into the
/// message's problem list with the header they came from.
enum TraceReader {
    static func authentication(_ index: HeaderIndex, trusted: Set<String>, problems: inout [Diagnostic])
        -> AuthenticationHeaders
    {
        func read(_ name: HeaderIndex.Name) -> [AuthenticationResults] {
            index.map(name) { field in
                var results = AuthenticationResults(parsing: field.value)
                // Unicode lower-casing only where ASCII lower-casing could differ from it.
                results.isTrusted =
                    results.authservID.map { id in
                        !trusted.isEmpty && trusted.contains(ASCII.unicodeLowercased(id))
                    } ?? false
                take(&results.diagnostics, field, into: &problems)
                return results
            }
        }
        let receivedSPF = index.map(.receivedSPF) { field in
            var spf = ReceivedSPF(parsing: field.value)
            take(&spf.diagnostics, field, into: &problems)
            return spf
        }
        return AuthenticationHeaders(
            results: read(.authenticationResults), arcResults: read(.arcAuthenticationResults),
            receivedSPF: receivedSPF)
    }

    static func received(_ index: HeaderIndex, problems: inout [Diagnostic]) -> [ReceivedHeader] {
        index.map(.received) { field in
            var received = ReceivedHeader(parsing: field.value)
            take(&received.diagnostics, field, into: &problems)
            return received
        }
    }

    static func upstream(_ index: HeaderIndex, problems: inout [Diagnostic]) -> UpstreamVerdicts {
        let forefront = index.map(.forefront) { field in
            var report = ForefrontAntispamReport(parsing: field.value)
            take(&report.diagnostics, field, into: &problems)
            return report
        }
        let microsoft = index.map(.microsoftAntispam) { field in
            var report = MicrosoftAntispam(parsing: field.value)
            take(&report.diagnostics, field, into: &problems)
            return report
        }
        var spamAssassin: SpamAssassinHeaders? = nil
        let status = index.first(.spamStatus), score = index.first(.spamScore)
        let flag = index.first(.spamFlag), level = index.first(.spamLevel)
        if let anchor = status ?? score ?? flag ?? level {
            var headers = SpamAssassinHeaders(
                status: status?.value, score: score?.value, flag: flag?.value, level: level?.value)
            take(&headers.diagnostics, anchor, into: &problems)
            spamAssassin = headers
        }
        var rspamd: RspamdHeaders? = nil
        let result = index.first(.spamdResult), rspamdScore = index.first(.rspamdScore)
        let action = index.first(.rspamdAction)
        if let anchor = result ?? rspamdScore ?? action {
            var headers = RspamdHeaders(result: result?.value, score: rspamdScore?.value, action: action?.value)
            take(&headers.diagnostics, anchor, into: &problems)
            rspamd = headers
        }
        return UpstreamVerdicts(
            forefront: forefront, microsoftAntispam: microsoft, spamAssassin: spamAssassin, rspamd: rspamd)
    }

    private static func take(_ diagnostics: inout [Diagnostic], _ field: HeaderField, into problems: inout [Diagnostic]) {
        for var diagnostic in diagnostics {
            if diagnostic.location == nil {
                diagnostic.location = .message(MessageLocation(header: field.name, byteOffset: field.offset))
            }
            problems.append(diagnostic)
        }
        diagnostics = []
    }
}
