/// Renders diagnostics for people: `severity[code]: message`, then where, notes and help.
///
/// ```
/// warning[mime.unterminated-multipart]: multipart part has no closing boundary `--b1--`
///   --> invoice.eml, part 1
///   = help: ...
/// ```
public struct TextRenderer: Sendable {
    public var useColor: Bool

    public init(useColor: Bool = false) { self.useColor = useColor }

    public func render(_ diagnostic: Diagnostic, file: String? = nil) -> String {
        var lines: [String] = []
        let severity = paint(diagnostic.severity.rawValue, color: color(for: diagnostic.severity))
        lines.append("\(severity)\(paint("[\(diagnostic.code)]", color: "1")): \(diagnostic.message)")
        switch diagnostic.location {
        case .message(let location)?:
            let place = [file, location.description].compactMap { $0 }.joined(separator: ", ")
            lines.append("  \(paint("-->", color: "34")) \(place)")
        case nil:
            if let file { lines.append("  \(paint("-->", color: "34")) \(file)") }
        }
        for note in diagnostic.notes { lines.append("  = note: \(note)") }
        if let help = diagnostic.help { lines.append("  = help: \(help)") }
        return lines.joined(separator: "\n")
    }

    private func color(for severity: Severity) -> String {
        switch severity {
        case .error: "1;31"
        case .warning: "1;33"
        case .info: "1;36"
        }
    }

    private func paint(_ text: String, color: String) -> String {
        useColor ? "\u{1B}[\(color)m\(text)\u{1B}[0m" : text
    }
}
