/// One node of a message's MIME tree (RFC 2045, RFC 2046). The root is the message itself.
///
/// Paths number children from 1 under their parent (`1`, `1.2`, ...); the root's path is empty.
/// A `message/rfc822` part has one child: the root of the message it carries.
public struct MIMEPart: Sendable, Hashable, Codable {
    /// The fields, behind one reference: the tree is handed around and visited a lot, and a copy
    /// of a part is then one retain rather than one per field. Immutable, so it is Sendable and
    /// shared; a setter makes a new one (parts are built once and rarely changed).
    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// The stored fields, in their Codable order (a part encodes as them alone).
    private struct Fields: Sendable, Hashable, Codable {
        var path: String
        var headers: HeaderList
        var contentType: String
        var parameters: ParameterList
        var charset: String?
        var transferEncoding: String
        var disposition: String?
        var filename: String?
        var bodyRange: Range<Int>
        var children: [MIMEPart]
        var content: PartContent?
    }

    /// Content-Type parameters as parsed, names unique: few parts' parameters are ever looked up
    /// by name, so the dictionary is made only when asked for. It encodes, compares and hashes
    /// as that dictionary.
    private struct ParameterList: Sendable, Hashable, Codable {
        var list: [ParameterizedValue.Parameter]

        init(_ list: [ParameterizedValue.Parameter]) { self.list = list }

        init(_ dictionary: [String: String]) {
            list = dictionary.map { ParameterizedValue.Parameter(name: $0.key, value: $0.value) }
        }

        var dictionary: [String: String] {
            Dictionary(list.lazy.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        }

        init(from decoder: any Decoder) throws {
            self.init(try decoder.singleValueContainer().decode([String: String].self))
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(dictionary)
        }

        static func == (lhs: Self, rhs: Self) -> Bool { lhs.dictionary == rhs.dictionary }

        func hash(into hasher: inout Hasher) { hasher.combine(dictionary) }
    }

    private var storage: Storage

    init(
        path: String, headers: HeaderList, contentType: String, parameters: [ParameterizedValue.Parameter], charset: String?,
        transferEncoding: String, disposition: String?, filename: String?, bodyRange: Range<Int>,
        children: [MIMEPart], content: PartContent?
    ) {
        storage = Storage(Fields(
            path: path, headers: headers, contentType: contentType, parameters: ParameterList(parameters), charset: charset,
            transferEncoding: transferEncoding, disposition: disposition, filename: filename, bodyRange: bodyRange,
            children: children, content: content))
    }

    public init(from decoder: any Decoder) throws { storage = Storage(try Fields(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try storage.fields.encode(to: encoder) }

    public static func == (lhs: MIMEPart, rhs: MIMEPart) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }

    public var path: String {
        get { storage.fields.path }
        set { update { $0.path = newValue } }
    }
    public var headers: HeaderList {
        get { storage.fields.headers }
        set { update { $0.headers = newValue } }
    }
    /// The media type in lower case (`text/plain`), after RFC 2045 §5.2 defaults.
    public var contentType: String {
        get { storage.fields.contentType }
        set { update { $0.contentType = newValue } }
    }
    /// Content-Type parameters; names in lower case, values as written (decoded per RFC 2231).
    public var parameters: [String: String] {
        get { storage.fields.parameters.dictionary }
        set { update { $0.parameters = ParameterList(newValue) } }
    }
    public var charset: String? {
        get { storage.fields.charset }
        set { update { $0.charset = newValue } }
    }
    /// The transfer encoding as declared (lower case); `7bit` when absent.
    public var transferEncoding: String {
        get { storage.fields.transferEncoding }
        set { update { $0.transferEncoding = newValue } }
    }
    /// `attachment`, `inline`, or another disposition type, in lower case.
    public var disposition: String? {
        get { storage.fields.disposition }
        set { update { $0.disposition = newValue } }
    }
    /// The file name, from Content-Disposition `filename` or else Content-Type `name`.
    public var filename: String? {
        get { storage.fields.filename }
        set { update { $0.filename = newValue } }
    }
    /// Byte range of the part's body in the message, still transfer-encoded.
    public var bodyRange: Range<Int> {
        get { storage.fields.bodyRange }
        set { update { $0.bodyRange = newValue } }
    }
    public var children: [MIMEPart] {
        get { storage.fields.children }
        set { update { $0.children = newValue } }
    }
    /// Decoded content of a leaf part, when the reader was asked to decode.
    public var content: PartContent? {
        get { storage.fields.content }
        set { update { $0.content = newValue } }
    }

    public var isMultipart: Bool { Self.isMultipart(contentType) }
    public var isEncapsulatedMessage: Bool { Self.isEncapsulatedMessage(contentType) }
    public var isLeaf: Bool { children.isEmpty }

    /// An attachment is a leaf that is meant to be saved rather than read: a declared attachment,
    /// a part with a file name, or a part that is neither text nor a container.
    public var isAttachment: Bool {
        isLeaf && Self.isAttachment(contentType: contentType, disposition: disposition, filename: filename)
    }

    // The tests on a part's fields, for the parser, which has them before it has the part.
    static func isMultipart(_ contentType: String) -> Bool { ASCII.hasPrefix(contentType, "multipart/") }

    static func isEncapsulatedMessage(_ contentType: String) -> Bool {
        contentType == "message/rfc822" || contentType == "message/global"
    }

    /// Whether a leaf with these fields is an attachment.
    static func isAttachment(contentType: String, disposition: String?, filename: String?) -> Bool {
        if disposition == "attachment" || filename != nil { return true }
        return !(ASCII.hasPrefix(contentType, "text/") || isMultipart(contentType) || ASCII.hasPrefix(contentType, "message/"))
    }

    /// Every part of the tree in depth-first order, this one first.
    public var allParts: [MIMEPart] {
        var result: [MIMEPart] = []
        forEachPart { result.append($0) }
        return result
    }

    public var leaves: [MIMEPart] {
        var result: [MIMEPart] = []
        forEachPart { if $0.isLeaf { result.append($0) } }
        return result
    }

    /// Visits every part of the tree in depth-first order, this one first, collecting nothing.
    func forEachPart(_ body: (MIMEPart) -> Void) {
        body(self)
        for child in storage.fields.children { child.forEachPart(body) }
    }

    /// Visits the text leaves (and multiparts read as text because their boundary is missing) in
    /// one walk of the tree, leaving out declared attachments when `bodyOnly`.
    func forEachText(bodyOnly: Bool, _ body: (MIMEPart, String) -> Void) {
        forEachPart { part in
            // Read in place: the `content` getter would copy all of it to reach its text.
            let storage = part.storage
            guard storage.fields.children.isEmpty, let text = storage.fields.content?.text,
                ASCII.hasPrefix(storage.fields.contentType, "text/") || Self.isMultipart(storage.fields.contentType),
                !bodyOnly || storage.fields.disposition != "attachment"
            else { return }
            body(part, text)
        }
    }
}

/// The decoded content of a leaf part.
public struct PartContent: Sendable, Hashable, Codable {
    /// Size in bytes after transfer decoding.
    public var size: Int
    /// SHA-256 of the decoded bytes, lower-case hex (what a tenant file block keys on).
    public var sha256: String?
    /// What the first bytes say the file is.
    public var detectedType: FileType?
    /// For text parts: the text, decoded from its charset (cut at the reader's text limit).
    public var text: String?
}
