import ArgumentParser
import Foundation
import SluiceChecking
import SluiceEngine

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a policy into an artefact that loads without parsing, or show its decision tree.",
        discussion: """
            With -o, writes the artefact (format version, compiler, the policy's content hash, its \
            sources, entries and settings); `sluice eval --compiled FILE` uses it. With --emit tree \
            or --emit dot, prints the stages and indexes in evaluation order as text or Graphviz. \
            Exit status: 0 written or printed; 2 usage error, unreadable file or a policy that does not check.
            """
    )

    enum Emit: String, ExpressibleByArgument, CaseIterable { case tree, dot }

    @Argument(help: "The policy file (.sluice).")
    var policy: String

    @Option(name: .shortAndLong, help: "Where to write the compiled artefact.")
    var output: String?

    @Option(help: "Print the decision tree: tree (text) or dot (Graphviz).")
    var emit: Emit?

    func validate() throws {
        if output == nil && emit == nil { throw ValidationError("give -o FILE to write the artefact, or --emit tree|dot to show it") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let checked = try PolicyInput.checked(policy)
        let lookup = IndexedLookup(policy: checked)
        if let emit {
            let tree = PolicyTree(policy: checked, lookup: lookup, hash: PolicyHash.of(checked))
            print(emit == .tree ? tree.text : tree.dot, terminator: "")
        }
        if let output {
            let bytes = try PolicyArtefact.encode(checked)
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                Terminal.writeError("error: cannot write `\(output)`: \(error.localizedDescription)")
                throw ExitStatus.usageOrInput
            }
            let elapsed = clock.now - start
            Terminal.writeError("compiled `\(policy)` (\(checked.entries.count) entries, \(checked.rules.count) rules) into `\(output)`, "
                + "\(bytes.count) bytes, in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))")
        }
    }
}
