/// One header field as it stands in the message: order and duplicates are kept by `HeaderList`.
public struct HeaderField: Sendable, Hashable, Codable {
    /// The field name as written (`HeaderList` looks names up ignoring case).
    public var name: String
    /// The field body exactly as written, folding included, without the final line break.
    public var raw: String
    /// The field body unfolded (RFC 5322 §2.2.3) and trimmed; RFC 2047 words still encoded.
    public var value: String
    /// Byte offset of the field's first byte in the message.
    public var offset: Int
    /// The name in ASCII lower case, made once so lookups compare without allocating.
    let key: String

    public init(name: String, raw: String, value: String, offset: Int) {
        self.name = name
        self.raw = raw
        self.value = value
        self.offset = offset
        key = ASCII.lowercased(name)
    }

    private enum CodingKeys: String, CodingKey { case name, raw, value, offset }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            raw: try container.decode(String.self, forKey: .raw),
            value: try container.decode(String.self, forKey: .value),
            offset: try container.decode(Int.self, forKey: .offset))
    }
}

/// The header fields of a message or MIME part, in order, with case-insensitive lookup.
public struct HeaderList: Sendable, Hashable, Codable, RandomAccessCollection {
    public private(set) var fields: [HeaderField]

    public init(_ fields: [HeaderField] = []) { self.fields = fields }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> HeaderField { fields[position] }

    /// Every field with this name, in message order.
    public func all(_ name: String) -> [HeaderField] {
        let wanted = ASCII.lowercased(name)
        return fields.filter { $0.key == wanted }
    }

    /// The first field with this name.
    public func first(_ name: String) -> HeaderField? {
        let wanted = ASCII.lowercased(name)
        return fields.first { $0.key == wanted }
    }

    public subscript(name: String) -> String? { first(name)?.value }

    mutating func append(_ field: HeaderField) { fields.append(field) }

    public init(from decoder: any Decoder) throws {
        fields = try decoder.singleValueContainer().decode([HeaderField].self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fields)
    }
}
