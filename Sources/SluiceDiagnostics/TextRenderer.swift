/// Renders diagnostics for people: `severity[code]: message`, then where, the source line with a
/// caret under the span (for policy files), notes and help.
///
/// ```
/// error[syntax.unterminated-string]: string is not closed before the end of the line
///   --> tenant.sluice:3:25
///    |
///  3 | allow sender x@y note "FP #4411
///    |                       ^^^^^^^^^
///    = help: close the string with `"`
/// ```
public struct TextRenderer: Sendable {
    public var useColor: Bool

    public init(useColor: Bool = false) { self.useColor = useColor }

    /// `sources` maps a file path to its text, so source lines can be shown.
    public func render(_ diagnostic: Diagnostic, file: String? = nil, sources: [String: SourceFile] = [:]) -> String {
        var lines: [String] = []
        let severity = paint(diagnostic.severity.rawValue, color: color(for: diagnostic.severity))
        lines.append("\(severity)\(paint("[\(diagnostic.code)]", color: "1")): \(diagnostic.message)")
        var gutter = "  "
        switch diagnostic.location {
        case .message(let location)?:
            let place = [file, location.description].compactMap { $0 }.joined(separator: ", ")
            lines.append("  \(paint("-->", color: "34")) \(place)")
        case .source(let span)?:
            lines.append("  \(paint("-->", color: "34")) \(span)")
            if let source = sources[span.file] {
                gutter = String(repeating: " ", count: String(span.line).count + 2)
                lines += snippet(span, in: source, marker: "^", label: nil, color: color(for: diagnostic.severity))
            }
        case nil:
            if let file { lines.append("  \(paint("-->", color: "34")) \(file)") }
        }
        for label in diagnostic.labels {
            lines.append("  \(paint("-->", color: "34")) \(label.span)")
            if let source = sources[label.span.file] {
                lines += snippet(label.span, in: source, marker: "-", label: label.message, color: "34")
            } else {
                lines.append("\(gutter)= note: \(label.message)")
            }
        }
        for note in diagnostic.notes { lines.append("\(gutter)= note: \(note)") }
        if let help = diagnostic.help { lines.append("\(gutter)= help: \(help)") }
        for fix in diagnostic.fixes {
            lines.append("\(gutter)= fix: \(fix.message) (\(fix.span))")
        }
        return lines.joined(separator: "\n")
    }

    /// The source line of `span` with `marker` under it (to the end of the line when the span
    /// runs on), and an optional label after the markers.
    private func snippet(_ span: SourceSpan, in source: SourceFile, marker: Character, label: String?, color: String) -> [String] {
        let number = String(span.line)
        let gutter = String(repeating: " ", count: number.count + 2)
        let text = source.line(span.line)
        let end = source.position(of: span.end)
        let endColumn = end.line == span.line ? end.column : text.count + 1
        let width = max(1, endColumn - span.column)
        let pad = String(repeating: " ", count: max(0, span.column - 1))
        let markers = paint(String(repeating: marker, count: width), color: color) + (label.map { " \($0)" } ?? "")
        return [
            "\(gutter)\(paint("|", color: "34"))",
            " \(paint(number, color: "34")) \(paint("|", color: "34")) \(text)",
            "\(gutter)\(paint("|", color: "34")) \(pad)\(markers)",
        ]
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
