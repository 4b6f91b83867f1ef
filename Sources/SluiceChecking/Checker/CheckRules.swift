import SluiceDiagnostics
import SluiceRegex
import SluiceSyntax

/// `rule "Name" { when CONDITION; then ACTION, ACTION…; mode enforce|audit }` (grammar: rule).
/// Conditions are typed: each subject takes the predicates that make sense for its values, and
/// every regex is compiled by PCRE2 here, so an error points at the column inside the pattern.
extension PolicyChecker {
    static let ruleActions = ["set-scl", "mark", "quarantine", "junk", "reject", "delete", "redirect", "add-header", "prepend-subject", "stop"]
    static let authenticationResults = ["pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy", "bestguesspass"]

    mutating func checkRule(_ statement: Statement) {
        var cursor = ArgumentCursor(statement)
        guard let name = string(&cursor, "the rule's name") else { return }
        expectEnd(cursor)
        guard let block = requireBlock(statement, example: "rule \"\(name.value)\" { when subject contains \"invoice\"; then junk }") else { return }
        swallowedStatement = false
        var condition: RuleCondition? = nil
        var actions: [RuleAction]? = nil
        var mode = Rule.Mode.enforce
        forEachSetting(in: block) { checker, setting in
            checker.forbidBlock(setting)
            switch setting.keyword.text {
            case "when":
                guard case .condition(let syntax)? = setting.arguments.first else {
                    checker.missing(ArgumentCursor(setting), "a condition")
                    return
                }
                condition = checker.condition(syntax)
                if setting.arguments.count > 1 && !checker.swallowedStatement {
                    let extra = setting.arguments[1...]
                    checker.report("check.unexpected-argument", .error, "unexpected text after the condition",
                                   at: checker.span(extra.first!.range.lowerBound..<extra.last!.range.upperBound),
                                   help: "join tests with `and`/`or`, and put actions on a `then` line")
                }
            case "then":
                actions = checker.ruleActions(setting)
            case "mode":
                var cursor = ArgumentCursor(setting)
                if let word = checker.keyword(&cursor, oneOf: ["enforce", "audit"], "`enforce` or `audit`") { mode = Rule.Mode(rawValue: word.text)! }
                checker.expectEnd(cursor)
            default:
                checker.unknownStatement(setting, expected: ["when", "then", "mode"], context: "in `rule`")
            }
        }
        // A `when` or `then` line with a syntax error was dropped by the parser, which said so.
        let syntaxErrorInside = loader.diagnostics.contains { diagnostic in
            guard diagnostic.severity == .error, case .source(let at)? = diagnostic.location else { return false }
            return at.file == file.path && block.range.contains(at.start)
        }
        let incomplete = syntaxErrorInside || swallowedStatement
        let hasWhen = incomplete || block.statements.contains { $0.keyword.text == "when" }
        let hasThen = incomplete || block.statements.contains { $0.keyword.text == "then" }
        if let earlier = ruleNames[name.value] {
            report("check.duplicate-rule-name", .warning, "another rule is named `\(name.value)`", at: span(name.range),
                   labels: [Label(earlier, "first used here")], help: "give each rule its own name, so traces and explanations are unambiguous")
        } else {
            ruleNames[name.value] = span(name.range)
        }
        if !hasWhen {
            report("check.rule-without-condition", .error, "the rule `\(name.value)` has no `when`", at: span(name.range),
                   help: "say which messages it applies to: `when from.domain is fabrikam.example`")
        }
        if !hasThen {
            report("check.rule-without-action", .error, "the rule `\(name.value)` has no `then`", at: span(name.range),
                   help: "say what it does: `then junk`")
        }
        guard let condition, let actions, !actions.isEmpty else { return }
        policy.rules.append(Rule(name: name.value, condition: condition, actions: actions, mode: mode, span: span(statement.range)))
    }

    // MARK: - Conditions

    private mutating func condition(_ syntax: Condition) -> RuleCondition? {
        switch syntax {
        case .or(let parts, _):
            let checked = parts.map { condition($0) }
            return checked.contains { $0 == nil } ? nil : .any(checked.map { $0! })
        case .and(let parts, _):
            let checked = parts.map { condition($0) }
            return checked.contains { $0 == nil } ? nil : .all(checked.map { $0! })
        case .not(let inner, _): return condition(inner).map { .not($0) }
        case .group(let inner, _): return condition(inner)
        case .test(let test): return self.test(test)
        }
    }

    private mutating func test(_ test: Test) -> RuleCondition? {
        let subjectName = test.subject.text
        let subject: RuleSubject
        if subjectName == "header" {
            guard let field = test.subjectArgument else {
                report("check.missing-argument", .error, "`header` needs the header's name in quotes", at: span(test.subject.range),
                       help: "write `header \"X-Mailer\" contains \"…\"`")
                return nil
            }
            guard Self.isHeaderName(field.value) else {
                report("check.invalid-header-name", .error, "`\(field.value)` is not a header name", at: span(field.range))
                return nil
            }
            subject = .header(field.value)
        } else if let known = RuleSubject.byName[subjectName] {
            if let argument = test.subjectArgument {
                report("check.unexpected-argument", .error, "`\(subjectName)` takes no name", at: span(argument.range))
                return nil
            }
            subject = known
        } else {
            let names = RuleSubject.byName.keys.sorted() + ["header"]
            let suggestion = Suggestions.closest(to: subjectName, in: names)
            report("check.unknown-subject", .error, "`\(subjectName)` is not something a rule can test", at: span(test.subject.range),
                   notes: suggestion == nil ? ["rules test " + names.map { "`\($0)`" }.joined(separator: ", ")] : [],
                   help: suggestion.map { "did you mean `\($0)`?" },
                   fixes: suggestion.map { [FixIt("replace with `\($0)`", replacing: span(test.subject.range), with: $0)] } ?? [])
            return nil
        }
        var quantifier = RuleTest.Quantifier.any
        if let word = test.quantifier {
            guard subject.isMultiValued else {
                report("check.quantifier-single-value", .error, "`\(subject.name)` has one value, so `\(word.text)` means nothing",
                       at: span(word.range), fixes: [FixIt("remove it", replacing: span(word.range.lowerBound..<test.subject.range.lowerBound), with: "")])
                return nil
            }
            quantifier = RuleTest.Quantifier(rawValue: word.text)!
        }
        guard let predicate = predicate(test, subject: subject) else { return nil }
        return .test(RuleTest(subject: subject, quantifier: quantifier, predicate: predicate, negated: test.negated, span: span(test.range)))
    }

    private mutating func predicate(_ test: Test, subject: RuleSubject) -> RulePredicate? {
        let predicate = test.predicate.text
        let predicateSpan = span(test.predicate.range)
        let allowed: [String] = switch subject.valueType {
        case .number: ["is", "<", "<=", ">", ">=", "exists"]
        case .authentication: ["is", "in", "exists"]
        case .address, .text: subject == .clientIP ? ["is", "in", "exists"] : ["matches", "like", "is", "in", "contains", "exists"]
        }
        guard allowed.contains(predicate) else {
            report("check.predicate-not-allowed", .error, "`\(subject.name)` cannot be tested with `\(predicate)`", at: predicateSpan,
                   notes: ["`\(subject.name)` takes " + allowed.map { "`\($0)`" }.joined(separator: ", ")])
            return nil
        }
        if predicate == "exists" { return .exists }
        guard let value = test.value else {
            report("check.missing-argument", .error, "`\(predicate)` needs a value", at: predicateSpan)
            return nil
        }
        var values: [SyntaxArgument] = []
        if case .list(let items, _) = value { values = items } else { values = [value] }
        if let swallowed = reportSwallowed(values) {
            values = Array(values[..<swallowed])
        }
        if predicate != "in" && values.count > 1 {
            report("check.unexpected-list", .error, "`\(predicate)` takes one value; use `in` for a list", at: span(value.range))
            return nil
        }
        switch predicate {
        case "matches":
            guard case .regex(let literal) = value else {
                report("check.expected-regex", .error, "`matches` takes a regular expression such as `/invoice/i`", at: span(value.range),
                       help: value.text.map { "for a wildcard pattern write `like \"\($0)\"`" })
                return nil
            }
            return regex(literal).map { .matches($0) }
        case "like":
            guard let glob = value.text else {
                report("check.expected-string", .error, "`like` takes a wildcard pattern such as `\"*.zip\"`", at: span(value.range))
                return nil
            }
            do {
                return .like(try PolicyRegex.glob(glob))
            } catch {
                report("check.invalid-pattern", .error, "`\(glob.prefix(60))\(glob.count > 60 ? "…" : "")` is not a usable wildcard pattern", at: span(value.range))
                return nil
            }
        case "contains":
            guard let text = value.text else {
                report("check.expected-string", .error, "`contains` takes text", at: span(value.range))
                return nil
            }
            return .contains(text.lowercased())
        default:
            return comparison(predicate, values, subject: subject)
        }
    }

    private mutating func comparison(_ predicate: String, _ values: [SyntaxArgument], subject: RuleSubject) -> RulePredicate? {
        switch subject.valueType {
        case .number:
            guard let value = values.first, let text = value.text, let number = Self.number(text, subject: subject) else {
                report("check.invalid-number", .error, "expected a number\(subject == .attachmentSize ? " of bytes (`10MB`, `500KB`)" : "")",
                       at: span(values.first?.range ?? 0..<0))
                return nil
            }
            let bounds: ClosedRange<Double>? = switch subject {
            case .scl: -1...9
            case .bcl: 0...9
            default: nil
            }
            if let bounds, !bounds.contains(number) {
                report("check.invalid-number", .error, "`\(subject.name)` runs from \(Int(bounds.lowerBound)) to \(Int(bounds.upperBound))", at: span(value.range))
                return nil
            }
            if predicate == "is" { return .equalsNumber(number) }
            return .compare(ComparisonOperator(rawValue: predicate)!, number)
        case .authentication:
            var results: [String] = []
            for value in values {
                guard let text = value.text?.lowercased(), Self.authenticationResults.contains(text) else {
                    let suggestion = value.text.flatMap { Suggestions.closest(to: $0, in: Self.authenticationResults) }
                    report("check.unknown-result", .error, "`\(value.text ?? "")` is not an authentication result", at: span(value.range),
                           notes: ["results are " + Self.authenticationResults.map { "`\($0)`" }.joined(separator: ", ")],
                           help: suggestion.map { "did you mean `\($0)`?" })
                    return nil
                }
                results.append(text)
            }
            return .equals(results)
        case .address, .text:
            if subject == .clientIP {
                let ranges = values.compactMap { value($0, "check.invalid-ip", "an IP address or block", IPRange.parse) }
                return ranges.count == values.count ? .inNetworks(ranges) : nil
            }
            var texts: [String] = []
            for value in values {
                guard let text = value.text else {
                    report("check.expected-value", .error, "expected text, found \(value.kindName)", at: span(value.range))
                    return nil
                }
                texts.append(text.lowercased())
            }
            return .equals(texts)
        }
    }

    /// A number; sizes take `KB`, `MB` and `GB` (powers of 1024).
    static func number(_ text: String, subject: RuleSubject) -> Double? {
        if subject == .attachmentSize {
            let units: [(String, Double)] = [("KB", 1024), ("MB", 1024 * 1024), ("GB", 1024 * 1024 * 1024), ("B", 1)]
            for (unit, factor) in units where text.uppercased().hasSuffix(unit) {
                return decimal(String(text.dropLast(unit.count))).map { $0 * factor }
            }
        }
        return decimal(text)
    }

    /// ASCII decimal only: `Double` would also read `0x5`, `+5`, `inf` and `nan`.
    private static func decimal(_ text: String) -> Double? {
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !body.isEmpty, body.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }),
            body.utf8.first != UInt8(ascii: ".")
        else { return nil }
        return Double(text)
    }

    /// Compiles a regex literal, pointing any error at its place inside the pattern.
    private mutating func regex(_ literal: RegexLiteral) -> PolicyRegex? {
        // An unterminated literal has no closing `/`; the parser has reported it.
        guard literal.range.upperBound > literal.patternStart + literal.pattern.utf8.count else { return nil }
        guard let options = PCRERegex.Options(flags: literal.flags) else {
            let flagsStart = literal.range.upperBound - literal.flags.utf8.count
            report("check.regex-flags", .error, "`\(literal.flags)` are not regex flags", at: span(flagsStart..<literal.range.upperBound),
                   help: "flags are `i` (ignore case), `m` (multi-line), `s` (dot matches newline) and `x` (extended)")
            return nil
        }
        do {
            let compiled = try PCRERegex(literal.pattern, options: options)
            return PolicyRegex(written: "/\(literal.pattern)/\(literal.flags)", regex: compiled)
        } catch {
            var at = span(literal.range)
            var message = "the regular expression does not compile"
            if case .compile(let reason, let offset) = error {
                message = "regular expression error: \(reason)"
                let position = literal.patternStart + min(offset, literal.pattern.utf8.count)
                at = characterSpan(position..<min(position + 1, literal.range.upperBound))
            }
            report("check.regex-error", .error, message, at: at, notes: ["patterns are compiled by PCRE2 \(PCRERegex.pcre2Version)"])
            return nil
        }
    }

    // MARK: - Actions

    /// `then ACTION, ACTION…`: each action reads its own operands; commas separate actions.
    private mutating func ruleActions(_ statement: Statement) -> [RuleAction]? {
        var cursor = ArgumentCursor(statement)
        var actions: [RuleAction] = []
        var failed = false
        if cursor.isAtEnd {
            missing(cursor, "an action", help: "actions are " + Self.ruleActions.map { "`\($0)`" }.joined(separator: ", "))
            return nil
        }
        while !cursor.isAtEnd {
            if cursor.peek!.afterComma, let previous = cursor.index > 0 ? cursor.items[cursor.index - 1].argument : nil,
                reportSwallowed([previous, cursor.peek!.argument]) != nil
            {
                return failed ? nil : actions
            }
            if !actions.isEmpty || failed {
                guard cursor.peek!.afterComma else {
                    report("check.unexpected-argument", .error, "actions are separated by commas", at: span(cursor.peek!.argument.range))
                    return nil
                }
            }
            guard let word = keyword(&cursor, oneOf: Self.ruleActions, "a rule action") else { return nil }
            guard let action = ruleAction(word, &cursor) else {
                failed = true
                while let next = cursor.peek, !next.afterComma { _ = cursor.next() }
                continue
            }
            if let last = actions.last, last == .stop {
                report("check.action-after-stop", .warning, "`\(word.text)` comes after `stop` in the same rule", at: span(word.range),
                       help: "`stop` ends rule processing; put it last")
            }
            actions.append(action)
        }
        return failed ? nil : actions
    }

    private mutating func ruleAction(_ word: Word, _ cursor: inout ArgumentCursor) -> RuleAction? {
        switch word.text {
        case "set-scl":
            guard let scl = integer(&cursor, "an SCL", in: -1...9) else { return nil }
            return .setSCL(scl)
        case "mark":
            guard let verdict = keyword(&cursor, oneOf: Self.verdictNames, "a verdict") else { return nil }
            return .mark(Verdict(rawValue: verdict.text)!)
        case "quarantine":
            guard case .string(let literal)? = cursor.peek?.argument, !(cursor.peek!.afterComma) else { return .quarantine(nil) }
            _ = cursor.next()
            reference(.quarantinePolicy, literal)
            return .quarantine(literal.value)
        case "junk": return .junk
        case "delete": return .delete
        case "stop": return .stop
        case "reject":
            var code = "550", enhanced = "5.7.1", text = "Delivery not authorized, message refused"
            if let next = cursor.peekWord, !cursor.peek!.afterComma {
                guard next.utf8.count == 3, next.hasPrefix("5"), Self.asciiInteger(next) != nil else {
                    report("check.invalid-smtp-code", .error, "`\(next)` is not a permanent SMTP reply code", at: span(cursor.peek!.argument.range),
                           help: "reject with a 5xx code such as `550`")
                    return nil
                }
                code = next
                _ = cursor.next()
                if let status = cursor.peekWord, !cursor.peek!.afterComma {
                    let parts = status.split(separator: ".", omittingEmptySubsequences: false)
                    guard parts.count == 3, parts[0] == "5", parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 3 && Self.asciiInteger(String($0)) != nil }) else {
                        report("check.invalid-smtp-code", .error, "`\(status)` is not an enhanced status code", at: span(cursor.peek!.argument.range),
                               help: "write it as `5.7.1`")
                        return nil
                    }
                    enhanced = status
                    _ = cursor.next()
                }
            }
            if case .string(let literal)? = cursor.peek?.argument, !cursor.peek!.afterComma {
                text = literal.value
                _ = cursor.next()
            }
            return .reject(code: code, enhancedCode: enhanced, text: text)
        case "redirect":
            var addresses: [EmailAddress] = []
            // Addresses continue through commas until the next action keyword.
            repeat {
                guard let item = cursor.next() else {
                    missing(cursor, "an address to redirect to")
                    return nil
                }
                guard let address = value(item.argument, "check.invalid-address", "an address", EmailAddress.parse) else { return nil }
                addresses.append(address)
            } while cursor.peek?.afterComma == true && cursor.peekWord.map({ !Self.ruleActions.contains($0) }) ?? false
            return .redirect(addresses)
        case "add-header":
            guard let name = string(&cursor, "the header's name"), let value = string(&cursor, "the header's value") else { return nil }
            guard Self.isHeaderName(name.value) else {
                report("check.invalid-header-name", .error, "`\(name.value)` is not a header name", at: span(name.range))
                return nil
            }
            return .addHeader(name: name.value, value: value.value)
        default:
            return string(&cursor, "the subject prefix").map { .prependSubject($0.value) }
        }
    }
}
