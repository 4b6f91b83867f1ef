import SluiceDiagnostics
import SluiceEngine

/// How `sluice test` prints results: nothing for a pass; for a failure the case and recipient,
/// each stated key expected versus actual, then the explanation of the actual decision; for a
/// case that could not run, its diagnostics.
public struct SuiteText: Sendable {
    public var useColor: Bool

    public init(useColor: Bool) { self.useColor = useColor }

    /// The text for one result, or nil for a pass.
    public func render(_ result: CaseResult) -> String? {
        switch result.status {
        case .passed: return nil
        case .error(let diagnostics):
            let renderer = TextRenderer(useColor: useColor)
            return "\(paint("ERROR", "1;31")) \(result.file)\n" + diagnostics.map { renderer.render($0, sources: result.sources) + "\n" }.joined()
        case .failed(let mismatches):
            var lines = ["\(paint("FAIL", "1;31")) \(result.file)" + (result.recipient.map { " (\($0))" } ?? "")]
            for mismatch in mismatches {
                lines.append("  expected \(mismatch.key): \(mismatch.expected) / actual: \(mismatch.actual)")
            }
            var text = lines.joined(separator: "\n") + "\n"
            if let explanation = result.explanation {
                text += "\n" + ExplanationText(useColor: useColor).render(explanation).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
            }
            return text
        }
    }

    /// `N passed, N failed`: cases that could not run count as failed.
    public func summary(_ results: [CaseResult]) -> String {
        let passed = results.filter(\.passed).count
        return "\(passed) passed, \(results.count - passed) failed"
    }

    public func render(_ coverage: Coverage) -> String {
        var lines = ["coverage of \(coverage.policy): \(coverage.coveredEntries) of \(coverage.entries) entries, "
            + "\(coverage.coveredRules) of \(coverage.rules) rules exercised"]
        if !coverage.uncovered.isEmpty {
            lines.append("  not exercised by any case:")
            for item in coverage.uncovered { lines.append("    \(item.span.file):\(item.span.line): \(item.text)") }
        }
        return lines.joined(separator: "\n")
    }

    private func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
