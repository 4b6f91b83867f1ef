import SluiceMessage

/// The reference's "Preview": the message as plain text with its links shown but inert (§4.6).
/// Links are defanged (`hxxps://fabrikam[.]example/pay`) so a copy-paste or a terminal that
/// linkifies does not open them, and HTML-only messages are reduced to their text.
public enum Preview {
    public static func render(_ message: Message) -> String {
        var lines: [String] = []
        for name in ["From", "To", "Cc", "Subject", "Date"] {
            if let value = message.headers[name] { lines.append("\(name): \(value.trimmingCharacters(in: .whitespaces))") }
        }
        lines.append("")
        let texts = message.bodyTexts
        let plain = texts.filter { $0.part.contentType == "text/plain" }
        let chosen = plain.isEmpty ? texts.map { $0.part.contentType == "text/html" ? htmlText($0.text) : $0.text } : plain.map(\.text)
        lines.append(chosen.isEmpty ? "(no readable text body)" : defang(chosen.joined(separator: "\n\n")))
        let attachments = message.attachments
        if !attachments.isEmpty {
            lines.append("")
            lines.append("Attachments (not opened):")
            for attachment in attachments {
                lines.append("  \(attachment.filename ?? "(unnamed)")  \(attachment.contentType)\(attachment.size.map { "  \($0) bytes" } ?? "")")
            }
        }
        return printable(lines.joined(separator: "\n")) + "\n"
    }

    /// The text without control characters other than line breaks and tabs: a message must not
    /// drive the admin's terminal (escape sequences) when it is shown.
    public static func printable(_ text: String) -> String {
        String(text.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars.map { scalar -> Character in
            if scalar == "\n" || scalar == "\t" { return Character(scalar) }
            return scalar.properties.generalCategory == .control ? "\u{FFFD}" : Character(scalar)
        })
    }

    /// `http://a.b/c` → `hxxp://a[.]b/c`, for every link-looking word.
    static func defang(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { output += " " }
            output += defangWord(Substring(word))
        }
        return output
    }

    private static func defangWord(_ word: Substring) -> String {
        var result = ""
        var rest = word
        while let range = rest.range(of: "http", options: .caseInsensitive) {
            let after = rest[range.upperBound...]
            let secure = after.lowercased().hasPrefix("s://")
            guard secure || after.hasPrefix("://") else {
                result += rest[..<range.upperBound]
                rest = after
                continue
            }
            result += rest[..<range.lowerBound] + (secure ? "hxxps://" : "hxxp://")
            let hostStart = after.index(after.startIndex, offsetBy: secure ? 4 : 3)
            let tail = after[hostStart...]
            let hostEnd = tail.firstIndex { "/?#\"'<>\n\t".contains($0) } ?? tail.endIndex
            result += tail[..<hostEnd].replacingOccurrences(of: ".", with: "[.]")
            rest = tail[hostEnd...]
        }
        return result + rest
    }

    /// Text of an HTML body: scripts and styles dropped, tags removed, blocks on their own lines,
    /// common entities decoded, link targets kept beside their text.
    static func htmlText(_ html: String) -> String {
        var output = ""
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            guard character == "<" else {
                output.append(character)
                index = html.index(after: index)
                continue
            }
            guard let close = html[index...].firstIndex(of: ">") else { break }
            let rawTag = html[html.index(after: index)..<close]
            let tag = rawTag.lowercased()
            index = html.index(after: close)
            let closing = tag.hasPrefix("/")
            let name = (closing ? "/" : "") + tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
            if name == "script" || name == "style", let end = html[index...].range(of: "</\(name)", options: .caseInsensitive) {
                index = html[end.upperBound...].firstIndex(of: ">").map { html.index(after: $0) } ?? html.endIndex
                continue
            }
            if ["br", "p", "/p", "div", "/div", "tr", "li", "h1", "h2", "h3"].contains(String(name)) { output += "\n" }
            if name == "a", let href = rawTag.range(of: "href=", options: .caseInsensitive) {
                let value = rawTag[href.upperBound...].drop { $0 == "\"" || $0 == "'" }.prefix { $0 != "\"" && $0 != "'" && $0 != " " }
                output += "[link: \(value)] "
            }
        }
        for (entity, text) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            output = output.replacingOccurrences(of: entity, with: text)
        }
        return output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .reduce(into: [String]()) { lines, line in
                if !(line.isEmpty && lines.last?.isEmpty == true) { lines.append(line) }
            }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
