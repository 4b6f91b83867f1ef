import SluiceDiagnostics
import SluiceMessage
import SluiceSyntax

/// `allow|block sender|domain|url|file|ip|spoof KEY [via INFRA] [expires …] [note …] …`
/// (grammar: entry; reference §1).
extension PolicyChecker {
    static let entryTargets = ["sender", "domain", "url", "file", "ip", "spoof"]
    static let entryOptions = ["expires", "note", "ticket", "owner", "created", "from-submission"]

    mutating func checkEntry(_ statement: Statement) {
        forbidBlock(statement)
        var cursor = ArgumentCursor(statement)
        let action: ListEntry.Action = statement.keyword.text == "allow" ? .allow : .block
        guard let kind = keyword(&cursor, oneOf: Self.entryTargets, "an entry type") else { return }
        guard let keyItem = cursor.next() else {
            missing(cursor, "the \(kind.text) to \(action.rawValue)")
            return
        }
        if cursor.peek?.afterComma == true {
            var list = [keyItem.argument]
            var probe = cursor
            while let item = probe.peek, item.afterComma {
                list.append(item.argument)
                _ = probe.next()
            }
            if reportSwallowed(list) != nil {
                while !cursor.isAtEnd { _ = cursor.next() }
            }
        }
        if keyItem.afterComma || cursor.peek?.afterComma == true {
            report("check.entry-list", .error, "an entry has one key; write one `\(action.rawValue) \(kind.text)` line per value",
                   at: span(keyItem.argument.range))
            return
        }
        let keySpan = span(keyItem.argument.range)
        guard let target = entryTarget(kind.text, keyItem.argument, action: action, cursor: &cursor) else { return }
        var entry = ListEntry(
            action: action, target: target, expiry: Expiry.defaultFor(action), fromSubmission: false,
            span: span(statement.range), keySpan: keySpan)
        // Spoof pairs and IPv6 entries never expire unless told to (§1.4).
        switch target {
        case .spoof, .ip: entry.expiry = .never
        default: break
        }
        var expirySpan: SourceSpan? = nil
        var seen: Set<String> = []
        while let item = cursor.next() {
            guard case .word(let option) = item.argument, Self.entryOptions.contains(option.text) else {
                let written = item.argument.text ?? ""
                let suggestion = Suggestions.closest(to: written, in: Self.entryOptions)
                report("check.unknown-entry-option", .error,
                       item.argument.text.map { "`\($0)` is not an entry option" } ?? "unexpected \(item.argument.kindName) in an entry",
                       at: span(item.argument.range),
                       notes: ["entry options are " + Self.entryOptions.map { "`\($0)`" }.joined(separator: ", ")],
                       help: suggestion.map { "did you mean `\($0)`?" } ?? (item.argument.text.map { _ in "quote free text and put it after `note`" }))
                return
            }
            if !seen.insert(option.text).inserted {
                report("check.duplicate-setting", .warning, "`\(option.text)` is given twice; the later one wins", at: span(option.range))
            }
            switch option.text {
            case "expires":
                if let expiry = self.expiry(&cursor, action: action) {
                    entry.expiry = expiry
                    expirySpan = span(option.range)
                }
            case "note": entry.note = string(&cursor, "the note")?.value
            case "ticket": entry.ticket = string(&cursor, "the ticket")?.value
            case "owner": entry.owner = string(&cursor, "the owner")?.value
            case "created":
                if let word = word(&cursor, "the creation date") {
                    entry.created = value(.word(word), "check.invalid-date", "a date", CalendarDate.parse)
                }
            default:
                entry.fromSubmission = true
                if action == .block {
                    report("check.submission-block", .warning, "`from-submission` only changes what allow entries can override",
                           at: span(option.range), help: "remove it from the block entry")
                }
            }
        }
        if case .days(let days) = entry.expiry, entry.created == nil, let expirySpan {
            report("check.expiry-needs-created", .error, "`expires \(days) days` counts from the entry's creation date, which is not given",
                   at: expirySpan, help: "add `created YYYY-MM-DD`, or give the last day: `expires YYYY-MM-DD`")
        }
        if case .file = target, action == .allow, !entry.fromSubmission {
            report("check.file-allow-needs-submission", .error,
                   "file allow entries can only be created from a reviewed submission", at: span(statement.range),
                   notes: ["reference §1.1: file allows are never created directly"],
                   help: "after reviewing the file, mark the entry `from-submission`")
        }
        policy.entries.append(entry)
    }

    private mutating func entryTarget(_ kind: String, _ argument: SyntaxArgument, action: ListEntry.Action,
                                      cursor: inout ArgumentCursor) -> EntryTarget? {
        switch kind {
        case "sender":
            return value(argument, "check.invalid-address", "an address", EmailAddress.parse).map { .sender($0) }
        case "domain":
            if argument.text?.contains("@") == true {
                report("check.invalid-domain", .error, "`\(argument.text!)` is an address, not a domain", at: span(argument.range),
                       fixes: [FixIt("make it a sender entry", replacing: span(cursor.statement.keyword.range.upperBound..<argument.range.lowerBound), with: " sender ")])
                return nil
            }
            return value(argument, "check.invalid-domain", "a domain", DomainPattern.parse).map { .domain($0) }
        case "url":
            guard let pattern = value(argument, "check.invalid-url-entry", "a URL entry", URLPattern.parse) else { return nil }
            if action == .allow && pattern.hasLeftWildcard {
                report("check.url-allow-wildcard", .error,
                       "allow entries cannot start with `\(pattern.hostForm == .subdomains ? "*." : "~")`", at: span(argument.range),
                       notes: ["reference §1.6: left-wildcard and left-tilde allows are only accepted through advanced delivery"],
                       help: "name the host exactly, or put the URL under `advanced-delivery { phishing-simulation urls … }`")
                return nil
            }
            return .url(pattern)
        case "file":
            return value(argument, "check.invalid-hash", "a SHA-256", FileHash.parse).map { .file($0) }
        case "ip":
            guard let range = value(argument, "check.invalid-ip", "an IP address", IPRange.parse) else { return nil }
            if range.family == .ipv4 {
                report("check.ipv4-entry", .error, "tenant IP entries are IPv6 only", at: span(argument.range),
                       notes: ["reference §1.1: IPv4 addresses belong in the connection filter"],
                       help: "write it as `connection-filter { \(action.rawValue) ip \(range) }`")
                return nil
            }
            if range.prefixLength == 0 {
                report("check.invalid-ip", .error, "a `/0` block would cover every address", at: span(argument.range))
                return nil
            }
            return .ip(range)
        default:
            return spoofPair(argument, cursor: &cursor).map { .spoof($0) }
        }
    }

    private mutating func spoofPair(_ userArgument: SyntaxArgument, cursor: inout ArgumentCursor) -> SpoofPair? {
        guard let userText = userArgument.text else {
            report("check.invalid-spoof-pair", .error, "expected the spoofed user, found \(userArgument.kindName)", at: span(userArgument.range))
            return nil
        }
        var user: SpoofPair.SpoofedUser? = nil
        if userText == "*" {
            user = .any
        } else if userText.contains("@") {
            user = value(userArgument, "check.invalid-address", "an address", EmailAddress.parse).map { .address($0) }
        } else {
            user = value(userArgument, "check.invalid-domain", "a domain", { DomainName.validate($0) }).map { .domain($0) }
        }
        guard keyword(&cursor, oneOf: ["via"], "`via`, then the sending infrastructure") != nil else { return nil }
        guard let infraItem = cursor.next() else {
            missing(cursor, "the sending infrastructure", help: "a PTR domain, `IP/24`, `dkim:domain` or `*`")
            return nil
        }
        let infraArgument = infraItem.argument
        var infrastructure: SpoofPair.Infrastructure? = nil
        let infraText = infraArgument.text ?? ""
        if infraText == "*" {
            infrastructure = .any
        } else if infraText.lowercased().hasPrefix("dkim:") {
            infrastructure = value(infraArgument, "check.invalid-spoof-pair", "a DKIM domain", {
                DomainName.validate(String($0.dropFirst(5)), what: "DKIM domain")
                    .mapError { ValueProblem($0.message, help: $0.help, range: $0.range.map { $0.lowerBound + 5..<$0.upperBound + 5 }) }
            }).map { .dkim($0) }
        } else if let first = infraText.utf8.first, first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") || infraText.contains(":") {
            infrastructure = value(infraArgument, "check.invalid-spoof-pair", "an IP/24 block", { text in
                IPRange.parse(text).flatMap { range in
                    range.family == .ipv4 && range.prefixLength == 24 && text.contains("/")
                        ? .success(range)
                        : .failure(ValueProblem(
                            "sending infrastructure given by address must be an IPv4 `/24` block",
                            help: "write `\(IPRange.mask(range.network, to: 24))/24`; reference §1.6 uses the /24 when the sender has no PTR"))
                }
            }).map { .network($0) }
        } else {
            infrastructure = value(infraArgument, "check.invalid-spoof-pair", "a domain", { DomainName.validate($0) }).map { .domain($0) }
        }
        guard let user, let infrastructure else { return nil }
        if case .any = user, case .any = infrastructure {
            report("check.invalid-spoof-pair", .error, "a spoof pair may use `*` on one side only",
                   at: span(userArgument.range.lowerBound..<infraArgument.range.upperBound),
                   notes: ["reference §1.6: `*, *` is rejected"])
            return nil
        }
        return SpoofPair(spoofedUser: user, infrastructure: infrastructure)
    }

    /// `never`, a date, `N days`, or `N days after last use` (allow entries only).
    private mutating func expiry(_ cursor: inout ArgumentCursor, action: ListEntry.Action) -> Expiry? {
        guard let word = word(&cursor, "an expiry (`never`, a date, `30 days` or `45 days after last use`)") else { return nil }
        if word.text == "never" { return .never }
        if word.text.contains("-") {
            return value(.word(word), "check.invalid-date", "a date", CalendarDate.parse).map { .on($0) }
        }
        guard let days = Self.asciiInteger(word.text), (1...3650).contains(days) else {
            report("check.invalid-expiry", .error, "`\(word.text)` is not an expiry", at: span(word.range),
                   help: "write `never`, a date such as `2026-12-31`, `30 days` (1 to 3650) or `45 days after last use`")
            for expected in ["days", "after", "last", "use"] where cursor.peekWord == expected { _ = cursor.next() }
            return nil
        }
        guard keyword(&cursor, oneOf: ["days"], "`days`") != nil else { return nil }
        guard cursor.peekWord == "after" else { return .days(days) }
        let after = cursor.next()!.argument.range
        guard keyword(&cursor, oneOf: ["last"], "`last use`") != nil, keyword(&cursor, oneOf: ["use"], "`use`") != nil else { return nil }
        if action == .block {
            report("check.invalid-expiry", .error, "only allow entries can expire after their last use",
                   at: span(after.lowerBound..<cursor.statement.range.upperBound),
                   notes: ["reference §1.4: blocks expire after a fixed time or never"])
            return nil
        }
        return .afterLastUse(days)
    }
}
