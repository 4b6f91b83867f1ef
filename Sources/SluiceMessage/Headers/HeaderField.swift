/// One header field as it stands in the message: order and duplicates are kept by `HeaderList`.
public struct HeaderField: Sendable, Hashable, Codable {
    /// The field name as written (`HeaderList` looks names up ignoring case).
    public var name: String
    /// The field body exactly as written, folding included, without the final line break.
    public var raw: String {
        get { rawUnlessSpacedValue ?? " " + value }
        set { rawUnlessSpacedValue = Self.rawUnlessSpacedValue(newValue, value) }
    }
    /// The field body unfolded (RFC 5322 §2.2.3) and trimmed; RFC 2047 words still encoded.
    public var value: String {
        get { storedValue }
        set {
            let raw = self.raw
            storedValue = newValue
            rawUnlessSpacedValue = Self.rawUnlessSpacedValue(raw, newValue)
        }
    }
    /// Byte offset of the field's first byte in the message.
    public var offset: Int
    /// The name in ASCII lower case, made once so lookups compare without allocating.
    public let key: String

    private var storedValue: String
    /// Nil for the usual one-line field, `Name: value`, whose body is one space and the value:
    /// nearly every field, and no second String is kept for it. Only encoding reads `raw`.
    private var rawUnlessSpacedValue: String?

    public init(name: String, raw: String, value: String, offset: Int) {
        self.init(
            name: name, key: ASCII.lowercased(name), raw: Self.rawUnlessSpacedValue(raw, value), value: value,
            offset: offset)
    }

    /// For a reader that has the lower-case name at hand already; `raw` nil means `" " + value`.
    init(name: String, key: String, raw: String?, value: String, offset: Int) {
        self.name = name
        self.storedValue = value
        self.rawUnlessSpacedValue = raw
        self.offset = offset
        self.key = key
    }

    /// Nil when `raw` is one space and `value` (one form only, so synthesized equality holds).
    private static func rawUnlessSpacedValue(_ raw: String, _ value: String) -> String? {
        ASCII.withBytes(of: raw) { raw in
            ASCII.withBytes(of: value) { value in
                raw.count == value.count + 1 && raw.first == 0x20 && raw.dropFirst().elementsEqual(value)
            }
        } ? nil : raw
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

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(raw, forKey: .raw)
        try container.encode(value, forKey: .value)
        try container.encode(offset, forKey: .offset)
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
        return fields(where: { TraceText.equals($0, name) }, length: name.utf8.count)
    }

    /// The first field with this name.
    public func first(_ name: String) -> HeaderField? {
        guard ASCII.isASCII(name) else { return first(key: ASCII.lowercased(name)) }
        return firstIndex(where: { TraceText.equals($0, name) }, length: name.utf8.count).map { fields[$0] }
    }

    /// Every field whose lower-case name is `key`.
    func all(key: String) -> [HeaderField] {
        fields(where: { $0 == key }, length: key.utf8.count)
    }

    /// The first field whose lower-case name is `key`.
    func first(key: String) -> HeaderField? {
        firstIndex(where: { $0 == key }, length: key.utf8.count).map { fields[$0] }
    }

    /// The first field whose key has this length and matches. The lengths are compared first:
    /// that is nearly free and tells most names apart, and a message is looked up dozens of
    /// times. By index, so that only matches are copied out (a copy retains each of its Strings).
    private func firstIndex(where matches: (String) -> Bool, length: Int) -> Int? {
        for index in fields.indices where fields[index].key.utf8.count == length && matches(fields[index].key) {
            return index
        }
        return nil
    }

    private func fields(where matches: (String) -> Bool, length: Int) -> [HeaderField] {
        var found: [HeaderField] = []
        for index in fields.indices where fields[index].key.utf8.count == length && matches(fields[index].key) {
            found.append(fields[index])
        }
        return found
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
