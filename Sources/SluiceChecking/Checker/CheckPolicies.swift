import SluiceDiagnostics
import SluiceSyntax

/// `anti-spam`, `anti-phishing` and `anti-malware` policies (reference §2.2, §3): one `default`
/// per type plus named custom policies with a priority and recipient conditions. A block for a
/// policy already defined (by an included preset) refines it setting by setting.
extension PolicyChecker {
    static let scopeSettings = ["priority", "applies-to", "except"]
    static let verdictNames = Verdict.allCases.map(\.rawValue)

    mutating func checkAntiSpam(_ statement: Statement) {
        guard let (name, block) = policyHead(statement, type: "anti-spam") else { return }
        var spamPolicy = antiSpam[name] ?? AntiSpamPolicy.microsoftDefault(PolicyHeader(name: name, spans: []))
        spamPolicy.header.spans.append(span(statement.range))
        let settings = Self.scopeSettings + Self.verdictNames + ["bulk-threshold", "retention", "allow", "block"]
        forEachSetting(in: block, repeatable: ["applies-to", "except", "allow", "block"]) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            let settingSpan = checker.span(setting.range)
            let keyword = setting.keyword.text
            if Self.scopeSettings.contains(keyword) {
                checker.scopeSetting(setting, &cursor, &spamPolicy.header, type: "anti-spam")
            } else if let verdict = Verdict(rawValue: keyword) {
                guard checker.keyword(&cursor, oneOf: ["action"], "`action`") != nil,
                    let action = checker.policyAction(&cursor, allowed: Self.antiSpamActions(for: verdict), for: "`\(keyword)`")
                else { return }
                if verdict == .highConfidencePhish, action == .junk {
                    checker.report("check.secure-by-default", .warning,
                                   "high confidence phish is quarantined even when its action says `junk`", at: settingSpan,
                                   notes: ["reference §2.3: a Move to Junk action for high confidence phish is converted to quarantine"],
                                   help: "write `high-confidence-phish action quarantine` to say what happens")
                }
                spamPolicy.actions[verdict] = Setting(action, span: settingSpan)
            } else {
                switch keyword {
                case "bulk-threshold":
                    if let value = checker.integer(&cursor, "a bulk threshold", in: 1...9) { spamPolicy.bulkThreshold = Setting(value, span: settingSpan) }
                case "retention":
                    guard let days = checker.integer(&cursor, "a number of days", in: 1...30),
                        checker.keyword(&cursor, oneOf: ["days"], "`days`") != nil
                    else { return }
                    spamPolicy.retentionDays = Setting(days, span: settingSpan)
                case "allow", "block":
                    guard let kind = checker.keyword(&cursor, oneOf: ["senders", "domains"], "`senders` or `domains`") else { return }
                    if kind.text == "senders" {
                        let senders = checker.values(&cursor, "check.invalid-address", "an address", EmailAddress.parse)
                        if keyword == "allow" { spamPolicy.allowedSenders += senders } else { spamPolicy.blockedSenders += senders }
                    } else {
                        let domains = checker.values(&cursor, "check.invalid-domain", "a domain", DomainPattern.parse)
                        if keyword == "allow" { spamPolicy.allowedDomains += domains } else { spamPolicy.blockedDomains += domains }
                    }
                default:
                    checker.unknownStatement(setting, expected: settings, context: "in `anti-spam`")
                    return
                }
            }
            checker.expectEnd(cursor)
        }
        if antiSpam[name] == nil { policyOrder.append(name) }
        antiSpam[name] = spamPolicy
    }

    /// Which actions a verdict takes (reference §3.1): no action for bulk only; high confidence
    /// phish cannot be marked with a header, a subject prefix or deleted.
    static func antiSpamActions(for verdict: Verdict) -> [String] {
        switch verdict {
        case .bulk: ["junk", "quarantine", "delete", "redirect", "add-header", "prepend-subject", "no-action"]
        case .highConfidencePhish: ["junk", "quarantine", "redirect"]
        default: ["junk", "quarantine", "delete", "redirect", "add-header", "prepend-subject"]
        }
    }

    mutating func checkAntiPhishing(_ statement: Statement) {
        guard let (name, block) = policyHead(statement, type: "anti-phishing") else { return }
        var phishingPolicy = antiPhishing[name] ?? AntiPhishingPolicy.microsoftDefault(PolicyHeader(name: name, spans: []))
        phishingPolicy.header.spans.append(span(statement.range))
        let settings = Self.scopeSettings + ["spoof-intelligence", "honor-dmarc", "dmarc-reject", "dmarc-quarantine", "spoof"]
        forEachSetting(in: block, repeatable: ["applies-to", "except"]) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            let settingSpan = checker.span(setting.range)
            switch setting.keyword.text {
            case "priority", "applies-to", "except": checker.scopeSetting(setting, &cursor, &phishingPolicy.header, type: "anti-phishing")
            case "spoof-intelligence":
                if let value = checker.boolean(&cursor) { phishingPolicy.spoofIntelligence = Setting(value, span: settingSpan) }
            case "honor-dmarc":
                if let value = checker.boolean(&cursor) { phishingPolicy.honorDMARC = Setting(value, span: settingSpan) }
            case "dmarc-reject", "dmarc-quarantine", "spoof":
                // Reference §3.4: DmarcRejectAction is Reject or Quarantine; DmarcQuarantineAction and
                // the spoof action (AuthenticationFailAction) are Quarantine or Move to Junk.
                let keyword = setting.keyword.text
                let allowed = keyword == "dmarc-reject" ? ["reject", "quarantine"] : ["quarantine", "junk"]
                guard checker.keyword(&cursor, oneOf: ["action"], "`action`") != nil,
                    let action = checker.policyAction(&cursor, allowed: allowed, for: "`\(keyword)`")
                else { return }
                switch keyword {
                case "dmarc-reject": phishingPolicy.dmarcRejectAction = Setting(action, span: settingSpan)
                case "dmarc-quarantine": phishingPolicy.dmarcQuarantineAction = Setting(action, span: settingSpan)
                default: phishingPolicy.spoofAction = Setting(action, span: settingSpan)
                }
            default:
                checker.unknownStatement(setting, expected: settings, context: "in `anti-phishing`")
                return
            }
            checker.expectEnd(cursor)
        }
        if antiPhishing[name] == nil { policyOrder.append(name) }
        antiPhishing[name] = phishingPolicy
    }

    mutating func checkAntiMalware(_ statement: Statement) {
        guard let (name, block) = policyHead(statement, type: "anti-malware") else { return }
        var malwarePolicy = antiMalware[name] ?? AntiMalwarePolicy.microsoftDefault(PolicyHeader(name: name, spans: []))
        malwarePolicy.header.spans.append(span(statement.range))
        let settings = Self.scopeSettings + ["common-attachments-filter", "file-types", "action"]
        forEachSetting(in: block, repeatable: ["applies-to", "except"]) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            let settingSpan = checker.span(setting.range)
            switch setting.keyword.text {
            case "priority", "applies-to", "except": checker.scopeSetting(setting, &cursor, &malwarePolicy.header, type: "anti-malware")
            case "common-attachments-filter":
                if let value = checker.boolean(&cursor) { malwarePolicy.commonAttachmentsFilter = Setting(value, span: settingSpan) }
            case "file-types":
                let types = checker.values(&cursor, "check.invalid-file-type", "a file extension") { text in
                    let bare = text.hasPrefix(".") ? String(text.dropFirst()) : text
                    return !bare.isEmpty && bare.utf8.allSatisfy({ DomainName.isLabelByte($0) })
                        ? .success(bare.lowercased()) : .failure(ValueProblem("`\(text)` is not a file extension", help: "write extensions like `exe` or `.iso`"))
                }
                malwarePolicy.fileTypes = Setting(types.map(\.value), span: settingSpan)
            case "action":
                if let action = checker.policyAction(&cursor, allowed: ["quarantine"], for: "malware") {
                    malwarePolicy.action = Setting(action, span: settingSpan)
                }
            default:
                checker.unknownStatement(setting, expected: settings, context: "in `anti-malware`")
                return
            }
            checker.expectEnd(cursor)
        }
        if antiMalware[name] == nil { policyOrder.append(name) }
        antiMalware[name] = malwarePolicy
    }

    /// `TYPE "Name" { … }` or `TYPE default { … }`.
    private mutating func policyHead(_ statement: Statement, type: String) -> (String?, Block)? {
        var cursor = ArgumentCursor(statement)
        var name: String? = nil
        if cursor.peekWord == "default" {
            _ = cursor.next()
        } else if let literal = string(&cursor, "the policy's name, or `default`,") {
            name = literal.value
        } else {
            return nil
        }
        expectEnd(cursor)
        guard let block = requireBlock(statement, example: "\(type) \(name.map { "\"\($0)\"" } ?? "default") { … }") else { return nil }
        return (name, block)
    }

    private mutating func scopeSetting(_ setting: Statement, _ cursor: inout ArgumentCursor, _ header: inout PolicyHeader, type: String) {
        let settingSpan = span(setting.range)
        if header.isDefault {
            report("check.default-policy-scoped", .error, "the default policy applies to everyone and cannot be scoped or ordered",
                   at: settingSpan, notes: ["reference §2.2: the default policy has the lowest priority and no conditions"],
                   help: "define a named policy for these recipients: `\(type) \"Finance\" { … }`")
            while !cursor.isAtEnd { _ = cursor.next() }
            return
        }
        // Written, even if invalid: a missing priority or scope is not reported on top.
        writtenScopeSettings.insert("\(type)\u{0}\(header.name ?? "")\u{0}\(setting.keyword.text == "priority" ? "priority" : "scope")")
        if setting.keyword.text == "priority" {
            header.priority = integer(&cursor, "a priority", in: 0...1000)
            return
        }
        guard let kind = keyword(&cursor, oneOf: ["users", "groups", "domains"], "`users`, `groups` or `domains`") else { return }
        var scope = setting.keyword.text == "applies-to" ? header.appliesTo : header.except
        switch kind.text {
        case "users": scope.users += values(&cursor, "check.invalid-address", "an address", EmailAddress.parse).map(\.value)
        case "groups":
            if cursor.isAtEnd { missing(cursor, "a group name") }
            for argument in cursor.nextList() {
                guard case .string(let literal) = argument else {
                    report("check.expected-string", .error, "group names are written in quotes", at: span(argument.range),
                           fixes: argument.text.map { [FixIt("quote it", replacing: span(argument.range), with: "\"\($0)\"")] } ?? [])
                    continue
                }
                reference(.group, literal)
                scope.groups.append(literal.value)
            }
        default: scope.domains += values(&cursor, "check.invalid-domain", "a domain") { DomainName.validate($0) }.map(\.value)
        }
        if setting.keyword.text == "applies-to" { header.appliesTo = scope } else { header.except = scope }
    }

    /// Reads an action for a verdict, from `allowed`.
    mutating func policyAction(_ cursor: inout ArgumentCursor, allowed: [String], for what: String) -> PolicyAction? {
        let all = ["junk", "quarantine", "delete", "redirect", "add-header", "prepend-subject", "no-action", "reject"]
        guard let word = keyword(&cursor, oneOf: all, "an action") else { return nil }
        guard allowed.contains(word.text) else {
            report("check.action-not-allowed", .error, "`\(word.text)` is not an action for \(what)", at: span(word.range),
                   notes: ["actions for \(what): " + allowed.map { "`\($0)`" }.joined(separator: ", ")])
            return nil
        }
        switch word.text {
        case "junk": return .junk
        case "quarantine":
            guard case .string(let literal)? = cursor.peek?.argument else { return .quarantine(nil) }
            _ = cursor.next()
            reference(.quarantinePolicy, literal)
            return .quarantine(literal.value)
        case "delete": return .delete
        case "redirect":
            let addresses = values(&cursor, "check.invalid-address", "an address", EmailAddress.parse)
            return addresses.isEmpty ? nil : .redirect(addresses.map(\.value))
        case "add-header":
            guard let name = self.word(&cursor, "a header name") else { return nil }
            guard Self.isHeaderName(name.text) else {
                report("check.invalid-header-name", .error, "`\(name.text)` is not a header name", at: span(name.range),
                       help: "header names are printable ASCII without spaces or `:`, up to 255 characters")
                return nil
            }
            return .addHeader(name.text)
        case "prepend-subject":
            return string(&cursor, "the subject prefix").map { .prependSubject($0.value) }
        case "no-action": return .noAction
        default: return .reject
        }
    }

    static func isHeaderName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255 && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
    }

    /// Orders each type's policies (default first, then by priority) and reports clashes.
    mutating func finishPolicies() {
        func ordered<P>(_ policies: [String?: P], header: (P) -> PolicyHeader, type: String) -> [P] {
            var seen: Set<String> = []
            let names = policyOrder.compactMap { $0 }.filter { seen.insert($0).inserted }
            let named = names.compactMap { name in policies[name].map { (name, $0) } }
            var byPriority: [Int: (name: String, span: SourceSpan)] = [:]
            for (name, policy) in named {
                let policyHeader = header(policy)
                let writtenSettings = writtenScopeSettings
                let written = { (what: String) in writtenSettings.contains("\(type)\u{0}\(name)\u{0}\(what)") }
                guard let priority = policyHeader.priority else {
                    if !written("priority") {
                        report("check.missing-priority", .error, "the \(type) policy `\(name)` has no priority", at: policyHeader.spans[0],
                               help: "add `priority N` (0 is applied first)")
                    }
                    continue
                }
                if let other = byPriority[priority] {
                    report("check.duplicate-priority", .error, "the \(type) policies `\(other.name)` and `\(name)` both have priority \(priority)",
                           at: policyHeader.spans[0], labels: [Label(other.span, "`\(other.name)` has priority \(priority) too")],
                           notes: ["only the first matching policy applies, so their order must be clear"])
                }
                byPriority[priority] = (name, policyHeader.spans[0])
                if policyHeader.appliesTo.isEmpty && !written("scope") {
                    report("check.unscoped-policy", .warning, "the \(type) policy `\(name)` applies to no one", at: policyHeader.spans[0],
                           help: "add `applies-to users …`, `groups …` or `domains …`")
                }
            }
            let sorted = named.map(\.1).sorted { (header($0).priority ?? .max) < (header($1).priority ?? .max) }
            return (policies[nil].map { [$0] } ?? []) + sorted
        }
        policy.antiSpam = ordered(antiSpam, header: \.header, type: "anti-spam")
        if antiSpam[nil] == nil { policy.antiSpam.insert(.microsoftDefault(PolicyHeader(name: nil, spans: [])), at: 0) }
        policy.antiPhishing = ordered(antiPhishing, header: \.header, type: "anti-phishing")
        if antiPhishing[nil] == nil { policy.antiPhishing.insert(.microsoftDefault(PolicyHeader(name: nil, spans: [])), at: 0) }
        policy.antiMalware = ordered(antiMalware, header: \.header, type: "anti-malware")
        if antiMalware[nil] == nil { policy.antiMalware.insert(.microsoftDefault(PolicyHeader(name: nil, spans: [])), at: 0) }
    }
}
