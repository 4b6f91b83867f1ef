import Testing
@testable import SluiceEngine

@Test func byteKeyMapFindsEveryKeyAndNoOther() {
    var dictionary: [Substring: Int] = [:]
    for index in 0..<100 { dictionary[Substring("host\(index).example")] = index }
    let map = ByteKeyMap(dictionary)
    #expect(map.count == 100)
    for index in 0..<100 {
        var key = "host\(index).example"
        let found = key.withUTF8 { map[$0] }
        #expect(found == index)
    }
    var missing = "host100.example", empty = ""
    let foundMissing = missing.withUTF8 { map[$0] }, foundEmpty = empty.withUTF8 { map[$0] }
    #expect(foundMissing == nil)
    #expect(foundEmpty == nil)
}

@Test func organizationalDomainProbedByBytesFollowsTheList() {
    let list = PublicSuffixList(text: "co.uk\n*.ck\n!www.ck\nexample\n")
    #expect(list.organizationalDomain("mail.contoso.co.uk") == "contoso.co.uk")
    #expect(list.organizationalDomain("Mail.Contoso.CO.UK") == "contoso.co.uk")
    #expect(list.organizationalDomain("a.b.foo.ck") == "b.foo.ck")
    #expect(list.organizationalDomain("www.ck") == "www.ck")
    #expect(list.organizationalDomain("a.www.ck") == "www.ck")
    #expect(list.organizationalDomain("co.uk") == "co.uk")
    #expect(list.organizationalDomain("example") == "example")
}
