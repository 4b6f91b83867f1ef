import SluiceChecking

/// Which policy of each type applies to a recipient (reference §2.2): the first custom policy
/// by priority whose conditions include the recipient, else the default. Within a condition
/// the values are OR, across conditions AND; any exception excludes.
enum PolicySelection {
    /// The index in `headers` (one policy type's headers in policy order, the default first) of
    /// the policy that applies. `recipientText` is `recipient` as text, for the trace.
    static func selectIndex(_ headers: [PolicyHeader], recipient: EmailAddress, recipientText: String,
                            groups: [String: RecipientGroup], trace: inout TraceStage, type: String) -> Int {
        for index in headers.indices.dropFirst()
        where includes(headers[index].appliesTo, recipient, groups) && !excludedBy(headers[index].except, recipient, groups) {
            let header = headers[index]
            trace.steps.append(TraceStep(type, .matched, span: header.spans.first) {
                "\(header.displayName) (priority \(header.priority ?? 0)) applies to `\(recipientText)`"
            })
            return index
        }
        trace.steps.append(TraceStep(type, .note, span: headers[0].spans.last) { "no custom policy includes `\(recipientText)`; the default policy applies" })
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
