/// `sluice test --update`: a case file rewritten with what actually happened, snapshot style.
/// Lines keep their order and comments stay where they were; a stated value is replaced in
/// place, and the keys a block does not state yet are added after its last key, in the order
/// of `CaseKey.expectations` (`quarantine-policy` only when the message is quarantined). A check
/// case's `diagnostic:` lines are replaced by the policy's errors, where the first one stood.
public enum CaseUpdate {
    /// The new text of `file` given its results, or nil when the case could not run (nothing
    /// is known to write).
    public static func rewrite(_ file: CaseFile, results: [CaseResult]) -> String? {
        guard !results.contains(where: \.isError) else { return nil }
        var output: [String] = []
        switch file.kind {
        case .check:
            guard let result = results.first else { return nil }
            var written = false
            for line in file.lines {
                guard line.entry?.key == .diagnostic else {
                    output.append(line.text)
                    continue
                }
                if !written {
                    output += result.actualDiagnostics.map { "diagnostic: \($0)" }
                    written = true
                }
            }
        case .message:
            let byRecipient = Dictionary(results.compactMap { result in result.recipient.map { ($0, result.actual) } }, uniquingKeysWith: { first, _ in first })
            var additions: [Int: [String]] = [:]
            var replacements: [Int: [CaseKey: String]] = [:]
            for block in file.blocks {
                guard let actual = byRecipient[block.recipient] else { continue }
                let end = file.blocks.first { $0.start > block.start }?.start ?? file.lines.count
                for index in block.start..<end { replacements[index] = actual }
                additions[block.lastEntry] = CaseKey.expectations.compactMap { key in
                    guard block.expectations[key] == nil, let value = actual[key] else { return nil }
                    if key == .quarantinePolicy && value == "none" { return nil }
                    return "\(key.rawValue): \(value)"
                }
            }
            for (index, line) in file.lines.enumerated() {
                if let entry = line.entry, entry.key.role == .expectation, let value = replacements[index]?[entry.key] {
                    output.append(replacing(entry, in: line, with: value))
                } else {
                    output.append(line.text)
                }
                output += additions[index] ?? []
            }
        }
        return output.joined(separator: "\n") + "\n"
    }

    /// The line with its value replaced, the key and its spacing as written.
    private static func replacing(_ entry: CaseFile.Entry, in line: CaseFile.Line, with value: String) -> String {
        let bytes = Array(line.text.utf8)
        let start = entry.valueSpan.start - line.offset, end = entry.valueSpan.end - line.offset
        return String(decoding: bytes[..<start], as: UTF8.self) + value + String(decoding: bytes[end...], as: UTF8.self)
    }
}
