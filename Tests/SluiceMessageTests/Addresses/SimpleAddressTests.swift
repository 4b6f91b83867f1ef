import Testing

@testable import SluiceMessage

@Suite("Usual address shapes read straight from the bytes")
struct SimpleAddressTests {
    @Test(
        "the usual shapes give the mailbox the general parser gives",
        arguments: [
            ("a.b@Example.COM", Mailbox(localPart: "a.b", domain: "example.com")),
            ("<a@b.example>", Mailbox(localPart: "a", domain: "b.example")),
            ("Jane Doe <jane@x.example>", Mailbox(displayName: "Jane Doe", localPart: "jane", domain: "x.example")),
            ("J.  Q.\tDoe <j@x.example>", Mailbox(displayName: "J. Q. Doe", localPart: "j", domain: "x.example")),
            ("\"Doe, Jane\" <jane@x.example>", Mailbox(displayName: "Doe, Jane", localPart: "jane", domain: "x.example")),
            ("\" Jane \"<jane@x.example>", Mailbox(displayName: "Jane", localPart: "jane", domain: "x.example")),
            ("\"\" <jane@x.example>", Mailbox(localPart: "jane", domain: "x.example")),
        ])
    func usualShapes(value: String, expected: Mailbox) {
        #expect(SimpleAddress.mailbox(value) == expected)
        let general = AddressParser.parseTokens(value, header: "From")
        #expect(general.mailboxes == [expected])
        #expect(general.problems.isEmpty)
    }

    /// Values built from pieces of the usual shapes and the characters next to them: wherever
    /// the byte reader answers, the general parser gives the same single mailbox and no problem.
    @Test("wherever the byte reader answers, the general parser agrees")
    func agreesWithGeneralParser() {
        let names = ["", "Jane", "Jane Doe", "J. Q.  Doe", "\"Doe, Jane\"", "\" Jane \"", "\"\"", "Dr.", "O'Brien", "a@b", "\"x\\\"y\"",
                     "=?utf-8?q?J?=", "(c)", "Jane\t", "J\u{e9}"]
        let locals = ["a", "a.b", "A.B", "a..b", ".a", "a.", "a+tag", "\"a b\"", "a_b-c", "a=b", "a{b}"]
        let domains = ["example.com", "Example.COM", "a-b.example", "x", "[192.0.2.1]", "ex ample.com", "example.com.", ".example.com", "e\u{e9}.example"]
        let shapes: [(String, String, String) -> String] = [
            { _, local, domain in "\(local)@\(domain)" },
            { _, local, domain in "<\(local)@\(domain)>" },
            { name, local, domain in "\(name) <\(local)@\(domain)>" },
            { name, local, domain in "\(name)<\(local)@\(domain)>" },
            { name, local, domain in " \(name) <\(local)@\(domain)> " },
        ]
        var answered = 0
        for shape in shapes {
            for name in names {
                for local in locals {
                    for domain in domains {
                        let value = shape(name, local, domain)
                        guard let mailbox = SimpleAddress.mailbox(value) else { continue }
                        answered += 1
                        let general = AddressParser.parseTokens(value, header: "From")
                        #expect(general.mailboxes == [mailbox], "\(value)")
                        #expect(general.problems.isEmpty, "\(value)")
                    }
                }
            }
        }
        // The byte reader must answer often enough for the comparison to mean something.
        #expect(answered > 200)
    }

    @Test(
        "anything else is left to the general parser",
        arguments: [
            "", "a@b.example, c@d.example", "jdoe@example.com (John Doe)", "=?utf-8?q?J=C3=A9?= <j@x.example>",
            "\"J\\\"D\" <j@x.example>", "Team: a@b.example;", "<@relay:a@b.example>", "a@[192.0.2.1]", "@b.example",
            "a@", "a@b@c.example", "Jane <jane@x.example> trailing", "<jane@x.example", "j\u{e9}@x.example",
            "a@b.example c@d.example",
        ])
    func fallsBack(value: String) {
        #expect(SimpleAddress.mailbox(value) == nil)
    }
}
