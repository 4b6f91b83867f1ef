import ArgumentParser
import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceSyntax

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and check policy files (and the files they include) and report every error.",
        discussion: """
            Each file is checked as a policy of its own: statements in their places, values valid \
            by the reference's syntax rules, regexes compiled by PCRE2, names resolved. \
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
        var diagnostics: [Diagnostic] = []
        for path in files {
            let before = loader.diagnostics.count
            loader.load(path)
            diagnostics += loader.diagnostics[before...]
            diagnostics += PolicyChecker.check(root: path, loader: loader).1.sorted(by: Self.sourceOrder)
        }
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

extension CheckCommand {
    /// File, then position: the order a reader fixes things in.
    static func sourceOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        guard case .source(let x)? = a.location, case .source(let y)? = b.location else { return false }
        return (x.file, x.start) < (y.file, y.start)
    }
}

private struct CheckReport: Encodable {
    var files: [String]
    var diagnostics: [Diagnostic]
}
