import ArgumentParser
import Foundation
import SluicePolicyTesting

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a policy's test cases: messages with the decisions they must get, and policies that must fail to check.",
        discussion: """
            Each PATH is a case file (NAME.expect) or a directory searched for them. A case names its \
            policy and message (NAME.eml beside it by default) and states, per recipient, what the \
            decision must be; only the keys it states are compared. A case with `diagnostic:` lines \
            checks a policy that must fail. The format is documented in grammar/sluice-tests.md. \
            Each failure prints expected versus actual and the explanation of the actual decision; \
            the last line is `N passed, N failed`. --update rewrites the cases with the actual \
            outcomes (after review); --coverage lists the entries and rules no case exercises. \
            Exit status: 0 every case passed; 1 some case failed; 2 usage error, or a case that \
            could not run (unreadable or malformed case file, message or policy).
            """
    )

    @Argument(help: "Case files (.expect) or directories holding them.")
    var paths: [String] = ["."]

    @Flag(help: "Rewrite every case file with the actual outcomes, keeping comments and key order.")
    var update = false

    @Flag(help: "List the list entries and rules of each policy that no case exercises.")
    var coverage = false

    @Option(help: "The evaluation date (YYYY-MM-DD) for cases without `now:`; today by default.")
    var now: String?

    func run() throws {
        let date = try EvaluationDate.parse(now)
        let files = InputFiles.expand(paths, pathExtension: "expect")
        if let other = files.first(where: { !$0.hasSuffix(".expect") }) {
            throw ValidationError("`\(other)` is not a case file: case files end in `.expect`")
        }
        guard !files.isEmpty else {
            Terminal.writeError("error: no case files (`*.expect`) under \(paths.map { "`\($0)`" }.joined(separator: ", "))")
            throw ExitStatus.usageOrInput
        }
        var runner = SuiteRunner(defaultDate: date)
        let text = SuiteText(useColor: Terminal.stdoutSupportsColor)
        var all: [CaseResult] = []
        for path in files {
            var (file, results) = runner.run(path: path)
            if update, let file, let rewritten = CaseUpdate.rewrite(file, results: results), rewritten != file.source.text {
                do {
                    try Data(rewritten.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    Terminal.writeError("error: cannot write `\(path)`: \(error.localizedDescription)")
                    throw ExitStatus.usageOrInput
                }
                print("updated \(path)")
                // Run again from what was written, so the summary is about the files as they are now.
                results = runner.run(CaseFile(path: path, text: rewritten))
            }
            for result in results {
                if let rendered = text.render(result) { print(rendered) }
            }
            all += results
        }
        if coverage {
            for (path, loaded) in runner.policies.sorted(by: { $0.key < $1.key }) where loaded.evaluator != nil {
                let decisions = all.filter { $0.policy == path }.compactMap(\.decision)
                print(text.render(Coverage(policy: loaded.policy, path: path, decisions: decisions)))
            }
        }
        print(text.summary(all))
        if all.contains(where: \.isError) { throw ExitStatus.usageOrInput }
        if !all.allSatisfy(\.passed) { throw ExitStatus.failure }
    }
}
