import Foundation
import SluiceDiagnostics
import SluiceSyntax

/// `user-lists ADDRESS { safe-senders …; blocked-senders …; safe-lists-only yes }` and
/// `user-lists from "file.json"` or `"file.csv"` (reference §8).
///
/// The JSON file maps each recipient to its lists:
/// `{"alice@contoso.example": {"safe-senders": ["a@b.example", "partner.example"],
///   "blocked-senders": [], "safe-lists-only": false}}`.
/// The CSV file has a header line `recipient,list,value` and one row per value, `list` being
/// `safe-senders`, `blocked-senders` or `safe-lists-only` (value `yes`/`no`).
extension PolicyChecker {
    static let userListSettings = ["safe-senders", "blocked-senders", "safe-lists-only"]
    static let maxUserListFileBytes = 16 << 20

    mutating func checkUserLists(_ statement: Statement) {
        var cursor = ArgumentCursor(statement)
        if cursor.peekWord == "from" {
            _ = cursor.next()
            guard let path = string(&cursor, "the user lists file") else { return }
            expectEnd(cursor)
            forbidBlock(statement)
            loadUserLists(path)
            return
        }
        guard let item = cursor.next() else {
            missing(cursor, "the recipient's address, or `from \"file\"`")
            return
        }
        let recipient = value(item.argument, "check.invalid-address", "an address", EmailAddress.parse)
        expectEnd(cursor)
        guard let block = requireBlock(statement, example: "user-lists alice@contoso.example { safe-senders partner@fabrikam.example }"),
            let recipient
        else { return }
        var lists = policy.userLists[recipient] ?? UserLists(recipient: recipient, span: span(statement.range))
        forEachSetting(in: block, repeatable: ["safe-senders", "blocked-senders"]) { checker, setting in
            var cursor = ArgumentCursor(setting)
            checker.forbidBlock(setting)
            switch setting.keyword.text {
            case "safe-senders": lists.safeSenders += checker.values(&cursor, "check.invalid-sender", "an address or domain", Self.senderKey)
            case "blocked-senders": lists.blockedSenders += checker.values(&cursor, "check.invalid-sender", "an address or domain", Self.senderKey)
            case "safe-lists-only":
                if let value = checker.boolean(&cursor) { lists.safeListsOnly = Setting(value, span: checker.span(setting.range)) }
            default:
                checker.unknownStatement(setting, expected: Self.userListSettings, context: "in `user-lists`")
                return
            }
            checker.expectEnd(cursor)
        }
        policy.userLists[recipient] = lists
    }

    /// An Outlook list entry: an address, or a domain written `contoso.example` or `@contoso.example`.
    static func senderKey(_ text: String) -> Result<SenderKey, ValueProblem> {
        if text.hasPrefix("@") {
            return DomainName.validate(String(text.dropFirst())).map { .domain($0) }
                .mapError { ValueProblem($0.message, help: $0.help, range: $0.range.map { $0.lowerBound + 1..<$0.upperBound + 1 }) }
        }
        if text.contains("@") { return EmailAddress.parse(text).map { .address($0) } }
        return DomainName.validate(text).map { .domain($0) }
    }

    private mutating func loadUserLists(_ literal: StringLiteral) {
        let path = PolicyLoader.resolve(literal.value, from: file.path)
        let at = span(literal.range)
        guard let data = FileManager.default.contents(atPath: path) else {
            report("check.user-lists-unreadable", .error, "user lists file `\(literal.value)` cannot be read", at: at,
                   notes: ["looked for `\(path)`"])
            return
        }
        guard data.count <= Self.maxUserListFileBytes else {
            report("check.user-lists-too-large", .error, "user lists file `\(literal.value)` is larger than \(Self.maxUserListFileBytes >> 20) MiB", at: at)
            return
        }
        var rows: [(recipient: String, list: String, value: Any, place: String)] = []
        if path.lowercased().hasSuffix(".csv") {
            let text = String(decoding: data, as: UTF8.self)
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            guard let header = lines.first, header.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) == ["recipient", "list", "value"] else {
                report("check.user-lists-format", .error, "`\(literal.value)` does not start with the header `recipient,list,value`", at: at)
                return
            }
            for (number, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count == 3 else {
                    report("check.user-lists-format", .error, "line \(number + 1) of `\(literal.value)` does not have three fields", at: at)
                    continue
                }
                rows.append((fields[0], fields[1], fields[2], "line \(number + 1) of `\(literal.value)`"))
            }
        } else {
            guard let object = try? JSONSerialization.jsonObject(with: data), let recipients = object as? [String: Any] else {
                report("check.user-lists-format", .error, "`\(literal.value)` is not a JSON object of recipients", at: at,
                       help: "write `{\"alice@contoso.example\": {\"safe-senders\": [\"partner@fabrikam.example\"]}}`")
                return
            }
            for recipient in recipients.keys.sorted() {
                guard let lists = recipients[recipient] as? [String: Any] else {
                    report("check.user-lists-format", .error, "the lists of `\(recipient)` in `\(literal.value)` are not a JSON object", at: at)
                    continue
                }
                for list in lists.keys.sorted() {
                    let place = "`\(recipient)` → `\(list)` in `\(literal.value)`"
                    if let values = lists[list] as? [Any] {
                        for value in values { rows.append((recipient, list, value, place)) }
                    } else {
                        rows.append((recipient, list, lists[list]!, place))
                    }
                }
            }
        }
        for row in rows {
            guard case .success(let recipient) = EmailAddress.parse(row.recipient) else {
                report("check.user-lists-format", .error, "`\(row.recipient)` (\(row.place)) is not a recipient address", at: at)
                continue
            }
            var lists = policy.userLists[recipient] ?? UserLists(recipient: recipient, span: at)
            switch row.list {
            case "safe-senders", "blocked-senders":
                guard let text = row.value as? String else {
                    report("check.user-lists-format", .error, "a sender in \(row.place) is not a string", at: at)
                    continue
                }
                switch Self.senderKey(text) {
                case .success(let key):
                    if row.list == "safe-senders" { lists.safeSenders.append(Setting(key, span: at)) } else { lists.blockedSenders.append(Setting(key, span: at)) }
                case .failure(let problem):
                    report("check.invalid-sender", .error, problem.message, at: at, notes: ["in \(row.place)"], help: problem.help)
                    continue
                }
            case "safe-lists-only":
                let flag: Bool? = (row.value as? Bool) ?? (row.value as? String).flatMap { ["yes": true, "on": true, "true": true, "no": false, "off": false, "false": false][$0.lowercased()] }
                guard let flag else {
                    report("check.user-lists-format", .error, "`safe-lists-only` in \(row.place) is not yes or no", at: at)
                    continue
                }
                lists.safeListsOnly = Setting(flag, span: at)
            default:
                let suggestion = Suggestions.closest(to: row.list, in: Self.userListSettings)
                report("check.user-lists-format", .error, "`\(row.list)` (\(row.place)) is not a user list", at: at,
                       help: suggestion.map { "did you mean `\($0)`?" } ?? "lists are `safe-senders`, `blocked-senders` and `safe-lists-only`")
                continue
            }
            policy.userLists[recipient] = lists
        }
    }
}
