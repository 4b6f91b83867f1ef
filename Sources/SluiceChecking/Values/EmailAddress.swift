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
        guard let at = text.utf8.lastIndex(of: UInt8(ascii: "@")) else {
            return .failure(ValueProblem("`\(text)` is not an address: it has no `@`"))
        }
        let local = String(text[..<at])
        let domainText = String(text[text.index(after: at)...])
        let localLength = local.utf8.count
        if local.isEmpty { return .failure(ValueProblem("`\(text)` has nothing before the `@`", range: 0..<1)) }
        if let bad = local.utf8.firstIndex(where: { !isLocalByte($0) }) {
            let position = local.utf8.distance(from: local.utf8.startIndex, to: bad)
            return .failure(ValueProblem(
                "the address `\(text)` has a character that must be percent-encoded",
                help: "write spaces, quotes and symbols as UTF-8 percent escapes (`\"a b\"@x` is `%22a%20b%22@x`)",
                range: position..<position + 1))
        }
        let localBytes = local.utf8.contains(UInt8(ascii: "%")) ? Array(local.utf8) : []
        for (index, byte) in localBytes.enumerated() where byte == UInt8(ascii: "%") {
            let hex = { (position: Int) in position < localBytes.count && Character(Unicode.Scalar(localBytes[position])).isHexDigit }
            if !(hex(index + 1) && hex(index + 2)) {
                return .failure(ValueProblem(
                    "`%` in `\(text)` does not start a percent escape", help: "write `%` itself as `%25`", range: index..<index + 1))
            }
        }
        if local.utf8.count > 64 { return .failure(ValueProblem("the local part of `\(text)` is longer than 64 characters")) }
        return DomainName.validate(domainText, what: "address domain")
            .map { EmailAddress(localPart: DomainName.lowercased(local), domain: $0) }
            .mapError { ValueProblem($0.message, help: $0.help, range: $0.range.map { $0.lowerBound + localLength + 1..<$0.upperBound + localLength + 1 }) }
    }

    private static func isLocalByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-/=?^_`{|}~.".utf8.contains(byte)
        }
    }
}
