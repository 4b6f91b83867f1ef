import Foundation
import SluiceChecking
import SluiceDiagnostics

/// Findings in the four lint formats: text for people, JSON, SARIF 2.1.0 for code scanning, and
/// GitHub workflow annotations (`::warning file=…,line=…,col=…::message`).
struct LintOutput {
    var format: LintCommand.Format
    var sources: [String: SourceFile]

    func write(_ diagnostics: [Diagnostic]) throws {
        switch format {
        case .text:
            let renderer = TextRenderer(useColor: Terminal.stdoutSupportsColor)
            for diagnostic in diagnostics { print(renderer.render(diagnostic, sources: sources) + "\n") }
            let counts = Severity.allCases.map { severity in
                let count = diagnostics.filter { $0.severity == severity }.count
                return severity == .info ? "\(count) info" : "\(count) \(severity.rawValue)\(count == 1 ? "" : "s")"
            }
            print("linted \(sources.count) file\(sources.count == 1 ? "" : "s"): " + counts.joined(separator: ", "))
        case .json:
            print(try JSONOutput.string(["diagnostics": diagnostics], pretty: true))
        case .github:
            for diagnostic in diagnostics {
                let level = diagnostic.severity == .error ? "error" : diagnostic.severity == .warning ? "warning" : "notice"
                var place = ""
                if case .source(let span)? = diagnostic.location { place = " file=\(span.file),line=\(span.line),col=\(span.column)," }
                let message = (diagnostic.message + (diagnostic.help.map { " (\($0))" } ?? "")).replacingOccurrences(of: "\n", with: "%0A")
                print("::\(level)\(place.isEmpty ? " " : place)title=\(diagnostic.code)::\(message)")
            }
        case .sarif:
            print(try JSONOutput.string(sarif(diagnostics), pretty: true))
        }
    }

    private func sarif(_ diagnostics: [Diagnostic]) -> SARIF.Log {
        let rules = Linter.rules.map { rule in
            let type = type(of: rule)
            return SARIF.Rule(id: "lint.\(type.id)", shortDescription: .init(text: type.summary),
                              defaultConfiguration: .init(level: SARIF.level(type.severity)))
        }
        let results = diagnostics.map { diagnostic -> SARIF.Result in
            var locations: [SARIF.Location] = []
            if case .source(let span)? = diagnostic.location, let source = sources[span.file] {
                let end = source.position(of: span.end)
                locations.append(SARIF.Location(physicalLocation: .init(
                    artifactLocation: .init(uri: span.file),
                    region: .init(startLine: span.line, startColumn: span.column, endLine: end.line, endColumn: max(end.column, span.column + 1)))))
            }
            let text = diagnostic.message + (diagnostic.help.map { ". Help: \($0)" } ?? "")
            return SARIF.Result(ruleId: diagnostic.code.rawValue, level: SARIF.level(diagnostic.severity), message: .init(text: text), locations: locations)
        }
        return SARIF.Log(runs: [SARIF.Run(tool: .init(driver: .init(name: "sluice", version: "0.1.0", informationUri: "https://example.invalid/sluice", rules: rules)),
                                          results: results)])
    }
}

/// The subset of SARIF 2.1.0 that code scanning reads.
enum SARIF {
    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    struct Log: Encodable {
        var version = "2.1.0"
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case version, schema = "$schema", runs }
    }
    struct Run: Encodable { var tool: Tool; var results: [Result] }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable { var name: String; var version: String; var informationUri: String; var rules: [Rule] }
    struct Rule: Encodable { var id: String; var shortDescription: Text; var defaultConfiguration: Configuration }
    struct Configuration: Encodable { var level: String }
    struct Text: Encodable { var text: String }
    struct Result: Encodable { var ruleId: String; var level: String; var message: Text; var locations: [Location] }
    struct Location: Encodable { var physicalLocation: PhysicalLocation }
    struct PhysicalLocation: Encodable { var artifactLocation: ArtifactLocation; var region: Region }
    struct ArtifactLocation: Encodable { var uri: String }
    struct Region: Encodable { var startLine: Int; var startColumn: Int; var endLine: Int; var endColumn: Int }
}
