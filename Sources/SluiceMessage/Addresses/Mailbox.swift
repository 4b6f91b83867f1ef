/// One mailbox from an address header (RFC 5322 §3.4).
public struct Mailbox: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The display name, RFC 2047 decoded; from a trailing comment when that is all there is
    /// (`jdoe@example.com (John Doe)`, the obsolete style).
    public var displayName: String?
    /// The local part without its quotes (`"john doe"` is `john doe`); case kept.
    public var localPart: String
    /// The domain, lower-cased; empty when the address has none.
    public var domain: String
    /// The group this mailbox was listed in (`Team: a@x, b@y;`), if any.
    public var group: String?

    public init(displayName: String? = nil, localPart: String, domain: String, group: String? = nil) {
        self.displayName = displayName
        self.localPart = localPart
        self.domain = domain
        self.group = group
    }

    /// `local@domain`, the local part quoted when it needs to be.
    public var address: String {
        let local = Self.needsQuoting(localPart) ? "\"\(localPart.replacingQuotes())\"" : localPart
        return domain.isEmpty ? local : "\(local)@\(domain)"
    }

    public var description: String {
        guard let displayName, !displayName.isEmpty else { return address }
        return "\(displayName) <\(address)>"
    }

    private static func needsQuoting(_ local: String) -> Bool {
        if local.isEmpty { return true }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { return true }
        return local.unicodeScalars.contains { !AddressTokenizer.isAtext($0) && $0 != "." }
    }

    enum CodingKeys: String, CodingKey {
        case displayName, localPart, domain, group, address
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName)
        localPart = try container.decode(String.self, forKey: .localPart)
        domain = try container.decode(String.self, forKey: .domain)
        group = try container.decodeIfPresent(String.self, forKey: .group)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address, forKey: .address)
        try container.encodeIfPresent(displayName, forKey: .displayName)
        try container.encode(localPart, forKey: .localPart)
        try container.encode(domain, forKey: .domain)
        try container.encodeIfPresent(group, forKey: .group)
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for character in self {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
