import SluiceChecking

/// Which policy of each type applies to a recipient (reference §2.2): the first custom policy
/// by priority whose conditions include the recipient, else the default. Within a condition
/// the values are OR, across conditions AND; any exception excludes.
enum PolicySelection {
    /// `recipientText` is `recipient` as text, made once by the caller for the trace.
    static func select<P>(_ policies: [P], header: (P) -> PolicyHeader, recipient: EmailAddress, recipientText: String,
                          groups: [String: RecipientGroup], trace: inout TraceStage, type: String) -> P {
        policies[selectIndex(policies, header: header, recipient: recipient, recipientText: recipientText, groups: groups, trace: &trace, type: type)]
    }

    /// `select`, giving the policy's index in `policies`.
    static func selectIndex<P>(_ policies: [P], header: (P) -> PolicyHeader, recipient: EmailAddress, recipientText: String,
                               groups: [String: RecipientGroup], trace: inout TraceStage, type: String) -> Int {
        for index in policies.indices.dropFirst() {
            let policyHeader = header(policies[index])
            if includes(policyHeader.appliesTo, recipient, groups) && !excludedBy(policyHeader.except, recipient, groups) {
                trace.steps.append(TraceStep(type, .matched, "\(policyHeader.displayName) (priority \(policyHeader.priority ?? 0)) applies to `\(recipientText)`",
                                             span: policyHeader.spans.first))
                return index
            }
        }
        trace.steps.append(TraceStep(type, .note, "no custom policy includes `\(recipientText)`; the default policy applies",
                                     span: header(policies[0]).spans.last))
        return 0
    }

    private static func includes(_ scope: RecipientScope, _ recipient: EmailAddress, _ groups: [String: RecipientGroup]) -> Bool {
        guard !scope.isEmpty else { return false }
        if !scope.users.isEmpty && !scope.users.contains(recipient) { return false }
        if !scope.groups.isEmpty && !scope.groups.contains(where: { groups[$0]?.members.contains(recipient) ?? false }) { return false }
        if !scope.domains.isEmpty && !scope.domains.contains(where: { DomainName.host(recipient.domain, isWithin: $0) }) { return false }
        return true
    }

    private static func excludedBy(_ scope: RecipientScope, _ recipient: EmailAddress, _ groups: [String: RecipientGroup]) -> Bool {
        scope.users.contains(recipient)
            || scope.groups.contains { groups[$0]?.members.contains(recipient) ?? false }
            || scope.domains.contains { DomainName.host(recipient.domain, isWithin: $0) }
    }
}
