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
    public let key: String

    public init(name: String, raw: String, value: String, offset: Int) {
        self.init(name: name, key: ASCII.lowercased(name), raw: raw, value: value, offset: offset)
    }

    /// For a reader that has the lower-case name at hand already.
    init(name: String, key: String, raw: String, value: String, offset: Int) {
        self.name = name
        self.raw = raw
        self.value = value
        self.offset = offset
        self.key = key
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

    /// Every field with this name, in message order. An ASCII name is compared in place against
    /// the lower-case keys rather than lower-cased into a new String per call; a non-ASCII one
    /// keeps String comparison (canonical equivalence).
    public func all(_ name: String) -> [HeaderField] {
        guard ASCII.isASCII(name) else { return all(key: ASCII.lowercased(name)) }
        let length = name.utf8.count
        return fields.filter { $0.key.utf8.count == length && TraceText.equals($0.key, name) }
    }

    /// The first field with this name.
    public func first(_ name: String) -> HeaderField? {
        guard ASCII.isASCII(name) else { return first(key: ASCII.lowercased(name)) }
        let length = name.utf8.count
        return fields.first { $0.key.utf8.count == length && TraceText.equals($0.key, name) }
    }

    /// Every field whose lower-case name is `key`. The lengths are compared first: that is
    /// nearly free and tells most names apart, and a message is looked up dozens of times.
    func all(key: String) -> [HeaderField] {
        let length = key.utf8.count
        return fields.filter { $0.key.utf8.count == length && $0.key == key }
    }

    /// The first field whose lower-case name is `key`.
    func first(key: String) -> HeaderField? {
        let length = key.utf8.count
        return fields.first { $0.key.utf8.count == length && $0.key == key }
    }

    public subscript(name: String) -> String? { first(name)?.value }

    mutating func append(_ field: HeaderField) { fields.append(field) }

    mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    public init(from decoder: any Decoder) throws {
        fields = try decoder.singleValueContainer().decode([HeaderField].self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fields)
    }
}
