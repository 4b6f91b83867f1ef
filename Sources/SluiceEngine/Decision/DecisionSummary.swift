import SluiceChecking
import SluiceDiagnostics

/// Short text forms of a decision, for `sluice eval` and test failure messages.
extension Decision {
    /// `Quarantine (high confidence phishing, HPHSH), organization override: tenant block entry
    /// `domain *.spam.example` at tenant.sluice:12:1`.
    public var summaryLine: String {
        var text = location.rawValue
        switch action {
        case .reject(let code, let enhanced, _): text += " \(code) \(enhanced)"
        case .redirect(let addresses): text += " to " + addresses.joined(separator: ", ")
        default: break
        }
        text += " (" + (verdict.map { "\($0.displayName), \(category)" } ?? "no threat") + ")"
        text += ", \(decidedBy.kind.rawValue.replacingOccurrences(of: "-", with: " ")): \(decidedBy.description)"
        if let span = decidedBy.span { text += " at \(span)" }
        if let header = decidedBy.header { text += " [\(header)]" }
        return text
    }

    /// Every trace step, one per line, indented under its stage.
    public var traceText: String {
        var lines: [String] = []
        for stage in trace {
            lines.append("  \(stage.name):")
            for step in stage.steps {
                let mark = switch step.outcome {
                case .matched: "+"
                case .clear: "-"
                case .declined: "x"
                case .note: "·"
                }
                lines.append("    \(mark) \(step.check): \(step.detail)" + (step.span.map { " (\($0))" } ?? ""))
            }
        }
        return lines.joined(separator: "\n")
    }
}
