import Foundation
import Testing

@testable import SluiceMessage

@Suite("IPAddress (RFC 4291, RFC 5952, RFC 5321 §4.1.3)")
struct IPAddressTests {
    @Test("RFC 791: a dotted quad parses to four bytes")
    func ipv4() throws {
        let address = try #require(IPAddress("192.0.2.1"))
        #expect(address.family == .ipv4)
        #expect(address.bytes == [192, 0, 2, 1])
        #expect(address.description == "192.0.2.1")
    }

    @Test(
        "RFC 791: malformed dotted quads are refused",
        arguments: ["", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "a.b.c.d", "1.2.3.4 ", "1.2.3.4:25"])
    func badIPv4(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(
        "RFC 5952 §4: IPv6 text is canonicalised",
        arguments: [
            ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("2001:DB8::ABCD", "2001:db8::abcd"),
            ("::", "::"),
            ("::1", "::1"),
            ("1::", "1::"),
            ("2a01:111:f400:7e49::205", "2a01:111:f400:7e49::205"),
            ("fe80:0:0:0:0:0:0:0", "fe80::"),
        ])
    func ipv6Canonical(input: String, canonical: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.family == .ipv6)
        #expect(address.bytes.count == 16)
        #expect(address.description == canonical)
    }

    @Test("RFC 4291 §2.5.5.2 and RFC 5952 §5: IPv4-mapped addresses keep the dotted quad")
    func mapped() throws {
        let address = try #require(IPAddress("::FFFF:c000:0201"))
        #expect(address.description == "::ffff:192.0.2.1")
        #expect(address.mappedIPv4 == IPAddress("192.0.2.1"))
        #expect(IPAddress("::ffff:192.0.2.1") == address)
        #expect(IPAddress("2001:db8::1")?.mappedIPv4 == nil)
    }

    @Test("RFC 4291 §2.2: an embedded dotted quad fills the last 32 bits")
    func embeddedIPv4() throws {
        let address = try #require(IPAddress("64:ff9b::192.0.2.33"))
        #expect(address.bytes.suffix(4) == [192, 0, 2, 33])
        #expect(address.description == "64:ff9b::c000:221")
    }

    @Test(
        "RFC 4291 §2.2: malformed IPv6 text is refused",
        arguments: [
            "1:2:3:4:5:6:7:8:9", "1::2::3", ":1", "1:", "12345::", "g::1", "1:2:3:4:5:6:7", "::1.2.3",
            "1:2:3:4:5:6:7:1.2.3.4", ":::", "::1.2.3.4:5", "fe80::1%eth0",
        ])
    func badIPv6(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("RFC 5321 §4.1.3: address literals in brackets and with the IPv6 tag")
    func literals() {
        #expect(IPAddress("[192.0.2.1]")?.description == "192.0.2.1")
        #expect(IPAddress("[IPv6:2001:db8::1]")?.description == "2001:db8::1")
        #expect(IPAddress("ipv6:2001:DB8::1")?.description == "2001:db8::1")
        #expect(IPAddress("[IPv6:192.0.2.1]") == nil)
        #expect(IPAddress("[192.0.2.1") == nil)
        #expect(IPAddress("[]") == nil)
    }

    @Test("RFC 5952 §4: equal addresses hash equal whatever their spelling")
    func equality() {
        #expect(IPAddress("2001:DB8::1") == IPAddress("2001:db8:0:0:0:0:0:1"))
        #expect(Set([IPAddress("::1")!, IPAddress("0:0:0:0:0:0:0:1")!]).count == 1)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        #expect(IPAddress(bytes: [192, 0, 2, 1]) == IPAddress("192.0.2.1"))
    }

    @Test("RFC 4291 §2: bytes are in network order and round-trip")
    func networkOrderBytes() {
        let v6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0x0b, 0x0c, 0x0d]
        #expect(IPAddress("2001:db8::a0b:c0d")?.bytes == v6)
        #expect(IPAddress(bytes: v6)?.bytes == v6)
        #expect(IPAddress("::ffff:192.0.2.1")?.bytes.suffix(6) == [0xff, 0xff, 192, 0, 2, 1])
        #expect(IPAddress("255.254.0.1")?.bytes == [255, 254, 0, 1])
    }

    @Test("RFC 5952 §4: Codable as the canonical text")
    func codable() throws {
        let data = try JSONEncoder().encode([IPAddress("2001:0DB8::0001")!])
        #expect(String(decoding: data, as: UTF8.self) == #"["2001:db8::1"]"#)
        #expect(try JSONDecoder().decode([IPAddress].self, from: data) == [IPAddress("2001:db8::1")!])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPAddress].self, from: Data(#"["not an ip"]"#.utf8))
        }
    }
}
