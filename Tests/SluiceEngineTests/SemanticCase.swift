import Foundation
import SluiceChecking
import SluiceEngine
import SluiceMessage
import Testing

/// One data-driven semantics case, read from a `.cases` file under `Cases/`:
///
/// ```
/// === case tenant sender block beats a safe sender (§2.5)
/// == policy
/// block sender bad@evil.example expires never
/// == message
/// From: bad@evil.example
/// ...
/// == envelope
/// client-ip 192.0.2.1
/// == expect
/// recipient alice@contoso.example
/// location Quarantine
/// ```
///
/// A file may start with `== policy` (and `== envelope`) sections before its first case: they
/// are the defaults for every case in the file that has none of its own. Expectation keys are
/// those `SemanticCaseTests` reads; each line is one key and its value.
struct SemanticCase: CustomTestStringConvertible, Sendable {
    var file: String
    var line: Int
    var name: String
    var policy: String
    var message: String
    var envelope: [(key: String, value: String)]
    var expectations: [(key: String, value: String)]

    var testDescription: String { "\(file):\(line) \(name)" }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Cases")

    static func all() -> [SemanticCase] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".cases") }.sorted() ?? []
        return files.flatMap { name in
            let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return parse(text, file: name)
        }
    }

    static func parse(_ text: String, file: String) -> [SemanticCase] {
        var cases: [SemanticCase] = []
        var defaults: [String: [String]] = [:]
        var current: (name: String, line: Int, sections: [String: [String]])? = nil
        var section: String? = nil
        var sections: [String: [String]] = [:]
        func flush() {
            if let open = current {
                let merged = defaults.merging(open.sections) { _, own in own }
                cases.append(SemanticCase(
                    file: file, line: open.line, name: open.name,
                    policy: (merged["policy"] ?? []).joined(separator: "\n") + "\n",
                    message: (merged["message"] ?? []).joined(separator: "\r\n") + "\r\n",
                    envelope: pairs(merged["envelope"] ?? []),
                    expectations: pairs(merged["expect"] ?? [])))
            } else {
                defaults = sections
            }
        }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("=== case ") {
                if current == nil { defaults = sections } else { current!.sections = sections; flush() }
                current = (String(line.dropFirst(9)), number + 1, [:])
                sections = [:]
                section = nil
            } else if line.hasPrefix("== ") {
                section = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                sections[section!] = []
            } else if let section {
                sections[section, default: []].append(String(line))
            }
        }
        if current != nil { current!.sections = sections; flush() }
        return cases
    }

    /// `key value` lines; blank lines and `#` comments skipped.
    private static func pairs(_ lines: [String]) -> [(key: String, value: String)] {
        lines.compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
            let parts = trimmed.split(separator: " ", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// The message's text with trailing blank lines of the section removed but the body kept.
    var messageBytes: [UInt8] {
        var text = message
        while text.hasSuffix("\r\n\r\n") { text.removeLast(2) }
        return Array(text.utf8)
    }
}
