import ArgumentParser
import Foundation
import SluiceDiagnostics
import SluiceSyntax

struct FormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite policy files in the canonical layout.",
        discussion: """
            Files are rewritten in place, and only when their layout changes; a directory stands for \
            the .sluice files below it; - reads standard input and writes the result to standard \
            output. A file with syntax errors is left as it is, and its errors are reported. \
            Exit status: 0 done (with --check: every file already canonical); 1 syntax errors found, \
            or with --check a file that would change; 2 usage error, or a file that cannot be read \
            or written.
            """
    )

    @Argument(help: "Policy files (.sluice), directories, or - for standard input.")
    var files: [String]

    @Flag(help: "Change nothing; name the files that would change, and fail if there are any.")
    var check = false

    @Flag(help: "Change nothing; print the changes as a unified diff.")
    var diff = false

    private enum Outcome { case canonical, changed, syntaxErrors, inputOrOutputError }

    func run() throws {
        let outcomes = InputFiles.expand(files, pathExtension: "sluice").map(format)
        if outcomes.contains(.inputOrOutputError) { throw ExitStatus.usageOrInput }
        if outcomes.contains(.syntaxErrors) || (check && outcomes.contains(.changed)) { throw ExitStatus.failure }
    }

    private func format(_ path: String) -> Outcome {
        let input: InputFiles.Input
        switch InputFiles.read(path) {
        case .failure(let failure):
            Terminal.writeError("error: \(failure)")
            return .inputOrOutputError
        case .success(let read):
            input = read
        }
        // Decoding would replace bad bytes, and writing the result back would destroy them.
        let text = String(decoding: input.bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(input.bytes) else {
            Terminal.writeError("error: `\(input.name)` is not UTF-8 text")
            return .inputOrOutputError
        }
        let (file, diagnostics) = Parser.parse(text, path: input.name)
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            let renderer = TextRenderer(useColor: Terminal.stderrSupportsColor)
            for diagnostic in diagnostics {
                Terminal.writeError(renderer.render(diagnostic, sources: [input.name: file.source]) + "\n")
            }
            return .syntaxErrors
        }
        let formatted = PolicyFormatter.format(file)
        let changed = !formatted.utf8.elementsEqual(input.bytes)
        if diff {
            print(UnifiedDiff.render(old: text, new: formatted, oldName: input.name, newName: input.name), terminator: "")
        }
        if check && changed { Terminal.writeError("would reformat `\(input.name)`") }
        if check || diff { return changed ? .changed : .canonical }
        if path == "-" {
            print(formatted, terminator: "")
        } else if changed {
            do {
                try write(formatted, to: path)
            } catch {
                Terminal.writeError("error: cannot write `\(path)`: \(error.localizedDescription.lowercased())")
                return .inputOrOutputError
            }
            Terminal.writeError("reformatted `\(path)`")
        }
        return changed ? .changed : .canonical
    }

    /// Replaces the file atomically, so an interrupted run leaves the old text; follows a
    /// symbolic link to its target and keeps the file's permissions, which the new file would lose.
    private func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions]
        try Data(text.utf8).write(to: url, options: .atomic)
        if let permissions {
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: url.path)
        }
    }
}
