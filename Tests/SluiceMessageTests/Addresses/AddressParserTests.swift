import Foundation
import SluiceDiagnostics
import Testing

@testable import SluiceMessage

private func codes(_ problems: [Diagnostic]) -> [String] { problems.map(\.code.rawValue) }

@Suite("Address lists (RFC 5322 §3.4, §4.4)")
struct AddressesParseListTests {
    @Test("RFC 5322 §3.4.1: a bare addr-spec has no display name")
    func bareAddrSpec() throws {
        let result = AddressParser.parseList("jdoe@example.com", header: "From")
        let mailbox = try #require(result.mailboxes.first)
        #expect(result.mailboxes.count == 1)
        #expect(mailbox.localPart == "jdoe")
        #expect(mailbox.domain == "example.com")
        #expect(mailbox.displayName == nil)
        #expect(mailbox.group == nil)
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 5322 §3.4: name-addr keeps the display name and the angle-addr")
    func nameAddr() throws {
        let result = AddressParser.parseList("John Doe <jdoe@machine.example>", header: "From")
        let mailbox = try #require(result.mailboxes.first)
        #expect(mailbox.displayName == "John Doe")
        #expect(mailbox.address == "jdoe@machine.example")
        #expect(mailbox.description == "John Doe <jdoe@machine.example>")
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 5322 §3.2.4: a quoted display name may hold `,` `:` `<` and escaped quotes")
    func quotedDisplayName() {
        let result = AddressParser.parseList(
            #""Smith, Mary: \"Personal\" <acct>" <mary@example.net>, joe@example.org"#, header: "To")
        #expect(result.mailboxes.map(\.displayName) == [#"Smith, Mary: "Personal" <acct>"#, nil])
        #expect(result.mailboxes.map(\.address) == ["mary@example.net", "joe@example.org"])
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 5322 §3.4.1: the domain is lower-cased; the local part keeps its case")
    func caseHandling() throws {
        let mailbox = try #require(AddressParser.parseList("Jane.Doe@EXAMPLE.Com").mailboxes.first)
        #expect(mailbox.localPart == "Jane.Doe")
        #expect(mailbox.domain == "example.com")
    }

    @Test("RFC 5322 §3.4.1: a quoted local part loses its quotes and keeps `@` and escaped quotes")
    func quotedLocalPart() throws {
        let spaced = try #require(AddressParser.parseList(#""john doe"@example.com"#).mailboxes.first)
        #expect(spaced.localPart == "john doe")
        #expect(spaced.address == #""john doe"@example.com"#)

        let tricky = try #require(AddressParser.parseList(#""a@b\"c"@Example.com"#).mailboxes.first)
        #expect(tricky.localPart == #"a@b"c"#)
        #expect(tricky.domain == "example.com")
        #expect(tricky.address == #""a@b\"c"@example.com"#)
    }

    @Test("RFC 5322 §4.4: obs-addr-list allows empty members between commas")
    func emptyListMembers() {
        let result = AddressParser.parseList(", a@x.example, , b@y.example,", header: "To")
        #expect(result.mailboxes.map(\.address) == ["a@x.example", "b@y.example"])
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 5322 §3.4 / Appendix A.1.3: group members carry the group name")
    func group() {
        let result = AddressParser.parseList(
            "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;", header: "To")
        #expect(result.mailboxes.map(\.address) == ["c@a.test", "joe@where.test", "jdoe@one.test"])
        #expect(result.mailboxes.map(\.displayName) == ["Ed Jones", nil, "John"])
        #expect(result.mailboxes.allSatisfy { $0.group == "A Group" })
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 5322 §3.4 / Appendix A.1.3: an empty group has no mailboxes and is not a problem")
    func emptyGroup() {
        let result = AddressParser.parseList("Undisclosed recipients:;", header: "Cc")
        #expect(result.mailboxes.isEmpty)
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 5322 §3.4: a mailbox after a group's `;` is not a group member")
    func mailboxAfterGroup() {
        let result = AddressParser.parseList("Team: a@x.example, b@x.example; c@y.example, \"Q\" <d@z.example>")
        #expect(result.mailboxes.map(\.address) == ["a@x.example", "b@x.example", "c@y.example", "d@z.example"])
        #expect(result.mailboxes.map(\.group) == ["Team", "Team", nil, nil])
    }

    @Test("RFC 5322 Appendix A.5: comments and white space everywhere")
    func appendixA5() {
        let from = AddressParser.parseList(
            #"Pete(A nice \) chap) <pete(his account)@silly.test(his host)>"#, header: "From")
        #expect(from.mailboxes == [Mailbox(displayName: "Pete", localPart: "pete", domain: "silly.test")])
        #expect(from.problems.isEmpty)

        let to = AddressParser.parseList(
            "A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
                + "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
            header: "To")
        #expect(to.mailboxes.map(\.address) == ["c@public.example", "joe@example.org", "jdoe@one.test"])
        #expect(to.mailboxes.map(\.displayName) == ["Chris Jones", nil, "John"])
        #expect(to.mailboxes.map(\.group) == ["A Group", "A Group", "A Group"])
        #expect(to.problems.isEmpty)

        let cc = AddressParser.parseList("(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;", header: "Cc")
        #expect(cc.mailboxes.isEmpty)
        #expect(cc.problems.isEmpty)
    }

    @Test("RFC 5322 §4.4: an obsolete route before the address is dropped")
    func obsoleteRoute() {
        let result = AddressParser.parseList(
            "Mary Smith <@node.test,@relay.test:mary@example.net>, Joe <@one.test:joe@example.org>", header: "To")
        #expect(result.mailboxes.map(\.address) == ["mary@example.net", "joe@example.org"])
        #expect(result.mailboxes.map(\.displayName) == ["Mary Smith", "Joe"])
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 5322 §4.4 / Appendix A.6.3: CFWS around the dots of a domain is allowed")
    func cfwsAroundDots() {
        let result = AddressParser.parseList(
            "jdoe@test  . example, John Doe <jdoe@machine(comment).  example>", header: "To")
        #expect(result.mailboxes.map(\.address) == ["jdoe@test.example", "jdoe@machine.example"])
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 5322 §4.4: obs-local-part joins words with dots, quoted ones included")
    func obsoleteLocalPart() throws {
        let mailbox = try #require(AddressParser.parseList(#"john . "q public" . doe@example.com"#).mailboxes.first)
        #expect(mailbox.localPart == "john.q public.doe")
        #expect(mailbox.address == #""john.q public.doe"@example.com"#)
    }

    @Test("RFC 5322 §3.4: a trailing comment names an addr-spec (obsolete style), RFC 2047 decoded")
    func trailingCommentName() {
        let plain = AddressParser.parseList("jdoe@example.com (John Doe)")
        #expect(plain.mailboxes.first?.displayName == "John Doe")
        let encoded = AddressParser.parseList("j@example.com (=?utf-8?q?J=C3=B6rg?=)")
        #expect(encoded.mailboxes.first?.displayName == "Jörg")
        let blank = AddressParser.parseList("j@example.com (   )")
        #expect(blank.mailboxes.first?.displayName == nil)
    }

    @Test("RFC 2047 §5: encoded words in a display name are decoded and adjacent ones joined")
    func encodedDisplayName() {
        let result = AddressParser.parseList(
            "=?utf-8?q?J=C3=B6rg?= =?utf-8?q?_M=C3=BCller?= <j@example.com>, \"=?iso-8859-1?q?Ren=E9?=\" <r@example.com>")
        #expect(result.mailboxes.map(\.displayName) == ["Jörg Müller", "René"])
    }

    @Test("RFC 5322 §4.1: obs-phrase allows `.` in a display name (`Joe Q. Public`)")
    func obsPhraseDot() {
        let result = AddressParser.parseList("Joe Q. Public <john.q.public@example.com>")
        #expect(result.mailboxes.first?.displayName == "Joe Q. Public")
        #expect(result.mailboxes.first?.localPart == "john.q.public")
    }

    @Test(
        "RFC 5322 §4.1: an unquoted display name keeps its spelling where no white space was written",
        arguments: [
            ("Amazon.com <orders@amazon.example>", "Amazon.com"),
            ("Amazon.com Orders <orders@amazon.example>", "Amazon.com Orders"),
            ("service@paypal.com <evil@attacker.example>", "service@paypal.com"),
            ("John (middle) Doe <jd@example.com>", "John Doe"),
            ("Dr.  John   Doe <jd@example.com>", "Dr. John Doe"),
        ])
    func unquotedPhraseSpacing(input: String, expected: String) {
        let result = AddressParser.parseList(input, header: "From")
        #expect(result.mailboxes.first?.displayName == expected)
    }

    @Test("RFC 5322 §3.4.1: a domain literal keeps its brackets, white space inside removed")
    func domainLiteral() {
        let result = AddressParser.parseList("jdoe@[192.0.2.1], <x@[ IPv6:2001:db8::1 ]>")
        #expect(result.mailboxes.map(\.domain) == ["[192.0.2.1]", "[ipv6:2001:db8::1]"])
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 6532 §3.2: UTF-8 in local part and domain is read as atoms, not quoted")
    func utf8Address() throws {
        let mailbox = try #require(AddressParser.parseList("Jörg <jörg@Bücher.example>").mailboxes.first)
        #expect(mailbox.displayName == "Jörg")
        #expect(mailbox.localPart == "jörg")
        #expect(mailbox.domain == "bücher.example")
        #expect(mailbox.address == "jörg@bücher.example")
    }

    @Test("RFC 5321 §4.5.5: `<>` is no mailbox and is reported as empty")
    func emptyAngle() {
        let result = AddressParser.parseList("<>", header: "Reply-To")
        #expect(result.mailboxes.isEmpty)
        #expect(codes(result.problems) == ["address.empty"])
        #expect(result.problems.first?.message.contains("`Reply-To`") == true)
    }

    @Test(
        "RFC 5322 §3.4.1: an addr-spec needs a local part and a domain",
        arguments: [
            ("jdoe", "address.no-domain", "jdoe", ""),
            ("jdoe@", "address.no-domain", "jdoe", ""),
            ("@example.com", "address.no-local-part", "", "example.com"),
            ("Name <jdoe>", "address.no-domain", "jdoe", ""),
        ])
    func incompleteAddrSpec(input: String, code: String, local: String, domain: String) throws {
        let result = AddressParser.parseList(input, header: "To")
        let mailbox = try #require(result.mailboxes.first)
        #expect(mailbox.localPart == local)
        #expect(mailbox.domain == domain)
        #expect(codes(result.problems) == [code])
        #expect(result.problems.first?.message.contains("`To`") == true)
        #expect(result.problems.first?.severity == .warning)
    }

    @Test("RFC 5322 §3.4: a `<` without `>` still yields the mailbox and is reported")
    func unclosedAngle() {
        let result = AddressParser.parseList("John <jdoe@example.com", header: "From")
        #expect(result.mailboxes == [Mailbox(displayName: "John", localPart: "jdoe", domain: "example.com")])
        #expect(codes(result.problems) == ["address.unclosed-angle"])
    }

    @Test("RFC 5322 §3.4: text after `>` is reported; a comment there is not")
    func trailingText() {
        let junk = AddressParser.parseList("<a@x.example> junk", header: "From")
        #expect(junk.mailboxes.map(\.address) == ["a@x.example"])
        #expect(codes(junk.problems) == ["address.trailing-text"])

        let comment = AddressParser.parseList("<a@x.example> (work)", header: "From")
        #expect(comment.mailboxes.map(\.address) == ["a@x.example"])
        #expect(comment.problems.isEmpty)
    }

    @Test(
        "RFC 5322 §3.2: unterminated quoted strings, comments and domain literals are read to the end and reported",
        arguments: [
            (#""John <jdoe@example.com>"#, "quoted string"),
            ("jdoe@example.com (John", "comment"),
            ("jdoe@[192.0.2.1", "domain literal"),
        ])
    func unterminated(input: String, kind: String) {
        let result = AddressParser.parseList(input, header: "Sender")
        #expect(codes(result.problems).first == "address.unterminated")
        #expect(result.problems.first?.message == "`Sender` has an unterminated \(kind)")
        #expect(result.mailboxes.count == 1)
    }

    @Test(
        "RFC 5322 §3.4.1: words that do not make one addr-spec are kept but reported",
        arguments: [
            ("a@x.example b@y.example", "a@x.exampleb@y.example", "`b` follows white space"),
            ("ceo@corp.example attacker@evil.example", "ceo@corp.exampleattacker@evil.example", "`attacker` follows white space"),
            ("John Doe jdoe@example.com", "JohnDoejdoe@example.com", "`Doe` follows white space"),
            ("<john doe@example.com>", "johndoe@example.com", "`doe` follows white space"),
            ("john(x)doe@example.com", "johndoe@example.com", "`doe` follows white space"),
            ("a@b@c.example", "a@b@c.example", "it has a stray `@`"),
            ("a@x.example;", "a@x.example;", "it has a stray `;`"),
            ("a@x.example>", "a@x.example>", "it has a stray `>`"),
        ])
    func malformedAddrSpec(input: String, joined: String, reason: String) throws {
        let result = AddressParser.parseList(input, header: "From")
        let mailbox = try #require(result.mailboxes.first)
        #expect(result.mailboxes.count == 1)
        #expect("\(mailbox.localPart)@\(mailbox.domain)" == joined)
        #expect(codes(result.problems) == ["address.malformed"])
        #expect(result.problems.first?.message.hasPrefix("`From` address `\(joined)` is malformed: \(reason)") == true)
    }

    @Test(
        "RFC 5322 §4.4: CFWS where the obsolete syntax allows it is not malformed",
        arguments: [
            "john . doe@example.com", #"john."q public" . doe @ example . com"#, "jdoe@machine(comment).  example",
            "pete(his account)@silly.test(his host)", "jdoe@[ 192.0.2.1 ]", "Joe Q. Public <john.q.public@example.com>",
            "Mary <@relay.test:mary@example.net>", "a..b@docomo.example",
        ])
    func cfwsNotMalformed(input: String) {
        let result = AddressParser.parseList(input, header: "From")
        #expect(result.mailboxes.count == 1)
        #expect(result.problems.isEmpty)
    }

    @Test("RFC 5322 §3.4: a group without its closing `;` keeps its members and is reported")
    func unterminatedGroup() {
        let result = AddressParser.parseList("Team: a@x.example, b@y.example", header: "To")
        #expect(result.mailboxes.map(\.address) == ["a@x.example", "b@y.example"])
        #expect(result.mailboxes.map(\.group) == ["Team", "Team"])
        #expect(codes(result.problems) == ["address.unterminated-group"])
        #expect(result.problems.first?.message == "`To` group `Team` has no closing `;`; it runs to the end")
    }

    @Test("RFC 5322 §3.4: an empty header value has no mailboxes and no problems")
    func emptyValue() {
        for value in ["", "   ", "(just a comment)", ",,"] {
            let result = AddressParser.parseList(value)
            #expect(result.mailboxes.isEmpty, "\(value)")
            #expect(result.problems.isEmpty, "\(value)")
        }
    }

    @Test("RFC 5322 §3.6.2: address headers are parsed by the reader, group names included")
    func throughReader() throws {
        let message = Fixtures.message(
            text: """
                From: "Doe, Jane" <jane@Example.COM>
                Sender: secretary@example.com
                To: Team: a@x.example, b@x.example;, carol@y.example
                Cc: undisclosed-recipients:;
                Reply-To: <>
                Subject: hi

                body
                """)
        #expect(message.author == Mailbox(displayName: "Doe, Jane", localPart: "jane", domain: "example.com"))
        #expect(message.sender?.address == "secretary@example.com")
        #expect(message.to.map(\.address) == ["a@x.example", "b@x.example", "carol@y.example"])
        #expect(message.to.map(\.group) == ["Team", "Team", nil])
        #expect(message.cc.isEmpty)
        #expect(message.replyTo.isEmpty)
        let empty = try #require(message.problems.first { $0.code == "address.empty" })
        guard case .message(let place)? = empty.location else {
            Issue.record("no location")
            return
        }
        #expect(place.header == "Reply-To")
    }

    @Test("RFC 5322 §3.4.1: the domain is lower-cased, non-ASCII letters included")
    func domainCase() {
        #expect(AddressParser.parseList("a@Mail.EXAMPLE.com").mailboxes.first?.domain == "mail.example.com")
        #expect(AddressParser.parseList("a@EXÄMPLE.COM").mailboxes.first?.domain == "exämple.com")
        #expect(AddressParser.parseList("a@[IPv6:FE80::1]").mailboxes.first?.domain == "[ipv6:fe80::1]")
    }
}

@Suite("Mailbox values (RFC 5322 §3.4.1)")
struct AddressesMailboxTests {
    @Test(
        "RFC 5322 §3.4.1: the local part is quoted exactly when it is not a dot-atom",
        arguments: [
            ("jdoe", "jdoe@example.com"),
            ("john.doe", "john.doe@example.com"),
            ("john doe", #""john doe"@example.com"#),
            (".hidden", #"".hidden"@example.com"#),
            ("trailing.", #""trailing."@example.com"#),
            ("a..b", #""a..b"@example.com"#),
            (#"say"hi"#, #""say\"hi"@example.com"#),
            (#"back\slash"#, #""back\\slash"@example.com"#),
            ("a,b", #""a,b"@example.com"#),
            ("", #"""@example.com"#),
            ("ünïcode", "ünïcode@example.com"),
        ])
    func quoting(local: String, expected: String) {
        #expect(Mailbox(localPart: local, domain: "example.com").address == expected)
    }

    @Test("RFC 5322 §3.4: description is `name <address>`, or the address alone")
    func description() {
        #expect(Mailbox(displayName: "Jane", localPart: "j", domain: "x.example").description == "Jane <j@x.example>")
        #expect(Mailbox(displayName: "", localPart: "j", domain: "x.example").description == "j@x.example")
        #expect(Mailbox(localPart: "postmaster", domain: "").description == "postmaster")
    }

    @Test("RFC 5322 §3.4: a mailbox round-trips through JSON, with its address written out")
    func codable() throws {
        let mailbox = Mailbox(displayName: "Jane Q", localPart: "jane q", domain: "example.com", group: "Team")
        let data = try JSONEncoder().encode(mailbox)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["address"] as? String == #""jane q"@example.com"#)
        #expect(object["group"] as? String == "Team")
        #expect(try JSONDecoder().decode(Mailbox.self, from: data) == mailbox)
    }
}

@Suite("Structured header tokens (RFC 5322 §3.2)")
struct AddressesTokenizerTests {
    @Test("RFC 5322 §3.2.2: comments nest and take quoted pairs")
    func nestedComments() {
        let output = AddressTokenizer.tokenize(#"a (one (two) \( three) b"#)
        #expect(output.tokens == [.atom("a"), .comment(#"one (two) ( three"#), .atom("b")])
        #expect(output.unterminated.isEmpty)
    }

    @Test("RFC 5322 §3.2.3: specials split atoms; `[` opens a domain literal")
    func specials() {
        let output = AddressTokenizer.tokenize("a<b@c>,d:e;[f g]")
        #expect(output.tokens == [
            .atom("a"), .special("<"), .atom("b"), .special("@"), .atom("c"), .special(">"), .special(","),
            .atom("d"), .special(":"), .atom("e"), .special(";"), .domainLiteral("fg"),
        ])
    }

    @Test("RFC 5322 §3.2.4: a quoted string keeps inner white space and resolves quoted pairs")
    func quotedString() {
        let output = AddressTokenizer.tokenize(#""a  \"b\"  c""#)
        #expect(output.tokens == [.quoted(#"a  "b"  c"#)])
    }

    @Test("RFC 5322 §3.2.3: a control character is kept as its own atom, not lost")
    func controlCharacter() {
        let output = AddressTokenizer.tokenize("a\u{1}b")
        #expect(output.tokens == [.atom("a"), .atom("\u{1}"), .atom("b")])
    }

    @Test("RFC 5322 §3.2: unterminated constructs are each reported once")
    func unterminatedKinds() {
        #expect(AddressTokenizer.tokenize(#""open"#).unterminated == ["quoted string"])
        #expect(AddressTokenizer.tokenize("(open (nested)").unterminated == ["comment"])
        #expect(AddressTokenizer.tokenize("[open").unterminated == ["domain literal"])
        #expect(AddressTokenizer.tokenize(#""a" (b) [c]"#).unterminated.isEmpty)
    }
}
