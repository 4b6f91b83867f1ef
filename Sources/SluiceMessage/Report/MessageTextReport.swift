import Foundation
import SluiceDiagnostics

/// The human-readable form of what Sluice sees in a message (`sluice inspect`): addresses,
/// envelope, authentication, received chain, upstream verdicts, parts, URLs, problems. Lines stay
/// within 100 columns so the report pastes into a ticket as it is.
public struct MessageTextReport {
    public var useColor: Bool

    public init(useColor: Bool = false) { self.useColor = useColor }

    public func render(_ message: Message, envelope: Envelope, file: String) -> String {
        var out: [String] = []
        out.append(bold("\(file)") + "  (\(message.size.formatted()) bytes)")
        out.append("")
        out += table([
            ("From", message.from.map(\.description).joined(separator: ", ").orNone),
            ("Sender", message.sender?.description),
            ("Reply-To", message.replyTo.isEmpty ? nil : message.replyTo.map(\.description).joined(separator: ", ")),
            ("To", message.to.isEmpty ? nil : message.to.map(\.description).joined(separator: ", ")),
            ("Cc", message.cc.isEmpty ? nil : message.cc.map(\.description).joined(separator: ", ")),
            ("Subject", message.subject.orNone),
            ("Date", message.date.map(Self.format)),
            ("Message-ID", message.messageID),
            ("Return-Path", message.returnPath.map { "<\($0.address)>" }),
        ])

        out.append("")
        out.append(heading("Envelope"))
        let envelopeRows: [(String, String?, String?)] = [
            ("MAIL FROM", envelope.mailFrom.map { $0.value.isEmpty ? "<>" : $0.value }, envelope.mailFrom?.source),
            ("RCPT TO", envelope.recipients?.value.joined(separator: ", "), envelope.recipients?.source),
            ("client IP", envelope.clientIP?.value.description, envelope.clientIP?.source),
            ("HELO", envelope.helo?.value, envelope.helo?.source),
            ("PTR", envelope.ptr?.value, envelope.ptr?.source),
        ]
        for (label, value, source) in envelopeRows {
            let shown = value ?? "unknown"
            let from = source.map { dim("  from \($0)") } ?? ""
            out.append("  " + label.padding(toLength: 12, withPad: " ", startingAt: 0) + shown + from)
        }

        out.append("")
        out.append(heading("Authentication"))
        let allResults = message.authentication.results.map { ("Authentication-Results", $0) }
            + message.authentication.arcResults.map { ("ARC-Authentication-Results", $0) }
        if allResults.isEmpty && message.authentication.receivedSPF.isEmpty { out.append("  none") }
        for (header, results) in allResults {
            let instance = results.instance.map { " i=\($0)" } ?? ""
            let trust = results.isTrusted ? green("trusted") : yellow("untrusted")
            out.append("  \(results.authservID ?? "(no authserv-id)")\(instance)  \(trust)  \(dim(header))")
            for result in results.results {
                out.append("    " + Self.describe(result))
            }
        }
        for spf in message.authentication.receivedSPF {
            let comment = spf.comment.map { " (\($0))" } ?? ""
            out.append("  Received-SPF  \(spf.result)\(comment)")
        }

        out.append("")
        out.append(heading("Received") + dim("  most recent first"))
        if message.received.isEmpty { out.append("  none") }
        for (index, hop) in message.received.enumerated() {
            var pieces: [String] = []
            if let from = hop.from?.value { pieces.append("from \(from)") }
            if let address = hop.connectingIP { pieces.append("[\(address)]") }
            if let by = hop.by?.value { pieces.append("by \(by)") }
            if let with = hop.with?.value { pieces.append("with \(with)") }
            if let date = hop.date { pieces.append(dim(Self.format(date))) }
            out.append("  \(index + 1)".padding(toLength: 5, withPad: " ", startingAt: 0) + pieces.joined(separator: " "))
        }

        let upstream = upstreamLines(message.upstream)
        if !upstream.isEmpty {
            out.append("")
            out.append(heading("Upstream verdicts"))
            out += upstream
        }

        out.append("")
        out.append(heading("Parts"))
        for part in message.root.allParts {
            out.append(partLine(part))
        }

        out.append("")
        out.append(heading("URLs"))
        if message.urls.isEmpty { out.append("  none") }
        for url in message.urls {
            out.append("  \(url.url)" + dim("  host \(url.host); part \(url.parts.joined(separator: ", "))"))
        }

        out.append("")
        out.append(heading("Problems"))
        if message.problems.isEmpty { out.append("  none") }
        let renderer = TextRenderer(useColor: useColor)
        for problem in message.problems {
            out += renderer.render(problem).split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        }
        return out.flatMap { Self.wrap($0, width: Self.width) }.joined(separator: "\n")
    }

    static let width = 100

    /// Breaks a line at spaces so no line is wider than `width` columns; continuation lines are
    /// indented four more than the line's own indent. A word longer than a whole line (a URL) is
    /// cut into pieces. Colour escapes take no columns.
    static func wrap(_ line: String, width: Int) -> [String] {
        guard visibleWidth(line) > width else { return [line] }
        let indent = line.prefix { $0 == " " }.count
        let continuation = String(repeating: " ", count: indent + 4)
        var lines: [String] = []
        var current = String(repeating: " ", count: indent)
        var currentWidth = indent
        var hasWord = false
        for word in line.dropFirst(indent).split(separator: " ", omittingEmptySubsequences: false) {
            var word = Substring(word)
            var wordWidth = visibleWidth(word)
            if hasWord && currentWidth + 1 + wordWidth > width {
                lines.append(current)
                current = continuation
                currentWidth = continuation.count
                hasWord = false
            }
            while currentWidth + (hasWord ? 1 : 0) + wordWidth > width && !word.contains("\u{1B}") {
                let room = width - currentWidth - (hasWord ? 1 : 0)
                if hasWord { current += " " }
                current += word.prefix(room)
                lines.append(current)
                word = word.dropFirst(room)
                wordWidth = word.count
                current = continuation
                currentWidth = continuation.count
                hasWord = false
            }
            if hasWord {
                current += " "
                currentWidth += 1
            }
            current += word
            currentWidth += wordWidth
            hasWord = true
        }
        lines.append(current)
        return lines
    }

    private static func visibleWidth(_ text: some StringProtocol) -> Int {
        var width = 0
        var inEscape = false
        for character in text {
            if inEscape {
                if character == "m" { inEscape = false }
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }

    /// A result in the `Authentication-Results` style admins know: `dmarc=fail (p=reject) header.from=x`.
    public static func describe(_ result: AuthenticationResults.ResultInfo) -> String {
        var text = "\(result.method)=\(result.result)"
        if let reason = result.reason { text += " reason=\(reason)" }
        for comment in result.comments { text += " (\(comment))" }
        for property in result.properties { text += " \(property.name)=\(property.value)" }
        if let policy = result.dmarcPolicy {
            text += "  → policy \(policy.policy.rawValue) (from \(policy.source.rawValue))"
        }
        return text
    }

    private func upstreamLines(_ upstream: UpstreamVerdicts) -> [String] {
        var lines: [String] = []
        for report in upstream.forefront {
            let fields = report.fields.prefix(12).map { "\($0.name):\($0.value)" }.joined(separator: " ")
            lines.append("  Forefront     " + fields)
        }
        for report in upstream.microsoftAntispam {
            lines.append("  Microsoft     " + (report.bcl.map { "BCL \($0)" } ?? "no BCL"))
        }
        if let sa = upstream.spamAssassin {
            var text = sa.isSpam.map { $0 ? "spam" : "not spam" } ?? "no verdict"
            if let score = sa.status?.score ?? sa.score {
                text += ", score \(score)"
                if let required = sa.status?.required { text += " / \(required)" }
            }
            if let tests = sa.status?.tests, !tests.isEmpty {
                text += "  " + tests.map(\.name).joined(separator: ", ")
            }
            lines.append("  SpamAssassin  " + text)
        }
        if let rspamd = upstream.rspamd {
            var text = rspamd.result?.isSpam.map { $0 ? "spam" : "not spam" } ?? "no verdict"
            if let score = rspamd.result?.score ?? rspamd.score {
                text += ", score \(score)"
                if let required = rspamd.result?.required { text += " / \(required)" }
            }
            if let action = rspamd.action { text += ", action \(action)" }
            lines.append("  rspamd        " + text)
        }
        return lines
    }

    private func partLine(_ part: MIMEPart) -> String {
        var pieces = [part.contentType]
        if let charset = part.charset { pieces.append(charset) }
        if part.isLeaf && part.transferEncoding != "7bit" { pieces.append(part.transferEncoding) }
        if let filename = part.filename { pieces.append("\"\(filename)\"") }
        if let disposition = part.disposition { pieces.append(disposition) }
        if let content = part.content {
            pieces.append("\(content.size.formatted()) B")
            if let sha256 = content.sha256 { pieces.append(dim("sha256 \(sha256.prefix(16))…")) }
            if let detected = content.detectedType { pieces.append("detected \(detected.rawValue)") }
        }
        let path = part.path.isEmpty ? "(root)" : part.path
        return "  " + path.padding(toLength: 9, withPad: " ", startingAt: 0) + pieces.joined(separator: "  ")
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }

    private func table(_ rows: [(String, String?)]) -> [String] {
        rows.compactMap { label, value in
            value.map { "  " + label.padding(toLength: 14, withPad: " ", startingAt: 0) + $0 }
        }
    }

    private func paint(_ text: String, _ code: String) -> String { useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    private func bold(_ text: String) -> String { paint(text, "1") }
    private func heading(_ text: String) -> String { paint(text, "1;4") }
    private func dim(_ text: String) -> String { paint(text, "2") }
    private func green(_ text: String) -> String { paint(text, "32") }
    private func yellow(_ text: String) -> String { paint(text, "33") }
}

extension Optional where Wrapped == String {
    fileprivate var orNone: String { self ?? "(none)" }
}

extension String {
    fileprivate var orNone: String { isEmpty ? "(none)" : self }
}
