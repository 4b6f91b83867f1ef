import ArgumentParser
import Foundation
import SluiceDiagnostics
import SluiceSyntax

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse policy files (and the files they include) and report every error.",
        discussion: """
            Exit status: 0 no errors; 1 errors found; 2 usage error or unreadable file. \
            Warnings do not fail the check.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Policy files (.sluice), or - for standard input.")
    var files: [String]

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        var loader = PolicyLoader()
        for path in files { loader.load(path) }
        let diagnostics = loader.diagnostics
        switch format {
        case .text:
            let renderer = TextRenderer(useColor: Terminal.stderrSupportsColor)
            for diagnostic in diagnostics {
                Terminal.writeError(renderer.render(diagnostic, sources: loader.sources) + "\n")
            }
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.filter { $0.severity == .warning }.count
            Terminal.writeError(
                "checked \(loader.sources.count) file\(loader.sources.count == 1 ? "" : "s"): "
                    + "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        case .json:
            print(try JSONOutput.string(CheckReport(files: loader.sources.keys.sorted(), diagnostics: diagnostics), pretty: true))
        }
        if loader.unreadable { throw ExitStatus.usageOrInput }
        if diagnostics.contains(where: { $0.severity == .error }) { throw ExitStatus.failure }
    }
}

private struct CheckReport: Encodable {
    var files: [String]
    var diagnostics: [Diagnostic]
}
