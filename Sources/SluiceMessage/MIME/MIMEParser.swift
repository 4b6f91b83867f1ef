import Crypto
import Foundation
import SluiceDiagnostics

/// Builds the MIME tree of a message (RFC 2045, RFC 2046) from its bytes, and decodes leaf
/// content when asked. Broken structure is read as far as it goes and reported: a missing closing
/// boundary ends the last part at the end of the body; a multipart without its boundary is read
/// as one text leaf; nesting and part counts past the limits become opaque leaves.
struct MIMEParser {
    let bytes: [UInt8]
    let limits: ReadLimits
    let features: ReadFeatures
    private(set) var problems: [Diagnostic] = []
    private var partCount = 0
    private var reportedPartLimit = false

    init(bytes: [UInt8], limits: ReadLimits, features: ReadFeatures) {
        self.bytes = bytes
        self.limits = limits
        self.features = features
    }

    mutating func buildPart(
        headers: HeaderList, bodyRange: Range<Int>, path: String, depth: Int, defaultType: String
    ) -> MIMEPart {
        partCount += 1
        // The fields are gathered in locals and the part is made once at the end: a part held in
        // a variable and mutated was copied (a retain of every field) on its way out.
        var contentType = defaultType
        var transferEncoding = "7bit"
        var disposition: String? = nil
        var filename: String? = nil

        // The first of each field read here, found in one pass by index: looked up one by one,
        // the fields were walked three times and each one found was copied out and destroyed.
        let fields = headers.fields
        var typeField: Int? = nil, encodingField: Int? = nil, dispositionField: Int? = nil
        for index in fields.indices {
            // By length first, which rules out nearly every other field without comparing text.
            let key = fields[index].key
            switch key.utf8.count {
            case 12 where typeField == nil && key == "content-type": typeField = index
            case 25 where encodingField == nil && key == "content-transfer-encoding": encodingField = index
            case 19 where dispositionField == nil && key == "content-disposition": dispositionField = index
            default: break
            }
        }

        // The Content-Type parameters as parsed (names unique, first value kept): the part keeps
        // them as they are, and the few names read below are found without hashing.
        var typeParameters: [ParameterizedValue.Parameter] = []
        if let typeField {
            let (name, value) = (fields[typeField].name, fields[typeField].value)
            let parsed = ParameterizedValue(parsing: value)
            report(parsed.problems, path: path, header: name)
            let slash = UInt8(ascii: "/")
            let isTypeSlashSubtype =
                ASCII.withBytes(of: parsed.value) { bytes -> Bool? in
                    // Each byte of ASCII is a Character, so the byte tests are the Character tests.
                    guard ASCII.isASCII(bytes) else { return nil }
                    return bytes.contains(slash) && bytes.first != slash && bytes.last != slash
                } ?? (parsed.value.contains("/") && !parsed.value.hasPrefix("/") && !parsed.value.hasSuffix("/"))
            if isTypeSlashSubtype {
                contentType = parsed.value
                typeParameters = parsed.parameters
            } else {
                // RFC 2045 §5.2: an unreadable Content-Type means text/plain; us-ascii.
                problems.append(Diagnostic(
                    "mime.invalid-content-type", .warning,
                    "content type `\(value)` is not a `type/subtype`; read as `text/plain`",
                    at: location(path, header: name)))
                contentType = "text/plain"
            }
        }
        func typeParameter(_ name: String) -> String? { typeParameters.first { $0.name == name }?.value }
        let charset = typeParameter("charset")
        if let encodingField {
            let name = fields[encodingField].name
            // Read as a structured field (RFC 2045 §3), so `base64 (comment)` is still base64.
            let parsed = ParameterizedValue(parsing: fields[encodingField].value)
            report(parsed.problems, path: path, header: name)
            transferEncoding = parsed.value
        }
        if let dispositionField {
            let name = fields[dispositionField].name
            let parsed = ParameterizedValue(parsing: fields[dispositionField].value)
            report(parsed.problems, path: path, header: name)
            disposition = parsed.value.isEmpty ? nil : parsed.value
            filename = parsed[parameter: "filename"]
        }
        // An empty `filename=""` names nothing; it must not hide the Content-Type `name`.
        if filename?.isEmpty ?? true {
            filename = typeParameter("name").flatMap { $0.isEmpty ? nil : $0 }
        }

        var children: [MIMEPart] = []
        var content: PartContent? = nil
        if features.contains(.structure) {
            let isMultipart = MIMEPart.isMultipart(contentType)
            let isEncapsulatedMessage = MIMEPart.isEncapsulatedMessage(contentType)
            if (isMultipart || isEncapsulatedMessage) && depth >= limits.maxMIMEDepth {
                problems.append(Diagnostic(
                    "limit.mime-depth", .error,
                    "MIME nesting goes deeper than \(limits.maxMIMEDepth) levels; part \(path) is not opened",
                    at: location(path)))
            } else if isMultipart {
                children = splitMultipart(
                    path: path, contentType: contentType, bodyRange: bodyRange, boundary: typeParameter("boundary"),
                    depth: depth)
            } else if isEncapsulatedMessage, TransferEncoding(header: transferEncoding)?.isIdentity ?? false {
                let inner = HeaderBlockParser(limits: limits, part: childPath(path, 1))
                    .parse(bytes, in: bodyRange, allowMboxFromLine: false)
                report(inner.problems)
                children = [buildPart(
                    headers: inner.headers, bodyRange: inner.bodyStart..<bodyRange.upperBound,
                    path: childPath(path, 1), depth: depth + 1, defaultType: "text/plain")]
            }
            if children.isEmpty {
                content = decodeLeaf(
                    path: path, bodyRange: bodyRange, contentType: contentType, charset: charset,
                    transferEncoding: transferEncoding,
                    isAttachment: MIMEPart.isAttachment(contentType: contentType, disposition: disposition, filename: filename))
            }
        }
        return MIMEPart(
            path: path, headers: headers, contentType: contentType, parameters: typeParameters, charset: charset,
            transferEncoding: transferEncoding, disposition: disposition, filename: filename, bodyRange: bodyRange,
            children: children, content: content)
    }

    /// The children of a multipart part, split at its boundary.
    private mutating func splitMultipart(
        path: String, contentType: String, bodyRange range: Range<Int>, boundary: String?, depth: Int
    ) -> [MIMEPart] {
        guard let boundary, !boundary.isEmpty else {
            problems.append(Diagnostic(
                "mime.missing-boundary", .warning,
                "multipart part has no `boundary` parameter; its body is read as text",
                at: location(path, header: "Content-Type")))
            return []
        }
        var pieces: [Range<Int>] = []
        // Room for the usual few parts at once, rather than growing one part at a time.
        pieces.reserveCapacity(4)
        var pieceStart: Int? = nil
        var closed = false
        var searchStart = range.lowerBound

        while searchStart < range.upperBound {
            // A delimiter line starts with `-`: memchr skips to the next one far faster than
            // walking the body line by line. A `-` inside a line passes the rest of that line.
            let lineStart = bytes.index(of: 0x2D, from: searchStart, before: range.upperBound)
            guard lineStart < range.upperBound else { break }
            let lineEnd = bytes.indexOfNewline(from: lineStart, before: range.upperBound)
            let next = min(lineEnd + 1, range.upperBound)
            guard lineStart == range.lowerBound || bytes[lineStart - 1] == 0x0A else {
                searchStart = next
                continue
            }
            if let isClose = delimiterKind(at: lineStart, lineEnd: lineEnd, boundary: boundary) {
                // RFC 2046 §5.1.1: the line break before a delimiter belongs to the delimiter.
                let bodyEnd = precedingLineBreakStart(lineStart, floor: pieceStart ?? range.lowerBound)
                if let start = pieceStart {
                    pieces.append(start..<max(start, bodyEnd))
                }
                if isClose {
                    closed = true
                    break
                }
                pieceStart = next
            }
            searchStart = next
        }
        if let start = pieceStart, !closed {
            pieces.append(start..<range.upperBound)
            problems.append(Diagnostic(
                "mime.unterminated-multipart", .warning,
                "multipart part has no closing boundary `--\(boundary)--`; its last part runs to the end",
                at: location(path)))
        }
        if pieceStart == nil {
            problems.append(Diagnostic(
                "mime.boundary-not-found", .warning,
                "boundary `\(boundary)` never occurs in the body; the body is read as text",
                at: location(path)))
            return []
        }

        let childDefault = contentType == "multipart/digest" ? "message/rfc822" : "text/plain"
        var children: [MIMEPart] = []
        children.reserveCapacity(pieces.count)
        for (index, piece) in pieces.enumerated() {
            if partCount >= limits.maxParts {
                if !reportedPartLimit {
                    reportedPartLimit = true
                    problems.append(Diagnostic(
                        "limit.mime-parts", .error,
                        "the message has more than \(limits.maxParts) MIME parts; the rest are not read",
                        at: location(path)))
                }
                break
            }
            let childPath = childPath(path, index + 1)
            let header = HeaderBlockParser(limits: limits, part: childPath)
                .parse(bytes, in: piece, allowMboxFromLine: false)
            report(header.problems)
            children.append(buildPart(
                headers: header.headers, bodyRange: header.bodyStart..<piece.upperBound,
                path: childPath, depth: depth + 1, defaultType: childDefault))
        }
        return children
    }

    /// Whether the line is a boundary delimiter (RFC 2046 §5.1.1): `--boundary`, optionally `--`
    /// for the last one, then only transport padding. Returns true for the closing delimiter.
    private func delimiterKind(at start: Int, lineEnd: Int, boundary: String) -> Bool? {
        // `--` and the boundary, compared in place rather than joined into an array per multipart.
        let isDelimiter = ASCII.withBytes(of: boundary) { boundary -> Bool in
            guard lineEnd - start >= 2 + boundary.count, bytes[start] == 0x2D, bytes[start + 1] == 0x2D else { return false }
            for offset in 0..<boundary.count where bytes[start + 2 + offset] != boundary[offset] {
                return false
            }
            return true
        }
        guard isDelimiter else { return nil }
        var index = start + 2 + boundary.utf8.count
        var isClose = false
        if index + 1 < lineEnd, bytes[index] == 0x2D, bytes[index + 1] == 0x2D {
            isClose = true
            index += 2
        }
        while index < lineEnd {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D else { return nil }
            index += 1
        }
        return isClose
    }

    private func precedingLineBreakStart(_ lineStart: Int, floor: Int) -> Int {
        var end = lineStart
        if end > floor && bytes[end - 1] == 0x0A { end -= 1 }
        if end > floor && bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// The decoded content of a leaf.
    private mutating func decodeLeaf(
        path: String, bodyRange: Range<Int>, contentType: String, charset: String?, transferEncoding: String,
        isAttachment: Bool
    ) -> PartContent? {
        guard features.contains(.decodedContent) else { return nil }
        let raw = bytes[bodyRange]
        let encoding: TransferEncoding
        if let known = TransferEncoding(header: transferEncoding) {
            encoding = known
        } else {
            problems.append(Diagnostic(
                "mime.unknown-transfer-encoding", .warning,
                "transfer encoding `\(transferEncoding)` is unknown; the body is read as it stands",
                at: location(path, header: "Content-Transfer-Encoding")))
            encoding = .binary
        }
        // An identity encoding's content is the body as it stands: no copy.
        let decoded: ArraySlice<UInt8>, damaged: Int
        if encoding.isIdentity {
            (decoded, damaged) = (raw, 0)
        } else {
            let result = encoding.decode(raw)
            (decoded, damaged) = (result.bytes[...], result.damaged)
        }
        if damaged > 0 {
            problems.append(Diagnostic(
                "mime.damaged-encoding", .warning,
                "\(damaged) bytes of \(encoding.rawValue) content could not be decoded",
                at: location(path)))
        }
        var content = PartContent(size: decoded.count)
        if isAttachment || features.contains(.bodyHashes) { content.sha256 = hexString(SHA256.hash(data: decoded)) }
        content.detectedType = FileType.sniff(decoded)
        if ASCII.hasPrefix(contentType, "text/") || MIMEPart.isMultipart(contentType) {
            var textBytes = decoded
            if textBytes.count > limits.maxTextBytes {
                problems.append(Diagnostic(
                    "limit.text-size", .warning,
                    "text part is \(textBytes.count) bytes; only the first \(limits.maxTextBytes) are read as text",
                    at: location(path)))
                textBytes = textBytes.prefix(limits.maxTextBytes)
            }
            let text = Charset.decode(textBytes, label: charset ?? "us-ascii")
            report(text.problems, path: path)
            content.text = text.text
        }
        return content
    }

    private func childPath(_ parent: String, _ index: Int) -> String {
        parent.isEmpty ? String(index) : parent + "." + String(index)
    }

    private func location(_ path: String, header: String? = nil) -> Location {
        .message(MessageLocation(part: path, header: header))
    }

    private mutating func report(_ found: [Diagnostic], path: String? = nil, header: String? = nil) {
        // Nearly always nothing: return before the location is built.
        guard !found.isEmpty else { return }
        for var diagnostic in found {
            if diagnostic.location == nil, let path {
                diagnostic.location = location(path, header: header)
            }
            problems.append(diagnostic)
        }
    }
}

extension TransferEncoding {
    /// Whether the body is not transformed (an encapsulated message may only use these).
    var isIdentity: Bool { self == .sevenBit || self == .eightBit || self == .binary }
}

/// Lower-case hex of a digest, the form tenant file entries are written in. Written straight
/// into the String's storage: no digit table or byte array per digest.
func hexString(_ digest: SHA256.Digest) -> String {
    func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble }
    return digest.withUnsafeBytes { bytes in
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = digit(byte >> 4)
                out[2 * index + 1] = digit(byte & 0x0F)
            }
            return bytes.count * 2
        }
    }
}

extension Array where Element == UInt8 {
    /// The index of the next LF at or after `start`, or `end` when there is none (memchr: bodies
    /// are scanned line by line and can be tens of megabytes).
    func indexOfNewline(from start: Int, before end: Int) -> Int {
        index(of: 0x0A, from: start, before: end)
    }

    /// The index of the next `byte` at or after `start`, or `end` when there is none (memchr).
    func index(of byte: UInt8, from start: Int, before end: Int) -> Int {
        guard start < end else { return end }
        return withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress,
                let found = memchr(base + start, Int32(byte), end - start)
            else { return end }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }
}
