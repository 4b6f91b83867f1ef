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
        let parsed = AddressParser.parseList(value, header: "From")
        #expect(parsed.mailboxes == [expected])
        #expect(parsed.problems.isEmpty)
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
