import SluiceMessage

/// An IP address or CIDR block (`198.51.100.7`, `198.51.100.0/24`, `2001:db8::/32`).
public struct IPRange: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The network address (host bits zero).
    public var network: IPAddress
    public var prefixLength: Int

    public init(network: IPAddress, prefixLength: Int) {
        self.network = network
        self.prefixLength = prefixLength
    }

    public var family: IPAddress.Family { network.family }
    public var isSingleAddress: Bool { prefixLength == (family == .ipv4 ? 32 : 128) }

    public var description: String { isSingleAddress ? network.description : "\(network)/\(prefixLength)" }

    /// Parses an address or CIDR. A CIDR with host bits set is refused with the network address
    /// it probably meant, since silently widening or narrowing it would change what it matches.
    public static func parse(_ text: String) -> Result<IPRange, ValueProblem> {
        if text.contains("*") {
            return .failure(ValueProblem("an IP address takes no wildcards", help: "write a CIDR block such as `198.51.100.0/24`"))
        }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = address(String(parts[0])) else {
            return .failure(ValueProblem("`\(text)` is not an IP address or CIDR block", range: 0..<parts[0].utf8.count))
        }
        let bits = address.family == .ipv4 ? 32 : 128
        guard parts.count == 2 else { return .success(IPRange(network: address, prefixLength: bits)) }
        let prefixStart = parts[0].utf8.count + 1
        guard let length = Int(parts[1]), (parts[1].first?.isNumber ?? false), length >= 0, length <= bits else {
            return .failure(ValueProblem(
                "the prefix length of `\(text)` must be a number from 0 to \(bits)",
                range: parts[1].isEmpty ? prefixStart - 1..<prefixStart : prefixStart..<prefixStart + parts[1].utf8.count))
        }
        let masked = mask(address, to: length)
        if masked != address {
            return .failure(ValueProblem(
                "`\(text)` has bits set after the first \(length)", help: "the block is `\(masked)/\(length)`"))
        }
        return .success(IPRange(network: masked, prefixLength: length))
    }

    /// An address as policy entries write it: bare, without the brackets or `IPv6:` tag that
    /// trace headers use.
    static func address(_ text: String) -> IPAddress? {
        guard let first = text.utf8.first, first == UInt8(ascii: ":") || (first < 0x80 && Character(Unicode.Scalar(first)).isHexDigit),
            !text.lowercased().hasPrefix("ipv6:")
        else { return nil }
        return IPAddress(text)
    }

    public func contains(_ address: IPAddress) -> Bool {
        let candidate = address.family == family ? address : (family == .ipv4 ? address.mappedIPv4 : nil)
        guard let candidate else { return false }
        return Self.mask(candidate, to: prefixLength) == network
    }

    /// Whether every address of `other` is in this range.
    public func covers(_ other: IPRange) -> Bool {
        other.family == family && other.prefixLength >= prefixLength && contains(other.network)
    }

    static func mask(_ address: IPAddress, to length: Int) -> IPAddress {
        var bytes = address.bytes
        for index in bytes.indices {
            let keep = max(0, min(8, length - index * 8))
            bytes[index] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return IPAddress(bytes: bytes)!
    }
}
