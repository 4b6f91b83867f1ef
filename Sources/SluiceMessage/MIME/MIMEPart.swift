/// One node of a message's MIME tree (RFC 2045, RFC 2046). The root is the message itself.
///
/// Paths number children from 1 under their parent (`1`, `1.2`, ...); the root's path is empty.
/// A `message/rfc822` part has one child: the root of the message it carries.
public struct MIMEPart: Sendable, Hashable, Codable {
    public var path: String
    public var headers: HeaderList
    /// The media type in lower case (`text/plain`), after RFC 2045 §5.2 defaults.
    public var contentType: String
    /// Content-Type parameters; names in lower case, values as written (decoded per RFC 2231).
    public var parameters: [String: String]
    public var charset: String?
    /// The transfer encoding as declared (lower case); `7bit` when absent.
    public var transferEncoding: String
    /// `attachment`, `inline`, or another disposition type, in lower case.
    public var disposition: String?
    /// The file name, from Content-Disposition `filename` or else Content-Type `name`.
    public var filename: String?
    /// Byte range of the part's body in the message, still transfer-encoded.
    public var bodyRange: Range<Int>
    public var children: [MIMEPart]
    /// Decoded content of a leaf part, when the reader was asked to decode.
    public var content: PartContent?

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
        // Through the buffer: the array's subscript hands out a copy of the child (a retain of
        // every field), the buffer's lends it in place.
        children.withUnsafeBufferPointer { children in
            for index in children.indices { children[index].forEachPart(body) }
        }
    }

    /// Visits the text leaves (and multiparts read as text because their boundary is missing) in
    /// one walk of the tree, leaving out declared attachments when `bodyOnly`.
    func forEachText(bodyOnly: Bool, _ body: (MIMEPart, String) -> Void) {
        forEachPart { part in
            guard part.isLeaf, ASCII.hasPrefix(part.contentType, "text/") || part.isMultipart, let text = part.content?.text,
                !bodyOnly || part.disposition != "attachment"
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
