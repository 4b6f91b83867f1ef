import SluiceDiagnostics
import SluiceSyntax

/// `organization`, `group`, `connection-filter`, `advanced-delivery`, `notifications` and
/// `upstream` blocks: the tenant-wide settings.
extension PolicyChecker {
    mutating func checkOrganization(_ statement: Statement) {
        expectEnd(ArgumentCursor(statement))
        guard let block = requireBlock(statement, example: "organization { accepted-domains contoso.example }") else { return }
        forEachSetting(in: block, repeatable: ["accepted-domains", "trust"]) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            switch setting.keyword.text {
            case "accepted-domains":
                checker.policy.organization.acceptedDomains += checker.values(&cursor, "check.invalid-domain", "a domain") { DomainName.validate($0) }
            case "trust":
                guard checker.keyword(&cursor, oneOf: ["authentication-results"], "`authentication-results`") != nil,
                    checker.keyword(&cursor, oneOf: ["from"], "`from`") != nil
                else { return }
                checker.policy.organization.trustedAuthservIDs += checker.values(&cursor, "check.invalid-host", "an authserv-id") { text in
                    text.contains("@") || text.contains("/") ? .failure(ValueProblem("`\(text)` is not an authserv-id or host name")) : .success(text.lowercased())
                }
            case "mx-elsewhere":
                if let value = checker.boolean(&cursor) { checker.policy.organization.mxElsewhere = Setting(value, span: checker.span(setting.range)) }
            case "sender-block-verdict":
                if let word = checker.keyword(&cursor, oneOf: ["high-confidence-phish", "high-confidence-spam"], "a verdict for sender blocks") {
                    checker.policy.organization.senderBlockVerdict = Setting(Verdict(rawValue: word.text)!, span: checker.span(setting.range))
                }
            default:
                checker.unknownStatement(setting, expected: ["accepted-domains", "trust", "mx-elsewhere", "sender-block-verdict"],
                                         context: "in `organization`")
                return
            }
            checker.expectEnd(cursor)
        }
    }

    mutating func checkGroup(_ statement: Statement) {
        var cursor = ArgumentCursor(statement)
        guard let name = string(&cursor, "the group's name") else { return }
        expectEnd(cursor)
        guard let block = requireBlock(statement, example: "group \"\(name.value)\" { members a@contoso.example, b@contoso.example }") else { return }
        if let existing = policy.groups[name.value] {
            report("check.duplicate-definition", .error, "a group named `\(name.value)` is already defined", at: span(name.range),
                   labels: [Label(existing.span, "first defined here")])
            return
        }
        var members: [EmailAddress] = []
        forEachSetting(in: block, repeatable: ["members"]) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            guard setting.keyword.text == "members" else {
                checker.unknownStatement(setting, expected: ["members"], context: "in `group`")
                return
            }
            members += checker.values(&cursor, "check.invalid-address", "a member address", EmailAddress.parse).map(\.value)
            checker.expectEnd(cursor)
        }
        policy.groups[name.value] = RecipientGroup(name: name.value, members: members, span: span(name.range))
    }

    mutating func checkConnectionFilter(_ statement: Statement) {
        expectEnd(ArgumentCursor(statement))
        guard let block = requireBlock(statement, example: "connection-filter { allow ip 198.51.100.0/24 }") else { return }
        forEachSetting(in: block, repeatable: ["allow", "block"]) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            guard ["allow", "block"].contains(setting.keyword.text) else {
                checker.unknownStatement(setting, expected: ["allow", "block"], context: "in `connection-filter`")
                return
            }
            guard checker.keyword(&cursor, oneOf: ["ip"], "`ip`") != nil else { return }
            let ranges = checker.values(&cursor, "check.invalid-ip", "an IPv4 address or block") { text in
                IPRange.parse(text).flatMap { range in
                    range.family == .ipv4 ? .success(range) : .failure(ValueProblem(
                        "the connection filter takes IPv4 addresses only",
                        help: "write IPv6 addresses as tenant entries: `\(setting.keyword.text) ip \(range)`"))
                }
            }
            if setting.keyword.text == "allow" { checker.policy.connectionFilter.allow += ranges } else { checker.policy.connectionFilter.block += ranges }
            checker.expectEnd(cursor)
        }
    }

    mutating func checkAdvancedDelivery(_ statement: Statement) {
        expectEnd(ArgumentCursor(statement))
        guard let block = requireBlock(statement, example: "advanced-delivery { secops-mailboxes secops@contoso.example }") else { return }
        forEachSetting(in: block, repeatable: ["secops-mailboxes", "phishing-simulation"]) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            switch setting.keyword.text {
            case "secops-mailboxes":
                checker.policy.advancedDelivery.secOpsMailboxes += checker.values(&cursor, "check.invalid-address", "a mailbox address", EmailAddress.parse)
            case "phishing-simulation":
                guard let kind = checker.keyword(&cursor, oneOf: ["domains", "ips", "urls"], "`domains`, `ips` or `urls`") else { return }
                switch kind.text {
                case "domains":
                    checker.policy.advancedDelivery.simulationDomains += checker.values(&cursor, "check.invalid-domain", "a domain", DomainPattern.parse)
                case "ips":
                    checker.policy.advancedDelivery.simulationIPs += checker.values(&cursor, "check.invalid-ip", "an IP address", IPRange.parse)
                default:
                    checker.policy.advancedDelivery.simulationURLs += checker.values(&cursor, "check.invalid-url-entry", "a URL entry", URLPattern.parse)
                }
            default:
                checker.unknownStatement(setting, expected: ["secops-mailboxes", "phishing-simulation"], context: "in `advanced-delivery`")
                return
            }
            checker.expectEnd(cursor)
        }
    }

    mutating func checkNotifications(_ statement: Statement) {
        expectEnd(ArgumentCursor(statement))
        guard let block = requireBlock(statement, example: "notifications { every 4 hours }") else { return }
        forEachSetting(in: block) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            let settingSpan = checker.span(setting.range)
            switch setting.keyword.text {
            case "every":
                guard let hours = checker.integer(&cursor, "a number of hours", in: 1...168),
                    checker.keyword(&cursor, oneOf: ["hours"], "`hours`") != nil
                else { return }
                checker.policy.notifications.cadence = Setting(.everyHours(hours), span: settingSpan)
            case "daily": checker.policy.notifications.cadence = Setting(.daily, span: settingSpan)
            case "weekly": checker.policy.notifications.cadence = Setting(.weekly, span: settingSpan)
            case "sender":
                if let address = cursor.peek.flatMap({ checker.value($0.argument, "check.invalid-address", "an address", EmailAddress.parse) }) {
                    checker.policy.notifications.sender = Setting(address.description, span: settingSpan)
                }
                if cursor.isAtEnd { checker.missing(cursor, "the digest sender's address") } else { _ = cursor.next() }
            case "language":
                if let word = checker.word(&cursor, "a language tag such as `en-US`") {
                    checker.policy.notifications.language = Setting(word.text, span: settingSpan)
                }
            default:
                checker.unknownStatement(setting, expected: ["every", "daily", "weekly", "sender", "language"], context: "in `notifications`")
                return
            }
            checker.expectEnd(cursor)
        }
    }

    mutating func checkUpstream(_ statement: Statement) {
        expectEnd(ArgumentCursor(statement))
        guard let block = requireBlock(statement, example: "upstream { trust X-Forefront-Antispam-Report from mx.contoso.example }") else { return }
        forEachSetting(in: block, repeatable: ["trust"]) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            guard setting.keyword.text == "trust" else {
                checker.unknownStatement(setting, expected: ["trust"], context: "in `upstream`")
                return
            }
            guard let item = cursor.next(), let name = item.argument.text else {
                checker.missing(cursor, "a verdict header name")
                return
            }
            let known = UpstreamHeader.allCases.map(\.rawValue)
            guard let header = UpstreamHeader(rawValue: name.lowercased()) else {
                let suggestion = Suggestions.closest(to: name.lowercased(), in: known)
                checker.report("check.unknown-upstream-header", .error, "verdicts are not read from `\(name)`",
                               at: checker.span(item.argument.range),
                               notes: ["known verdict headers: " + known.map { "`\($0)`" }.joined(separator: ", ")],
                               help: suggestion.map { "did you mean `\($0)`?" })
                return
            }
            guard checker.keyword(&cursor, oneOf: ["from"], "`from`") != nil else { return }
            let hosts = checker.values(&cursor, "check.invalid-host", "a host name") { DomainName.validate($0, what: "host") }
            checker.policy.upstream.append(UpstreamTrust(header: header, hosts: hosts.map(\.value), span: checker.span(setting.range)))
            checker.expectEnd(cursor)
        }
    }

    mutating func checkQuarantinePolicy(_ statement: Statement) {
        var cursor = ArgumentCursor(statement)
        guard let name = string(&cursor, "the quarantine policy's name") else { return }
        expectEnd(cursor)
        guard let block = requireBlock(statement, example: "quarantine-policy \"\(name.value)\" { permissions preview, release }") else { return }
        if let earlier = definedQuarantinePolicies[name.value] {
            report("check.duplicate-definition", .error, "a quarantine policy named `\(name.value)` is already defined", at: span(name.range),
                   labels: [Label(earlier, "first defined here")])
            return
        }
        definedQuarantinePolicies[name.value] = span(name.range)
        var permissions: Set<QuarantinePermission> = []
        var notify = false
        var permissionSpans: [QuarantinePermission: SourceSpan] = [:]
        forEachSetting(in: block) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            switch setting.keyword.text {
            case "permissions":
                let all = QuarantinePermission.allCases.map(\.rawValue)
                for permission in checker.values(&cursor, "check.unknown-permission", "a permission", { text in
                    QuarantinePermission(rawValue: text).map { .success($0) } ?? .failure(ValueProblem(
                        "`\(text)` is not a quarantine permission",
                        help: Suggestions.closest(to: text, in: all).map { "did you mean `\($0)`?" }
                            ?? "permissions are " + all.map { "`\($0)`" }.joined(separator: ", ")))
                }) {
                    permissions.insert(permission.value)
                    permissionSpans[permission.value] = permission.span
                }
            case "notify":
                if let value = checker.boolean(&cursor) { notify = value }
            default:
                checker.unknownStatement(setting, expected: ["permissions", "notify"], context: "in `quarantine-policy`")
                return
            }
            checker.expectEnd(cursor)
        }
        if permissions.contains(.release), permissions.contains(.requestRelease), let releaseSpan = permissionSpans[.release] {
            report("check.release-and-request-release", .error, "a policy grants either `release` or `request-release`, not both",
                   at: releaseSpan, labels: permissionSpans[.requestRelease].map { [Label($0, "also granted here")] } ?? [],
                   notes: ["reference §4.1: the two permissions are never set together"])
        }
        let defined = QuarantinePolicy(name: name.value, permissions: permissions, notify: notify, span: span(statement.range))
        if let builtIn = QuarantinePolicy.builtIn.first(where: { $0.name == name.value }),
            builtIn.permissions != permissions || builtIn.notify != notify
        {
            report("check.builtin-policy-changed", .warning, "`\(name.value)` is a built-in quarantine policy and is redefined here",
                   at: span(name.range), notes: ["reference §4.3: the built-in policies are read-only in Microsoft 365"],
                   help: "give your policy a name of its own")
        }
        policy.quarantinePolicies[name.value] = defined
    }
}
