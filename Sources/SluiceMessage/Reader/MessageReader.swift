import Foundation
import SluiceDiagnostics

/// Reads message bytes (RFC 5322, MIME) into a `Message`. Never fails: whatever cannot be read
/// is reported in `Message.problems`, and everything that can be read is kept.
public struct MessageReader: Sendable {
    public var options: ReadOptions

    public init(options: ReadOptions = ReadOptions()) { self.options = options }

    public func read(_ bytes: [UInt8]) -> Message {
        let limits = options.limits
        var problems: [Diagnostic] = []
        let end = min(bytes.count, limits.maxMessageBytes)
        if bytes.count > limits.maxMessageBytes {
            problems.append(Diagnostic(
                "limit.message-size", .error,
                "the message is \(bytes.count) bytes; only the first \(limits.maxMessageBytes) are read",
                at: .message(MessageLocation(byteOffset: limits.maxMessageBytes))))
        }
        if bytes.isEmpty {
            problems.append(Diagnostic("message.empty", .error, "the message is empty"))
        }

        var header = HeaderBlockParser(limits: limits, part: "").parse(bytes, in: 0..<end, allowMboxFromLine: true)
        if header.headers.isEmpty && !bytes.isEmpty {
            problems.append(Diagnostic(
                "message.no-header-fields", .error,
                "the message has no header fields; it may not be an email message at all"))
        }

        var mime = MIMEParser(bytes: bytes, limits: limits, features: options.features)
        var root = mime.buildPart(
            headers: header.headers, bodyRange: header.bodyStart..<end, path: "", depth: 0, defaultType: "text/plain")
        if header.problems.contains(where: { $0.code == "header.not-utf8" }),
            let declared = Self.declaredCharset(root), declared != .utf8
        {
            var parser = HeaderBlockParser(limits: limits, part: "")
            parser.fallbackCharset = declared
            header = parser.parse(bytes, in: 0..<end, allowMboxFromLine: true)
            root.headers = header.headers
        }
        problems += header.problems
        problems += mime.problems
        let headers = header.headers

        var fields = HeaderFields(HeaderIndex(headers))
        let from = fields.addresses(.from, "From")
        if fields.index.count(.from) == 0 {
            problems.append(Diagnostic(
                "header.missing-from", .warning, "the message has no `From` field (RFC 5322 §3.6 requires one)"))
        }
        let sender = fields.addresses(.sender, "Sender").first
        if from.count > 1 && sender == nil {
            problems.append(Diagnostic(
                "header.multiple-authors-without-sender", .warning,
                "`From` names \(from.count) mailboxes but there is no `Sender` (RFC 5322 §3.6.2)",
                at: .message(MessageLocation(header: "From"))))
        }
        let returnPath = fields.returnPath()
        let subject = fields.unstructured(.subject, "Subject")
        let dateValue = fields.single(.date, "Date").map { headers.fields[$0].value }
        let date = dateValue.flatMap { RFC5322Date.parse($0) }
        if let dateValue, date == nil {
            fields.problems.append(Diagnostic(
                "header.invalid-date", .warning, "`Date` value `\(dateValue)` is not an RFC 5322 date",
                at: .message(MessageLocation(header: "Date"))))
        }
        let messageID = fields.single(.messageID, "Message-ID").map { headers.fields[$0].value }
        // Read from the tree before it moves into the message: read from the message, the tree
        // (or the whole message) was copied first.
        let attachments = Self.attachments(root)
        let urls = options.features.contains(.urls) ? collectURLs(root, problems: &problems) : []

        let replyTo = fields.addresses(.replyTo, "Reply-To")
        let to = fields.addresses(.to, "To")
        let cc = fields.addresses(.cc, "Cc")
        let bcc = fields.addresses(.bcc, "Bcc")
        let index = fields.index
        let authentication = TraceReader.authentication(index, trusted: options.trustedAuthservIDs, problems: &fields.problems)
        let received = TraceReader.received(index, problems: &fields.problems)
        let upstream = TraceReader.upstream(index, problems: &fields.problems)
        return Message(
            size: bytes.count,
            headers: headers,
            from: from,
            sender: sender,
            replyTo: replyTo,
            to: to,
            cc: cc,
            bcc: bcc,
            returnPath: returnPath,
            subject: subject,
            date: date,
            messageID: messageID,
            root: root,
            attachments: attachments,
            urls: urls,
            authentication: authentication,
            received: received,
            upstream: upstream,
            problems: problems + fields.problems)
    }

    /// The charset the message declares for its text (the root's, else the first text part's):
    /// raw 8-bit header text is nearly always written in it too.
    private static func declaredCharset(_ root: MIMEPart) -> Charset? {
        let label = root.charset ?? root.leaves.first { $0.contentType.hasPrefix("text/") && $0.charset != nil }?.charset
        return label.flatMap { Charset(label: $0) }
    }

    private static func attachments(_ root: MIMEPart) -> [Attachment] {
        var attachments: [Attachment] = []
        root.forEachPart { if $0.isAttachment { attachments.append(Attachment($0)) } }
        return attachments
    }

    private func collectURLs(_ root: MIMEPart, problems: inout [Diagnostic]) -> [ExtractedURL] {
        var collector = URLCollector(limit: options.limits.maxURLs)
        // Visited in place: `textParts` would copy every text part out of the tree.
        root.forEachText(bodyOnly: false) { part, text in
            // Read once: read in the visitor, the part was copied for every URL found.
            let path = part.path
            if part.contentType == "text/html" {
                URLExtractor.forEachURL(inHTML: text) { collector.add($0, part: path) }
            } else {
                URLExtractor.forEachURL(inText: text) { collector.add($0, part: path) }
            }
        }
        if !collector.dropped.isEmpty {
            problems.append(Diagnostic(
                "limit.urls", .warning,
                "the message links to more than \(options.limits.maxURLs) URLs; \(collector.dropped.count) more are not listed"))
        }
        return collector.urls
    }
}

/// Reads the top-level fields that have a meaning of their own, reporting what is malformed.
private struct HeaderFields {
    let index: HeaderIndex
    var problems: [Diagnostic] = []

    init(_ index: HeaderIndex) { self.index = index }

    /// Where the field that RFC 5322 §3.6 allows once stands; a second one is reported and the
    /// first is used. `header` is the name as the diagnostics spell it. An index rather than the
    /// field: the callers read a part of it, and a copy of the field retains all of its Strings.
    mutating func single(_ name: HeaderIndex.Name, _ header: String) -> Int? {
        let count = index.count(name)
        if count > 1, let second = index.secondIndex(name) {
            problems.append(Diagnostic(
                "header.duplicate-field", .warning,
                "the message has \(count) `\(header)` fields where RFC 5322 §3.6 allows one; the first is used",
                at: .message(MessageLocation(header: header, byteOffset: index.headers.fields[second].offset))))
        }
        return index.firstIndex(name)
    }

    mutating func addresses(_ name: HeaderIndex.Name, _ header: String) -> [Mailbox] {
        guard let at = single(name, header) else { return [] }
        let fields = index.headers.fields
        let parsed = AddressParser.parseList(fields[at].value, header: header)
        for var problem in parsed.problems {
            problem.location = .message(MessageLocation(header: header, byteOffset: fields[at].offset))
            problems.append(problem)
        }
        return parsed.mailboxes
    }

    mutating func unstructured(_ name: HeaderIndex.Name, _ header: String) -> String? {
        guard let at = single(name, header) else { return nil }
        let fields = index.headers.fields
        let decoded = EncodedWords.decode(fields[at].value)
        for var problem in decoded.problems {
            problem.location = .message(MessageLocation(header: header, byteOffset: fields[at].offset))
            problems.append(problem)
        }
        return decoded.text
    }

    /// RFC 5321 §4.4: the topmost Return-Path is the one the final delivery added.
    mutating func returnPath() -> ReturnPath? {
        guard let field = index.first(.returnPath) else { return nil }
        let compact = field.value.filter { !$0.isWhitespace }
        if compact == "<>" { return .null }
        let parsed = AddressParser.parseList(field.value, header: "Return-Path")
        for var problem in parsed.problems where problem.code != "address.empty" {
            problem.location = .message(MessageLocation(header: "Return-Path", byteOffset: field.offset))
            problems.append(problem)
        }
        guard let mailbox = parsed.mailboxes.first, !mailbox.localPart.isEmpty || !mailbox.domain.isEmpty else {
            return .null
        }
        return .address(mailbox)
    }
}
