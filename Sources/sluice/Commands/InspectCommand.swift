import ArgumentParser
import Foundation
import SluiceDiagnostics
import SluiceMessage

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what Sluice sees in messages: addresses, authentication, parts, URLs, problems.",
        discussion: """
            Each MESSAGE is an RFC 5322 file, a directory (every file below it), or - for standard \
            input. A message with problems is still shown; only a file that cannot be read makes \
            the exit status 2. The JSON shape is documented in docs/inspect-json.md.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl
    }

    @Argument(help: "Message files or directories, or - for standard input.")
    var messages: [String]

    @Option(help: "Output format: text, json (one document), or jsonl (one line per message).")
    var format: Format = .text

    @OptionGroup var trust: TrustOptions

    @OptionGroup var envelope: EnvelopeOptions

    func validate() throws {
        if messages.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (`-`) can be named only once")
        }
    }

    func run() throws {
        let given = try envelope.input()
        let reader = MessageReader(options: ReadOptions(trustedAuthservIDs: Set(trust.authservIDs)))
        let hosts = trust.receivingHosts
        // Kept only for `--format json`, which prints one document at the end.
        var reports: [InspectionReport] = []
        var shown = 0
        var unreadable = false
        let textReport = MessageTextReport(useColor: Terminal.stdoutSupportsColor)

        for path in InputFiles.expand(messages) {
            switch InputFiles.read(path) {
            case .failure(let failure):
                Terminal.writeError("error: \(failure)")
                unreadable = true
            case .success(let input):
                var message = reader.read(input.bytes)
                let (resolved, problems) = Envelope.resolve(
                    given: given.input, givenBy: given.source, message: message, trustedHosts: hosts)
                message.problems += problems
                let report = InspectionReport(file: input.name, message: message, envelope: resolved)
                switch format {
                case .text:
                    if shown > 0 { print("") }
                    print(textReport.render(report.message, envelope: report.envelope, file: report.file))
                case .jsonl:
                    print(try JSONOutput.string(report, pretty: false))
                case .json:
                    reports.append(report)
                }
                shown += 1
            }
        }
        if format == .json {
            print(try JSONOutput.string(InspectionDocument(schema: InspectionReport.schema, messages: reports), pretty: true))
        }
        if unreadable { throw ExitStatus.usageOrInput }
    }
}

private struct InspectionDocument: Encodable {
    var schema: String
    var messages: [InspectionReport]
}
