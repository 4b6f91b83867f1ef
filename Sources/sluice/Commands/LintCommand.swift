import ArgumentParser
import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceEngine
import SluiceSyntax

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check policies and run the lint rules that catch false positives and misses, for CI.",
        discussion: """
            Directories are searched for .sluice files; a file included by another one is linted \
            through it. Suppress a finding with a comment on or above its statement: \
            `# sluice-lint: ignore RULE-ID reason`. Exit status: 0 clean (info findings do not \
            count); 1 errors, or warnings with --deny-warnings; 2 usage or I/O error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif, github }

    @Argument(help: "Policy files or directories.")
    var paths: [String] = []

    @Option(help: "Output format: text, json, sarif (2.1.0, for code scanning) or github (workflow annotations).")
    var format: Format = .text

    @Flag(help: "Fail on warnings too.")
    var denyWarnings = false

    @Option(help: "The day to judge expiry by (YYYY-MM-DD); today by default.")
    var now: String?

    @Flag(help: "List the rules and exit.")
    var list = false

    @Flag(help: "Apply the safe fixes (remove exact duplicates and entries expired more than 30 days ago) through the formatter.")
    var fix = false

    func validate() throws {
        if !list && paths.isEmpty { throw ValidationError("name the policy files or directories to lint") }
    }

    func run() throws {
        if list {
            for rule in Linter.rules {
                let type = type(of: rule)
                print("\(type.id.padding(toLength: 28, withPad: " ", startingAt: 0)) \(type.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(type.summary)")
            }
            return
        }
        let today = try EvaluationDate.parse(now)
        let files = InputFiles.expand(paths, pathExtension: "sluice")
        var loader = PolicyLoader()
        for path in files { loader.load(path) }
        if loader.unreadable {
            for diagnostic in loader.diagnostics where diagnostic.code == "io.unreadable" { Terminal.writeError("error: \(diagnostic.message)") }
            throw ExitStatus.usageOrInput
        }
        // Files another file includes are linted as part of it.
        let included = Set(loader.files.values.flatMap { file in
            file.statements.compactMap { statement -> String? in
                guard statement.keyword.text == "include", case .string(let target)? = statement.arguments.first else { return nil }
                return PolicyLoader.resolve(target.value, from: file.source.path)
            }
        })
        var diagnostics = loader.diagnostics
        for path in files where !included.contains(PolicyLoader.key(for: path)) {
            let (policy, checked) = PolicyChecker.check(root: path, loader: loader)
            diagnostics += checked
            if !checked.contains(where: { $0.severity == .error }) {
                diagnostics += Linter().lint(LintContext(policy: policy, today: today), files: loader.files)
            }
        }
        var seen: Set<String> = []
        diagnostics = diagnostics.filter { diagnostic in
            guard case .source(let span)? = diagnostic.location else { return true }
            return seen.insert("\(diagnostic.code)\u{0}\(span.file)\u{0}\(span.start)").inserted
        }
        if fix {
            let fixed = try applyFixes(diagnostics, sources: loader.sources)
            Terminal.writeError("applied \(fixed.count) fix\(fixed.count == 1 ? "" : "es"); run `sluice lint` again to see what remains")
            diagnostics.removeAll { diagnostic in fixed.contains { $0 == diagnostic } }
        }
        try LintOutput(format: format, sources: loader.sources).write(diagnostics)
        let failing = diagnostics.contains { $0.severity == .error || (denyWarnings && $0.severity == .warning) }
        if failing { throw ExitStatus.failure }
    }

    /// Removes what the safe fixes remove, file by file, then formats each changed file (so the
    /// blank lines left behind collapse and comments stay). Returns the findings it fixed.
    private func applyFixes(_ diagnostics: [Diagnostic], sources: [String: SourceFile]) throws -> [Diagnostic] {
        let safe: Set<DiagnosticCode> = ["lint.duplicate-entry", "lint.expired-entry"]
        let fixable = diagnostics.filter { safe.contains($0.code) && !$0.fixes.isEmpty }
        var applied: [Diagnostic] = []
        for (path, findings) in Dictionary(grouping: fixable, by: { $0.fixes[0].span.file }) {
            guard let source = sources[path], path != "<stdin>" else { continue }
            let edits = findings.map { (range: $0.fixes[0].span.start..<$0.fixes[0].span.end, replacement: $0.fixes[0].replacement) }
            guard let (text, ranges) = PolicyEdit.replacing(edits, in: source.bytes, path: path) else {
                Terminal.writeError("error: fixing `\(path)` would break its syntax; left unchanged")
                continue
            }
            applied += findings.filter { finding in ranges.contains(finding.fixes[0].span.start..<finding.fixes[0].span.end) }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                Terminal.writeError("error: cannot write `\(path)`: \(error.localizedDescription)")
                throw ExitStatus.usageOrInput
            }
        }
        return applied
    }
}
