import SluiceChecking
import SluiceMessage

/// The authentication stage: SPF, DKIM and DMARC from the topmost *trusted*
/// `Authentication-Results` (Sluice does no DNS look-ups), DMARC alignment of the From domain,
/// and a composite result with a `compauth`-style reason code (reference §5.3).
public struct CompositeAuthentication: Sendable {
    public var summary: AuthenticationSummary
    /// DMARC failed and the From domain publishes `p=quarantine` or `p=reject`.
    public var explicitFailurePolicy: DMARCPolicy.Action?
    /// Composite authentication failed without an explicit DMARC policy to enforce.
    public var implicitFailure: Bool
    public var passed: Bool { summary.compauth == "pass" }

    public static func evaluate(
        message: Message, envelope: Envelope, trustedIDs: Set<String>, organization: Organization,
        suffixes: PublicSuffixList, trace: inout TraceStage
    ) -> CompositeAuthentication {
        let fromDomain = message.author.map(\.domain).flatMap { $0.isEmpty ? nil : $0 }
        // Authserv-ids are lower-cased by the reader, as `trustedIDs` are.
        // One look-up per header finds the untrusted ids and the first trusted header.
        let headers = message.authentication.results
        var untrusted: [String] = []
        var trustedIndex: Int? = nil
        for index in headers.indices {
            guard let id = headers[index].authservID else { continue }
            if !trustedIDs.contains(id) {
                untrusted.append(id)
            } else if trustedIndex == nil {
                trustedIndex = index
            }
        }
        guard let header = trustedIndex.map({ headers[$0] }) else {
            trace.steps.append(TraceStep("trusted Authentication-Results", .clear) { [untrusted] in
                trustedIDs.isEmpty
                    ? "no authserv-id is trusted (organization { trust authentication-results from … }), so no result is believed"
                    : "no Authentication-Results header from " + trustedIDs.sorted().map { "`\($0)`" }.joined(separator: ", ")
                        + (untrusted.isEmpty ? "" : "; ignored untrusted " + untrusted.map { "`\($0)`" }.joined(separator: ", "))
            })
            let summary = AuthenticationSummary(
                fromDomain: fromDomain, spf: "none", spfDomain: nil, dkim: "none", dkimDomains: [], dmarc: "none", dmarcPolicy: nil,
                spfAligned: false, dkimAligned: false, compauth: "none", reason: "300", trustedFrom: nil, untrustedIDs: untrusted)
            return CompositeAuthentication(summary: summary, explicitFailurePolicy: nil, implicitFailure: false)
        }
        let authservID = header.authservID ?? ""
        // One pass over the results, each read in place and the DKIM domains gathered on the way;
        // methods and results are lower-cased by the reader.
        // The results kept are found by index and read in place: copying one copies all its strings.
        var spfIndex: Int? = nil
        var dmarcIndex: Int? = nil
        var compauthIndex: Int? = nil
        var firstDKIM: String? = nil
        var dkimPassed = false
        var dkimDomains: [String] = []
        let results = header.results
        for index in results.indices {
            switch results[index].method {
            case "spf": if spfIndex == nil { spfIndex = index }
            case "dkim":
                if firstDKIM == nil { firstDKIM = results[index].result }
                guard results[index].result == "pass" else { break }
                dkimPassed = true
                if let domain = results[index].property("header.d")
                    ?? results[index].property("header.i").map({ String($0.lastComponent(separatedBy: "@") ?? "") })
                {
                    dkimDomains.append(domain.lowercasedSharingStorage())
                }
            case "dmarc": if dmarcIndex == nil { dmarcIndex = index }
            case "compauth": if compauthIndex == nil { compauthIndex = index }
            default: break
            }
        }
        let spf = spfIndex.map { results[$0].result } ?? "none"
        let spfDomain = spfIndex.flatMap { results[$0].property("smtp.mailfrom") ?? results[$0].property("smtp.helo") }.map { value in
            // Without an `@` byte there is no `@` character, and the whole value is the domain.
            value.utf8.contains(UInt8(ascii: "@"))
                ? value.lastComponent(separatedBy: "@").map { $0.lowercased() } ?? value.lowercased() : value.lowercasedSharingStorage()
        }
        let dkim = dkimPassed ? "pass" : firstDKIM ?? "none"
        let policy = dmarcIndex.flatMap { results[$0].dmarcPolicy?.policy }

        // The From domain's organizational domain, looked up once, when a different name needs it.
        var fromOrganizationalDomain: String? = nil
        func aligned(_ domain: String?) -> Bool {
            guard let domain, let fromDomain else { return false }
            // The same name has the same organizational domain: the list is needed only for others.
            if domain == fromDomain { return true }
            if fromOrganizationalDomain == nil { fromOrganizationalDomain = suffixes.organizationalDomain(fromDomain) }
            return suffixes.organizationalDomain(domain) == fromOrganizationalDomain
        }
        let spfAligned = spf == "pass" && aligned(spfDomain)
        let dkimAligned = dkimDomains.contains { aligned($0) }
        let dmarc = dmarcIndex.map { results[$0].result } ?? "none"
        let isAccepted = fromDomain.map(organization.accepts) ?? false

        var compauth: String
        var reason: String
        var explicit: DMARCPolicy.Action? = nil
        var implicit = false
        if let given = compauthIndex {
            compauth = results[given].result
            reason = results[given].property("reason") ?? results[given].reason ?? "000"
            if compauth == "fail" {
                if dmarc == "fail", let policy, policy != .none { explicit = policy } else { implicit = true }
            }
        } else if dmarc == "pass" {
            compauth = "pass"
            reason = dkimAligned ? "101" : spfAligned ? "102" : "100"
        } else if dmarc == "fail", let policy, policy != .none {
            compauth = "fail"
            reason = isAccepted ? "010" : "000"
            explicit = policy
        } else if dmarc == "bestguesspass" {
            (compauth, reason) = ("pass", "109")
        } else if (dmarc == "temperror" || dmarc == "permerror") && (spfAligned || dkimAligned) {
            (compauth, reason) = ("pass", "111")
        } else if dmarc == "none" && (spfAligned || dkimAligned) {
            (compauth, reason) = ("pass", "109")
        } else if let ptr = envelope.ptr?.value, aligned(ptr) {
            (compauth, reason) = ("softpass", "202")
        } else {
            compauth = "fail"
            reason = isAccepted ? "601" : "001"
            implicit = true
        }
        // `action=pct.quarantine` / `pct.reject`: the domain's `pct` left this message out of the
        // enforced sample, so its policy is not applied (§6.5).
        if explicit != nil, let action = dmarcIndex.flatMap({ results[$0].property("action") }), action.lowercased().hasPrefix("pct.") {
            explicit = nil
            trace.steps.append(TraceStep("DMARC sample", .note) { "`action=\(action)`: outside the enforced `pct` sample, so no DMARC action" })
        }
        let summary = AuthenticationSummary(
            fromDomain: fromDomain, spf: spf, spfDomain: spfDomain, dkim: dkim, dkimDomains: dkimDomains, dmarc: dmarc,
            dmarcPolicy: policy?.rawValue, spfAligned: spfAligned, dkimAligned: dkimAligned, compauth: compauth, reason: reason,
            trustedFrom: authservID, untrustedIDs: untrusted)
        trace.steps.append(TraceStep("trusted Authentication-Results", .matched) { [dkimDomains] in
            "from `\(authservID)`: spf=\(spf)\(spfDomain.map { " (\($0))" } ?? "") dkim=\(dkim)"
                + (dkimDomains.isEmpty ? "" : " (" + dkimDomains.joined(separator: ", ") + ")")
                + " dmarc=\(dmarc)\(policy.map { " p=\($0.rawValue)" } ?? "")"
        })
        trace.steps.append(TraceStep("alignment", spfAligned || dkimAligned ? .matched : .clear) {
            "From domain `" + (fromDomain ?? "none") + Self.alignmentText(spf: spfAligned, dkim: dkimAligned)
        })
        trace.steps.append(TraceStep("composite authentication", compauth == "fail" ? .matched : .clear) { [compauth, reason] in "compauth=\(compauth) reason=\(reason)" })
        return CompositeAuthentication(summary: summary, explicitFailurePolicy: explicit, implicitFailure: implicit)
    }

    /// The alignment step's text after the From domain: constants, not an interpolation per message.
    private static func alignmentText(spf: Bool, dkim: Bool) -> String {
        switch (spf, dkim) {
        case (true, true): "`: SPF aligned, DKIM aligned (relaxed, organizational domains)"
        case (true, false): "`: SPF aligned, DKIM not aligned (relaxed, organizational domains)"
        case (false, true): "`: SPF not aligned, DKIM aligned (relaxed, organizational domains)"
        case (false, false): "`: SPF not aligned, DKIM not aligned (relaxed, organizational domains)"
        }
    }
}
