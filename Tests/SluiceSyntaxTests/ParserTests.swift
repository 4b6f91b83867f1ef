import SluiceDiagnostics
import SluiceTestSupport
import Testing

@testable import SluiceSyntax

@Suite("Parser: syntax layer of grammar/sluice.ebnf")
struct ParserTests {
    private func parse(_ marked: MarkedSource) -> (PolicyFile, [Diagnostic]) {
        Parser.parse(marked.text, path: "test.sluice")
    }

    private func expectDiagnostic(_ source: String, code: String, at marker: String = "1️⃣",
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        let marked = MarkedSource(source)
        let (_, diagnostics) = parse(marked)
        let match = diagnostics.first { $0.code.rawValue == code }
        #expect(match != nil, "no `\(code)` in \(diagnostics.map(\.code.rawValue))", sourceLocation: sourceLocation)
        if case .source(let span)? = match?.location, let offset = marked.markers[marker] {
            #expect(span.start == offset, "`\(code)` points at byte \(span.start), expected \(offset)", sourceLocation: sourceLocation)
        }
    }

    @Test("statements: keyword, arguments, lists, strings, regexes and blocks")
    func statements() throws {
        let (file, diagnostics) = Parser.parse("""
            include "presets/standard.sluice"
            organization {
              accepted-domains contoso.example, contoso-mail.example
            }
            allow sender billing@fabrikam.example expires 45 days after last use note "FP #4411"
            """, path: "t.sluice")
        #expect(diagnostics.isEmpty)
        #expect(file.statements.map(\.keyword.text) == ["include", "organization", "allow"])
        let organization = try #require(file.statements[1].block)
        guard case .list(let domains, _)? = organization.statements.first?.arguments.first else {
            Issue.record("accepted-domains has no list")
            return
        }
        #expect(domains.count == 2)
        let allow = file.statements[2]
        #expect(allow.arguments.count == 10)
        guard case .string(let note) = allow.arguments[9] else {
            Issue.record("note is not a string")
            return
        }
        #expect(note.value == "FP #4411")
    }

    @Test("conditions: or binds looser than and, not binds tighter, parentheses group")
    func conditions() throws {
        let (file, diagnostics) = Parser.parse("""
            rule "lure" {
              when subject matches /inv(oice)?/i and not (any attachment.name like "*.pdf" or spf is not pass)
              then mark phish
            }
            """, path: "t.sluice")
        #expect(diagnostics.isEmpty)
        let when = try #require(file.statements.first?.block?.statements.first)
        guard case .condition(.and(let parts, _))? = when.arguments.first else {
            Issue.record("top of the condition is not `and`")
            return
        }
        #expect(parts.count == 2)
        guard case .not(.group(.or(let alternatives, _), _), _) = parts[1] else {
            Issue.record("second operand is not `not (… or …)`")
            return
        }
        guard case .test(let spf) = alternatives[1] else { return }
        #expect(spf.subject.text == "spf")
        #expect(spf.negated)
        guard case .test(let attachment) = alternatives[0] else { return }
        #expect(attachment.quantifier?.text == "any")
        #expect(attachment.predicate.text == "like")
    }

    @Test("comments are kept: leading, trailing and before a closing brace")
    func comments() throws {
        let (file, _) = Parser.parse("""
            # partner invoices
            allow sender a@b.example  # FP #1

            organization {
              accepted-domains c.example
              # end of organization
            }
            # the end
            """, path: "t.sluice")
        #expect(file.statements[0].leadingComments.map(\.text) == [" partner invoices"])
        #expect(file.statements[0].trailingComment?.text == " FP #1")
        #expect(file.statements[1].blankLineBefore)
        #expect(file.statements[1].block?.closingComments.map(\.text) == [" end of organization"])
        #expect(file.trailingComments.map(\.text) == [" the end"])
    }

    @Test("an unterminated string is reported where it starts", arguments: [
        #"allow sender a@b.example note 1️⃣"no end"#,
    ])
    func unterminatedString(source: String) { expectDiagnostic(source, code: "syntax.unterminated-string") }

    @Test("an unterminated regex is reported where it starts")
    func unterminatedRegex() { expectDiagnostic("rule \"r\" {\n  when subject matches 1️⃣/abc\n}", code: "syntax.unterminated-regex") }

    @Test("an unmatched closing brace")
    func unmatchedBrace() { expectDiagnostic("allow sender a@b.example 1️⃣}", code: "syntax.unmatched-brace") }

    @Test("an unclosed block points at its opening brace")
    func unclosedBlock() { expectDiagnostic("organization 1️⃣{\n  accepted-domains a.example\n", code: "syntax.unclosed-block") }

    @Test("a statement cannot start with a string")
    func expectedStatement() { expectDiagnostic("1️⃣\"allow\" sender a@b.example", code: "syntax.expected-statement") }

    @Test("a dangling comma")
    func danglingComma() {
        expectDiagnostic("organization {\n  accepted-domains a.example,\n 1️⃣}\n", code: "syntax.expected-value")
    }

    @Test("a comma with nothing before it")
    func leadingComma() { expectDiagnostic("allow 1️⃣, a@b.example", code: "syntax.unexpected-comma") }

    @Test("parentheses outside a condition")
    func strayParenthesis() { expectDiagnostic("allow sender 1️⃣(a@b.example)", code: "syntax.unexpected-parenthesis") }

    @Test("a condition without a test")
    func missingPredicate() {
        expectDiagnostic("rule \"r\" {\n  when subject \"invoice\"1️⃣\n}", code: "syntax.expected-predicate")
    }

    @Test("an unclosed parenthesis in a condition")
    func unclosedParenthesis() {
        expectDiagnostic("rule \"r\" {\n  when 1️⃣(spf is fail and dkim is fail\n  then junk\n}", code: "syntax.unclosed-parenthesis")
    }

    @Test("a comment inside a list")
    func commentInList() {
        expectDiagnostic("organization {\n  accepted-domains a.example,\n  1️⃣# b\n  c.example\n}", code: "syntax.comment-in-list")
    }

    @Test("a control character")
    func controlCharacter() { expectDiagnostic("allow sender 1️⃣\u{7}a@b.example", code: "syntax.control-character") }

    @Test("one run reports every independent error, and reading resumes at the next line")
    func recovery() {
        let (file, diagnostics) = Parser.parse("""
            allow sender a@b.example note "open
            block domain x.example (
            allow sender c@d.example
            rule "r" { when subject }
            block url ~evil.example~
            """, path: "t.sluice")
        #expect(diagnostics.map(\.code.rawValue) == [
            "syntax.unterminated-string", "syntax.unexpected-parenthesis", "syntax.expected-predicate",
        ])
        #expect(file.statements.map(\.keyword.text) == ["allow", "allow", "rule", "block"])
    }

    @Test("errors are capped and deep nesting is refused, without a crash")
    func limits() {
        let many = String(repeating: "}\n", count: 500)
        let (_, capped) = Parser.parse(many, path: "t.sluice")
        #expect(capped.count == Parser.maxErrors)
        #expect(capped.last?.code.rawValue == "syntax.too-many-errors")

        let deep = String(repeating: "a {\n", count: 1_000)
        let (_, deepDiagnostics) = Parser.parse(deep, path: "t.sluice")
        #expect(deepDiagnostics.contains { $0.code.rawValue == "syntax.too-deep" })

        let parentheses = "rule \"r\" {\n when " + String(repeating: "(", count: 1_000) + "spf is fail\n}"
        let (_, parenthesisDiagnostics) = Parser.parse(parentheses, path: "t.sluice")
        #expect(parenthesisDiagnostics.contains { $0.code.rawValue == "syntax.too-deep" })
    }

    @Test("random and mutated policy text never crashes the parser", arguments: 0..<16)
    func fuzz(seed: Int) {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % 1_000_000)
        }
        let base = Array("""
            organization { accepted-domains a.example, b.example }
            allow sender x@y.example expires 45 days after last use note "n"
            rule "r" { when (subject matches /a(b|c)/i or not spf is pass) and any url.host in x.example, y.example
              then mark phish, stop }
            """.unicodeScalars)
        let alphabet = Array("{}(),;\"/#\n ab*~@.=".unicodeScalars)
        for _ in 0..<40 {
            var scalars = base
            for _ in 0..<(1 + next() % 12) {
                let position = next() % scalars.count
                switch next() % 3 {
                case 0: scalars.remove(at: position)
                case 1: scalars.insert(alphabet[next() % alphabet.count], at: position)
                default: scalars = Array(scalars.prefix(position))
                }
                if scalars.isEmpty { scalars = ["{"] }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            let (file, diagnostics) = Parser.parse(text, path: "fuzz.sluice")
            let size = text.utf8.count
            #expect(diagnostics.count <= Parser.maxErrors + 5)
            for diagnostic in diagnostics {
                guard case .source(let span)? = diagnostic.location else {
                    Issue.record("`\(diagnostic.code)` has no source span")
                    continue
                }
                #expect(span.start <= span.end && span.end <= size, "`\(diagnostic.code)` points outside the text")
            }
            for statement in file.statements {
                #expect(statement.range.upperBound <= size && !statement.keyword.text.isEmpty)
            }
        }
    }
}
