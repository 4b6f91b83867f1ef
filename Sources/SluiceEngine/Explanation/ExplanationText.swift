import SluiceDiagnostics

/// The explanation for people: sections in the order an admin reads a submission result,
/// lines wrapped at 100 columns, colour only when asked (the CLI asks on a terminal).
public struct ExplanationText: Sendable {
    public static let width = 100
    public var useColor: Bool

    public init(useColor: Bool) { self.useColor = useColor }

    public func render(_ explanation: Explanation, trace: Bool = false) -> String {
        var out: [String] = []
        let decision = explanation.decision
        let blocked = decision.location != .inbox
        out.append(paint("Result: \(explanation.result)", blocked ? "1;31" : "1;32"))
        wrap(explanation.why, indent: "  ", into: &out)
        out.append("")

        out.append(heading("Message"))
        field("File", explanation.message.file, &out)
        field("From", explanation.message.from ?? "(none)", &out)
        field("Subject", explanation.message.subject ?? "(none)", &out)
        if let date = explanation.message.date { field("Date", date, &out) }
        field("Recipient", explanation.recipient, &out)
        out.append("")

        out.append(heading("Decision"))
        wrap("\(decision.location.rawValue) (\(decision.verdict?.displayName ?? "no threat"), \(decision.category)); SCL \(decision.scl), "
             + "BCL \(decision.bcl.map(String.init) ?? "none"), SFV \(decision.sfv)", indent: "  ", into: &out)
        if case .reject(let code, let enhanced, let text) = decision.action { wrap("rejected with \(code) \(enhanced) \(text)", indent: "  ", into: &out) }
        if let quarantine = decision.quarantine {
            let permissions = quarantine.permissions.isEmpty ? "nothing" : quarantine.permissions.map(\.rawValue).joined(separator: ", ")
            wrap("quarantine policy `\(quarantine.policy)`: \(explanation.recipient) may \(permissions)"
                 + (quarantine.hardRuleApplied ? " (release is only by request for this verdict)" : "")
                 + "; kept \(quarantine.retentionDays) days, until \(quarantine.expires); "
                 + (quarantine.notify ? "notified in the \(quarantine.notificationCadence ?? "daily") digest" : "the recipient is not notified"),
                 indent: "  ", into: &out)
        }
        for modification in decision.modifications { wrap(modification, indent: "  ", into: &out) }
        out.append("")

        out.append(heading("Deciding source"))
        wrap("\(decision.decidedBy.kind.rawValue): \(decision.decidedBy.description)", indent: "  ", into: &out)
        if let header = decision.decidedBy.header { wrap("from the header \(header)", indent: "  ", into: &out) }
        if let span = decision.decidedBy.span { wrap("\(paint("-->", "34")) \(span)", indent: "  ", into: &out) }
        let gutter = explanation.decidingLines.map { String($0.line).count }.max() ?? 0
        for line in explanation.decidingLines {
            let number = String(line.line)
            out.append("  " + String(repeating: " ", count: gutter - number.count) + paint(number, "34") + " " + paint("|", "34") + " " + clip(line.text, Self.width - gutter - 5))
        }
        out.append("")

        out.append(heading("Authentication"))
        wrap(explanation.authenticationLine, indent: "  ", into: &out)
        out.append("")

        out.append(heading("Stages"))
        for stage in explanation.stages {
            wrap("\(stage.stage):", indent: "  ", into: &out)
            for finding in stage.findings { wrap(finding, indent: "    ", continuation: "      ", into: &out) }
        }
        out.append("")

        out.append(heading("Recommended steps"))
        if explanation.recommendations.isEmpty { out.append("  none: nothing in the policy or the message points at a change") }
        for (number, step) in explanation.recommendations.enumerated() {
            wrap("\(number + 1). \(step.summary)", indent: "  ", continuation: "     ", into: &out)
            // Policy text is never clipped: it is meant to be copied.
            if let text = step.policyText { out.append("     " + paint(text, "1")) }
            if let file = step.file, step.policyText != nil { wrap("in \(file)", indent: "     ", into: &out) }
            if let target = step.target { wrap("at \(target)", indent: "     ", into: &out) }
            if let can = step.canOverride { wrap("overrides: \(can)", indent: "     ", continuation: "       ", into: &out) }
            if let cannot = step.cannotOverride { wrap("cannot override: \(cannot)", indent: "     ", continuation: "       ", into: &out) }
            if let after = step.outcomeAfter {
                wrap((step.verified ? paint("verified", "32") : paint("not verified", "33")) + " — after the change: \(after)",
                     indent: "     ", continuation: "       ", into: &out)
            }
        }
        out.append("")

        out.append(heading("What would have changed the outcome"))
        if explanation.whatWouldChange.isEmpty { out.append("  no single change Sluice tried would change it") }
        for change in explanation.whatWouldChange {
            wrap("- \(change.change): \(change.outcomeAfter)", indent: "  ", continuation: "    ", into: &out)
        }
        if trace {
            out.append("")
            out.append(heading("Trace"))
            for line in decision.traceText.split(separator: "\n") { wrap(String(line), indent: "", continuation: "        ", into: &out) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func heading(_ text: String) -> String { paint(text, "1") }

    private func field(_ name: String, _ value: String, _ out: inout [String]) {
        wrap(name.padding(toLength: 10, withPad: " ", startingAt: 0) + value, indent: "  ", continuation: "            ", into: &out)
    }

    private func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(1, width - 1))) + "…"
    }

    /// Word-wraps to 100 columns (escape codes do not count: colour is added only to short
    /// pieces that stay on one line).
    private func wrap(_ text: String, indent: String, continuation: String? = nil, into out: inout [String]) {
        let next = continuation ?? indent + "  "
        var line = indent
        var visible = indent.count
        var first = true
        let firstLine = out.count
        var words: [Substring] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            // A word longer than a line (a long URL) is cut into line-sized pieces.
            var rest = word
            let room = Self.width - next.count
            while rest.count - escapeLength(rest) > room && escapeLength(rest) == 0 {
                words.append(rest.prefix(room))
                rest = rest.dropFirst(room)
            }
            words.append(rest)
        }
        for word in words {
            let length = word.count - escapeLength(word)
            if visible + length + (first ? 0 : 1) > Self.width && !first {
                out.append(line)
                line = next + word
                visible = next.count + length
            } else {
                line += (first ? "" : " ") + word
                visible += length + (first ? 0 : 1)
            }
            first = false
        }
        out.append(line)
        for index in firstLine..<out.count {
            while out[index].hasSuffix(" ") { out[index].removeLast() }
        }
    }

    private func escapeLength(_ word: Substring) -> Int {
        var count = 0, inEscape = false
        for character in word {
            if character == "\u{1B}" { inEscape = true }
            if inEscape { count += 1 }
            if inEscape && character == "m" { inEscape = false }
        }
        return count
    }

    private func paint(_ text: String, _ color: String) -> String {
        useColor ? "\u{1B}[\(color)m\(text)\u{1B}[0m" : text
    }
}
