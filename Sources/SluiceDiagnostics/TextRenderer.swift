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
                let number = String(span.line)
                gutter = String(repeating: " ", count: number.count + 2)
                let text = source.line(span.line)
                let endLine = source.position(of: span.end).line
                let endColumn = endLine == span.line ? source.position(of: span.end).column : text.count + 1
                let width = max(1, endColumn - span.column)
                let pad = String(repeating: " ", count: span.column - 1)
                lines.append("\(gutter)\(paint("|", color: "34"))")
                lines.append(" \(paint(number, color: "34")) \(paint("|", color: "34")) \(text)")
                lines.append("\(gutter)\(paint("|", color: "34")) \(pad)\(paint(String(repeating: "^", count: width), color: color(for: diagnostic.severity)))")
            }
        case nil:
            if let file { lines.append("  \(paint("-->", color: "34")) \(file)") }
        }
        for note in diagnostic.notes { lines.append("\(gutter)= note: \(note)") }
        if let help = diagnostic.help { lines.append("\(gutter)= help: \(help)") }
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
