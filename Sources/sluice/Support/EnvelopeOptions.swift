import ArgumentParser
import Foundation
import SluiceMessage

/// The SMTP envelope and connection, given on the command line or in a JSON sidecar
/// (`{"mailFrom": "...", "rcptTo": ["..."], "clientIP": "...", "helo": "...", "ptr": "..."}`).
/// Options win over the sidecar; what neither gives is recovered from trusted headers.
struct EnvelopeOptions: ParsableArguments {
    @Option(name: .customLong("envelope"), help: "A JSON file with the envelope and connection.")
    var sidecar: String?

    @Option(name: .customLong("mail-from"), help: "SMTP MAIL FROM (use <> for the null sender).")
    var mailFrom: String?

    @Option(name: .customLong("rcpt-to"), help: "SMTP RCPT TO (repeatable).")
    var rcptTo: [String] = []

    @Option(name: .customLong("client-ip"), help: "The connecting client's IP address.")
    var clientIP: String?

    @Option(help: "The client's HELO/EHLO name.")
    var helo: String?

    @Option(help: "The client IP's reverse DNS name.")
    var ptr: String?

    struct Given {
        var input: EnvelopeInput
        var source: String
    }

    func input() throws -> Given {
        let options = EnvelopeInput(
            mailFrom: mailFrom, rcptTo: rcptTo.isEmpty ? nil : rcptTo, clientIP: clientIP, helo: helo, ptr: ptr)
        guard let sidecar else { return Given(input: options, source: "command line") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: sidecar))
        } catch {
            throw ValidationError("cannot read envelope file `\(sidecar)`")
        }
        let fromFile: EnvelopeInput
        do {
            fromFile = try JSONDecoder().decode(EnvelopeInput.self, from: data)
        } catch {
            throw ValidationError("envelope file `\(sidecar)` is not valid envelope JSON: \(error)")
        }
        let source = options == EnvelopeInput() ? "envelope file \(sidecar)" : "command line and envelope file \(sidecar)"
        return Given(input: options.overriding(fromFile), source: source)
    }
}
