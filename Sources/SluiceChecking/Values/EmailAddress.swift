/// A sender or recipient address as written in a policy: `local@domain`, compared without case.
/// Local parts with spaces, quotes or symbols are written percent-encoded (reference §1.6).
public struct EmailAddress: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public var localPart: String
    public var domain: String

    public init(localPart: String, domain: String) {
        self.localPart = localPart
        self.domain = domain
    }

    public var description: String { "\(localPart)@\(domain)" }
    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool { lhs.description < rhs.description }

    public static func parse(_ text: String) -> Result<EmailAddress, ValueProblem> {
        // Read through the text's bytes in place: the generic UTF-8 view's searches and slices
        // cost several times more, and every evaluation parses its recipient.
        var native = text
        return native.withUTF8 { parse(text, bytes: $0) }
    }

    private static func parse(_ text: String, bytes: UnsafeBufferPointer<UInt8>) -> Result<EmailAddress, ValueProblem> {
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else {
            return .failure(ValueProblem("`\(text)` is not an address: it has no `@`"))
        }
        let local = UnsafeBufferPointer(rebasing: bytes[..<at])
        if local.isEmpty { return .failure(ValueProblem("`\(text)` has nothing before the `@`", range: 0..<1)) }
        if let position = local.firstIndex(where: { !isLocalByte($0) }) {
            return .failure(ValueProblem(
                "the address `\(text)` has a character that must be percent-encoded",
                help: "write spaces, quotes and symbols as UTF-8 percent escapes (`\"a b\"@x` is `%22a%20b%22@x`)",
                range: position..<position + 1))
        }
        for index in local.indices where local[index] == UInt8(ascii: "%") {
            let hex = { (position: Int) in position < local.count && isHexDigit(local[position]) }
            if !(hex(index + 1) && hex(index + 2)) {
                return .failure(ValueProblem(
                    "`%` in `\(text)` does not start a percent escape", help: "write `%` itself as `%25`", range: index..<index + 1))
            }
        }
        if local.count > 64 { return .failure(ValueProblem("the local part of `\(text)` is longer than 64 characters")) }
        let localLength = local.count
        // The local part is ASCII (checked above), and `@` ends no UTF-8 sequence: both halves
        // are whole text.
        let localPart = String(decoding: local, as: UTF8.self)
        let domainText = String(decoding: UnsafeBufferPointer(rebasing: bytes[(at + 1)...]), as: UTF8.self)
        return DomainName.validate(domainText, what: "address domain")
            .map { EmailAddress(localPart: DomainName.lowercased(localPart), domain: $0) }
            .mapError { ValueProblem($0.message, help: $0.help, range: $0.range.map { $0.lowerBound + localLength + 1..<$0.upperBound + localLength + 1 }) }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }

    private static func isLocalByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"),
            UInt8(ascii: "~"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }
}
