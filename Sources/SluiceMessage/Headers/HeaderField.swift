/// One header field as it stands in the message: order and duplicates are kept by `HeaderList`.
public struct HeaderField: Sendable, Hashable, Codable {
    /// The field name as written (compare with `is(_:)`, which ignores case).
    public var name: String
    /// The field body exactly as written, folding included, without the final line break.
    public var raw: String
    /// The field body unfolded (RFC 5322 §2.2.3) and trimmed; RFC 2047 words still encoded.
    public var value: String
    /// Byte offset of the field's first byte in the message.
    public var offset: Int

    public init(name: String, raw: String, value: String, offset: Int) {
        self.name = name
        self.raw = raw
        self.value = value
        self.offset = offset
    }

    /// Whether this field has the given name, ignoring ASCII case.
    public func `is`(_ other: String) -> Bool { Self.namesEqual(name, other) }

    /// Field names are ASCII (RFC 5322 §3.6.8); compare them without allocating.
    static func namesEqual(_ a: String, _ b: String) -> Bool {
        var a = a.utf8.makeIterator(), b = b.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case (let x?, let y?):
                if x == y { continue }
                let lowerX = (x >= 0x41 && x <= 0x5A) ? x | 0x20 : x
                let lowerY = (y >= 0x41 && y <= 0x5A) ? y | 0x20 : y
                if lowerX != lowerY { return false }
            default: return false
            }
        }
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
        fields.filter { HeaderField.namesEqual($0.name, name) }
    }

    /// The first field with this name.
    public func first(_ name: String) -> HeaderField? {
        fields.first { HeaderField.namesEqual($0.name, name) }
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
