import Testing

@testable import SluiceSyntax

/// One test per production of the syntax layer (grammar/sluice.ebnf), comparing `dump()`.
@Suite("Parser: each production of the syntax layer, through dump()")
struct ProductionTests {
    private func dump(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let (file, diagnostics) = Parser.parse(text, path: "t.sluice")
        #expect(diagnostics.isEmpty, "\(diagnostics)", sourceLocation: sourceLocation)
        return file.dump()
    }

    /// The dump of the condition after `when`, without the lines above it and their indentation.
    private func condition(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let lines = dump("when " + text, sourceLocation: sourceLocation).split(separator: "\n")
        #expect(lines.prefix(3) == ["policy", "  statement when", "    condition"], sourceLocation: sourceLocation)
        return lines.dropFirst(3).map { String($0.dropFirst(6)) }.joined(separator: "\n")
    }

    @Test("policy: separators around and between statements")
    func policy() {
        #expect(dump("") == "policy\n")
        #expect(dump("\n;\n ;; \n") == "policy\n")
        #expect(dump(";\na\n\n;b;c\n") == """
            policy
              statement a
              statement b
              statement c

            """)
    }

    @Test("statement: a keyword, its arguments and a block")
    func statement() {
        #expect(dump("daily") == "policy\n  statement daily\n")
        #expect(dump("allow sender a@b.example expires 45 days") == """
            policy
              statement allow
                word sender
                word a@b.example
                word expires
                word 45
                word days

            """)
        #expect(dump("quarantine-policy \"Q\" { notify no }") == """
            policy
              statement quarantine-policy
                string "Q"
                block
                  statement notify
                    word no

            """)
    }

    @Test("argument: word, string, regex, list and condition clause")
    func argumentKinds() {
        #expect(dump(#"k 198.51.100.0/24 "a \"b\" \\ \n \t" /x\/y/im ~a.example~, b"#) == #"""
            policy
              statement k
                word 198.51.100.0/24
                string "a \"b\" \\ \n \t"
                regex /x\/y/im
                list
                  word ~a.example~
                  word b

            """#)
        #expect(dump("when spf is fail") == """
            policy
              statement when
                condition
                  test subject:spf predicate:is
                    word fail

            """)
    }

    @Test("list: values of every kind, and line breaks after a comma")
    func list() {
        #expect(dump("k a, \"b\", /c/i\nnext") == """
            policy
              statement k
                list
                  word a
                  string "b"
                  regex /c/i
              statement next

            """)
        #expect(dump("k a,\n\n   b,\n c") == dump("k a, b, c"))
        #expect(dump("k a, b x, y") == """
            policy
              statement k
                list
                  word a
                  word b
                list
                  word x
                  word y

            """)
    }

    @Test("block: empty, with separators, nested, and one-line")
    func block() {
        #expect(dump("a {}") == "policy\n  statement a\n    block\n")
        #expect(dump("a {\n;\n}") == "policy\n  statement a\n    block\n")
        #expect(dump("a x { b { c 1 }; d }") == """
            policy
              statement a
                word x
                block
                  statement b
                    block
                      statement c
                        word 1
                  statement d

            """)
        #expect(dump("a x {\n  b {\n    c 1\n  }\n  d\n}") == dump("a x { b { c 1 }; d }"))
    }

    @Test("comments: leading, trailing, closing, and at the end of the file")
    func comments() {
        #expect(dump("# one\n#two\na 1  # three \nb {\n  # four\n}\n# five") == """
            policy
              statement a
                comment " one"
                comment "two"
                word 1
                trailing-comment " three "
              statement b
                block
                  closing-comment " four"
              closing-comment " five"

            """)
    }

    @Test("a comment ends before the `\\r` of a `\\r\\n` line break, or a `\\r` at the end of the file")
    func commentsBeforeCarriageReturn() {
        #expect(dump("# one\r\na 1 # two\r\n# three\r") == """
            policy
              statement a
                comment " one"
                word 1
                trailing-comment " two"
              closing-comment " three"

            """)
    }

    @Test("or binds looser than and: `a and b or c` is or(and(a, b), c)")
    func precedence() {
        #expect(condition("a is 1 and b is 2 or c is 3") == """
            or
              and
                test subject:a predicate:is
                  word 1
                test subject:b predicate:is
                  word 2
              test subject:c predicate:is
                word 3
            """)
        #expect(condition("a is 1 or b is 2 and c is 3") == """
            or
              test subject:a predicate:is
                word 1
              and
                test subject:b predicate:is
                  word 2
                test subject:c predicate:is
                  word 3
            """)
        #expect(condition("a exists or b exists or c exists") == """
            or
              test subject:a predicate:exists
              test subject:b predicate:exists
              test subject:c predicate:exists
            """)
    }

    @Test("not binds tighter than and, and repeats")
    func not() {
        #expect(condition("not a exists and b exists") == """
            and
              not
                test subject:a predicate:exists
              test subject:b predicate:exists
            """)
        #expect(condition("not not a exists") == """
            not
              not
                test subject:a predicate:exists
            """)
    }

    @Test("primary: a parenthesised condition is a group")
    func group() {
        #expect(condition("(a exists or b exists) and c exists") == """
            and
              group
                or
                  test subject:a predicate:exists
                  test subject:b predicate:exists
              test subject:c predicate:exists
            """)
        #expect(condition("((a exists))") == """
            group
              group
                test subject:a predicate:exists
            """)
    }

    @Test("line breaks may follow and, or, not and an opening parenthesis, and precede a closing one")
    func lineBreaksInConditions() {
        #expect(condition("a exists and\n  b exists or\n  not\n (\n c exists\n )") == condition("a exists and b exists or not (c exists)"))
    }

    @Test("test: an optional quantifier, a subject with an optional argument, and a predicate")
    func test() {
        #expect(condition("any attachment.name like \"*.pdf\"") == """
            test quantifier:any subject:attachment.name predicate:like
              string "*.pdf"
            """)
        #expect(condition("all url.host in a.example, b.example") == """
            test quantifier:all subject:url.host predicate:in
              list
                word a.example
                word b.example
            """)
        // `any` followed by a predicate is the subject itself.
        #expect(condition("any is x") == """
            test subject:any predicate:is
              word x
            """)
        #expect(condition("any header \"X-Mailer\" contains Outlook") == """
            test quantifier:any subject:header argument:"X-Mailer" predicate:contains
              word Outlook
            """)
    }

    @Test("predicate: every kind", arguments: [
        ("subject matches /inv(oice)?/i", "test subject:subject predicate:matches\n  regex /inv(oice)?/i"),
        ("subject like \"*invoice*\"", "test subject:subject predicate:like\n  string \"*invoice*\""),
        ("attachment.name like *.zip", "test subject:attachment.name predicate:like\n  word *.zip"),
        ("spf is pass", "test subject:spf predicate:is\n  word pass"),
        ("spf is not pass", "test subject:spf predicate:is negated\n  word pass"),
        ("from in a@b.example", "test subject:from predicate:in\n  word a@b.example"),
        ("from in a@b.example, \"c@d.example\"", "test subject:from predicate:in\n  list\n    word a@b.example\n    string \"c@d.example\""),
        ("body contains \"wire transfer\"", "test subject:body predicate:contains\n  string \"wire transfer\""),
        ("body contains bitcoin", "test subject:body predicate:contains\n  word bitcoin"),
        ("header \"X-Spam\" exists", "test subject:header argument:\"X-Spam\" predicate:exists"),
        ("scl < 5", "test subject:scl predicate:<\n  word 5"),
        ("scl <= 5", "test subject:scl predicate:<=\n  word 5"),
        ("bcl > 6", "test subject:bcl predicate:>\n  word 6"),
        ("spamassassin.score >= 2.5", "test subject:spamassassin.score predicate:>=\n  word 2.5"),
    ])
    func predicate(source: String, expected: String) {
        #expect(condition(source) == expected)
    }
}
