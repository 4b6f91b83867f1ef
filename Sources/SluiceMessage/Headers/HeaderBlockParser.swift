import SluiceDiagnostics

/// Splits a header block (RFC 5322 §2.2) into fields, working on bytes.
///
/// A field line is `name: body`; lines starting with a space or tab continue the previous field
/// (folding, §2.2.3). WSP before the colon is accepted (obsolete syntax, §4.5.3). The block ends
/// at the first empty line. A line that is neither a field nor a continuation also ends the block,
/// as mail servers and Python's `email` do, and is reported: it is the first line of the body.
struct HeaderBlockParser {
    let limits: ReadLimits
    let part: String
    /// How 8-bit header bytes that are not UTF-8 are read: the message's declared charset when
    /// the caller knows it (what mail clients do), else windows-1252.
    var fallbackCharset: Charset = .windows1252

    struct Result {
        var headers: HeaderList
        /// Offset of the first body byte (after the separating empty line, when there is one).
        var bodyStart: Int
        var problems: [Diagnostic]
    }

    func parse(_ bytes: [UInt8], in range: Range<Int>, allowMboxFromLine: Bool) -> Result {
        var headers = HeaderList()
        headers.reserveCapacity(min(Self.fieldCount(bytes, in: range), limits.maxHeaderFields))
        var problems: [Diagnostic] = []
        var lineStart = range.lowerBound
        let end = range.upperBound

        var fieldStart: Int? = nil
        var fieldNameEnd = 0
        var fieldBodyStart = 0
        var fieldEnd = 0
        var droppedFields = 0
        var reportedLongLine = false
        var bodyStart = end

        func location(_ offset: Int, header: String? = nil) -> Location {
            .message(MessageLocation(part: part, header: header, byteOffset: offset))
        }

        func finishField() {
            guard let start = fieldStart else { return }
            fieldStart = nil
            if headers.count >= limits.maxHeaderFields {
                droppedFields += 1
                return
            }
            // `fieldColon` let only printable ASCII and then WSP before the colon: the name is
            // ASCII and needs trimming at its end only.
            var nameEnd = fieldNameEnd
            while nameEnd > start && ASCII.isWhitespace(bytes[nameEnd - 1]) { nameEnd -= 1 }
            let (name, key) = bytes.withUnsafeBufferPointer { buffer in
                let written = UnsafeBufferPointer(rebasing: buffer[start..<nameEnd])
                return Self.commonName(written)
                    ?? (String(decoding: written, as: UTF8.self), ASCII.lowercasedString(written))
            }
            var rawEnd = Self.trimLineBreak(bytes, fieldBodyStart, fieldEnd)
            if rawEnd - fieldBodyStart > limits.maxHeaderFieldBytes {
                problems.append(Diagnostic(
                    "header.field-too-long", .warning,
                    "header field `\(name)` is \(rawEnd - fieldBodyStart) bytes; only the first \(limits.maxHeaderFieldBytes) are read",
                    at: location(start, header: name)))
                rawEnd = fieldBodyStart + limits.maxHeaderFieldBytes
            }
            let rawBytes = bytes[fieldBodyStart..<rawEnd]
            let isUTF8 = Self.isUTF8(rawBytes)
            if !isUTF8 {
                problems.append(Diagnostic(
                    "header.not-utf8", .warning,
                    "header field `\(name)` holds 8-bit bytes that are not UTF-8; read as \(fallbackCharset.name)",
                    at: location(start, header: name),
                    help: "RFC 6532 allows UTF-8 in headers; other 8-bit text should be RFC 2047 encoded"))
            }
            let value = unfold(rawBytes, isUTF8: isUTF8)
            // `Name: value` on one line, the usual field, keeps no copy of its body: that is one
            // space and the value (unfolding removed just the leading space, nothing else).
            let isSpacedValue = isUTF8 && rawBytes.first == 0x20 && rawBytes.count == value.utf8.count + 1
            headers.append(HeaderField(
                name: name, key: key, raw: isSpacedValue ? nil : text(rawBytes, isUTF8: isUTF8),
                value: value, offset: start))
        }

        var lineIndex = 0
        while lineStart < end {
            let lineEnd = bytes.indexOfNewline(from: lineStart, before: end)
            let next = lineEnd < end ? lineEnd + 1 : end
            let contentEnd = (lineEnd > lineStart && bytes[lineEnd - 1] == 0x0D) ? lineEnd - 1 : lineEnd
            defer { lineIndex += 1 }

            if contentEnd - lineStart > limits.maxLineLength && !reportedLongLine {
                reportedLongLine = true
                problems.append(Diagnostic(
                    "header.line-too-long", .warning,
                    "a header line is \(contentEnd - lineStart) bytes long, over the \(limits.maxLineLength) RFC 5322 allows",
                    at: location(lineStart)))
            }

            if contentEnd == lineStart {
                // The empty line that separates header and body.
                finishField()
                bodyStart = next
                break
            }
            let first = bytes[lineStart]
            if first == 0x20 || first == 0x09 {
                if fieldStart != nil {
                    fieldEnd = next
                } else {
                    problems.append(Diagnostic(
                        "header.orphan-continuation", .warning,
                        "a folded line has no header field to continue; it is ignored",
                        at: location(lineStart)))
                }
                lineStart = next
                continue
            }
            if lineIndex == 0 && allowMboxFromLine && Self.startsWithMboxFrom(bytes, lineStart, contentEnd) {
                problems.append(Diagnostic(
                    "header.mbox-from-line", .info,
                    "the message starts with an mbox `From ` line; it is skipped",
                    at: location(lineStart)))
                lineStart = next
                continue
            }
            guard let colon = Self.fieldColon(bytes, lineStart, contentEnd) else {
                finishField()
                problems.append(Diagnostic(
                    "header.missing-separator", .warning,
                    "line \(lineIndex + 1) of the header block is not a header field; the body is taken to start there",
                    at: location(lineStart),
                    help: "a header block ends with an empty line before the body"))
                bodyStart = lineStart
                lineStart = end
                break
            }
            finishField()
            fieldStart = lineStart
            fieldNameEnd = colon
            fieldBodyStart = colon + 1
            fieldEnd = next
            lineStart = next
        }
        if lineStart >= end && fieldStart != nil {
            finishField()
            bodyStart = end
        }
        if droppedFields > 0 {
            problems.append(Diagnostic(
                "limit.header-fields", .error,
                "the header block has \(headers.count + droppedFields) fields; only the first \(limits.maxHeaderFields) are read",
                at: location(range.lowerBound)))
        }
        return Result(headers: headers, bodyStart: bodyStart, problems: problems)
    }

    /// The colon ending a field name: printable ASCII except colon (RFC 5322 §3.6.8), optionally
    /// followed by WSP (§4.5.3).
    private static func fieldColon(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        // Over the buffer: this runs for every field, and `end` never passes the array's end.
        bytes.withUnsafeBufferPointer { bytes in
            var index = start
            while index < end {
                let byte = bytes[index]
                if byte == 0x3A { return index > start ? index : nil }
                if byte == 0x20 || byte == 0x09 {
                    // Only WSP may stand between the name and the colon.
                    var after = index
                    while after < end && (bytes[after] == 0x20 || bytes[after] == 0x09) { after += 1 }
                    return (after < end && bytes[after] == 0x3A && index > start) ? after : nil
                }
                if byte < 0x21 || byte > 0x7E { return nil }
                index += 1
            }
            return nil
        }
    }

    /// An mbox `From ` line (RFC 4155 §2). `From : a@b.example` is not one: it is the From field
    /// with white space before its colon (§4.5.3).
    private static func startsWithMboxFrom(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        end - start >= 5 && bytes[start..<start + 5].elementsEqual("From ".utf8) && fieldColon(bytes, start, end) == nil
    }

    private static func trimLineBreak(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        var index = end
        if index > start && bytes[index - 1] == 0x0A { index -= 1 }
        if index > start && bytes[index - 1] == 0x0D { index -= 1 }
        return index
    }

    static func isUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        let allASCII = bytes.withUnsafeBufferPointer { buffer in
            var bits: UInt8 = 0
            for byte in buffer { bits |= byte }
            return bits < 0x80
        }
        if allASCII { return true }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Header bytes as text: UTF-8 where valid (RFC 6532), else the fallback charset.
    private func text(_ bytes: ArraySlice<UInt8>) -> String {
        text(bytes, isUTF8: Self.isUTF8(bytes))
    }

    private func text(_ bytes: ArraySlice<UInt8>, isUTF8: Bool) -> String {
        isUTF8 ? String(decoding: bytes, as: UTF8.self) : fallbackCharset.decode(bytes).text
    }


    /// The name and key of a field most messages carry, as literals: these need no storage, no
    /// lower-casing and no UTF-8 check, and most fields have one of these names. The name is the
    /// literal only when written exactly so.
    private static func commonName(_ name: UnsafeBufferPointer<UInt8>) -> (name: String, key: String)? {
        func match(_ spelling: String, _ key: String) -> (name: String, key: String)? {
            let exact = ASCII.withBytes(of: spelling) { expected -> Bool? in
                var exact = true
                for index in name.indices where name[index] != expected[index] {
                    // Field names are printable ASCII and these are letters and `-`: setting 0x20
                    // lower-cases a letter and leaves `-` alone, and makes no other byte either.
                    guard name[index] | 0x20 == expected[index] | 0x20 else { return nil }
                    exact = false
                }
                return exact
            }
            guard let exact else { return nil }
            return (exact ? spelling : String(decoding: name, as: UTF8.self), key)
        }
        switch name.count {
        case 2: return match("To", "to") ?? match("Cc", "cc")
        case 3: return match("Bcc", "bcc")
        case 4: return match("From", "from") ?? match("Date", "date")
        case 6: return match("Sender", "sender")
        case 7: return match("Subject", "subject")
        case 8: return match("Received", "received") ?? match("Reply-To", "reply-to") ?? match("X-Mailer", "x-mailer")
        case 10: return match("Message-ID", "message-id")
        case 11: return match("Return-Path", "return-path")
        case 12:
            return match("Content-Type", "content-type") ?? match("MIME-Version", "mime-version")
                ?? match("Received-SPF", "received-spf") ?? match("Delivered-To", "delivered-to")
        case 14: return match("DKIM-Signature", "dkim-signature")
        case 19: return match("Content-Disposition", "content-disposition")
        case 20: return match("X-Microsoft-Antispam", "x-microsoft-antispam")
        case 22: return match("Authentication-Results", "authentication-results")
        case 25: return match("Content-Transfer-Encoding", "content-transfer-encoding")
        case 26: return match("ARC-Authentication-Results", "arc-authentication-results")
        case 27: return match("X-Forefront-Antispam-Report", "x-forefront-antispam-report")
        default: return nil
        }
    }

    /// How many fields the block holds (lines up to the empty one that do not start with WSP),
    /// counted ahead so that the list is allocated once at its size: a MIME part has a field or
    /// two, a message fifteen or so, and a list of sixteen is a large allocation.
    private static func fieldCount(_ bytes: [UInt8], in range: Range<Int>) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            let block = UnsafeBufferPointer(rebasing: buffer[range])
            var count = 0
            var lineStart = 0
            while lineStart < block.count {
                let first = block[lineStart]
                if first == 0x0A || (first == 0x0D && lineStart + 1 < block.count && block[lineStart + 1] == 0x0A) {
                    break
                }
                if first != 0x20 && first != 0x09 { count += 1 }
                lineStart = ASCII.index(of: 0x0A, in: block, from: lineStart) + 1
            }
            return count
        }
    }

    /// RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by WSP. Inside one field every
    /// line break is followed by WSP, so dropping them all is exactly that. Works on bytes: this
    /// runs for every field of every message.
    ///
    /// `rawIsUTF8` is whether the whole field is: then so is any part of it without the ASCII it
    /// drops. A field that is not may still unfold to UTF-8 (a stray CR inside a character).
    private func unfold(_ raw: ArraySlice<UInt8>, isUTF8 rawIsUTF8: Bool) -> String {
        var start = raw.startIndex, end = raw.endIndex
        while start < end && ASCII.isWhitespace(raw[start]) { start += 1 }
        while end > start && ASCII.isWhitespace(raw[end - 1]) { end -= 1 }
        let trimmed = raw[start..<end]
        guard rawIsUTF8 else { return text(trimmed.filter { $0 != 0x0A && $0 != 0x0D }[...]) }
        return trimmed.withUnsafeBufferPointer { bytes in
            // Most fields are one line: memchr tells so much faster than a loop over the bytes.
            if ASCII.index(of: 0x0A, in: bytes, from: 0) == bytes.count && ASCII.index(of: 0x0D, in: bytes, from: 0) == bytes.count {
                return String(decoding: bytes, as: UTF8.self)
            }
            // Copied a line at a time between the line-break bytes memchr finds: a folded field
            // has a few of them among a hundred bytes or more.
            return String(unsafeUninitializedCapacity: bytes.count) { out in
                var count = 0
                var start = 0
                var nextCR = ASCII.index(of: 0x0D, in: bytes, from: 0)
                while start < bytes.count {
                    if nextCR < start { nextCR = ASCII.index(of: 0x0D, in: bytes, from: start) }
                    let stop = min(ASCII.index(of: 0x0A, in: bytes, from: start), nextCR)
                    if stop > start, let source = bytes.baseAddress, let target = out.baseAddress {
                        (target + count).initialize(from: source + start, count: stop - start)
                        count += stop - start
                    }
                    start = stop + 1
                }
                return count
            }
        }
    }
}
