import Foundation
import SluiceChecking
import Testing

/// `docs/lint-rules.md` is generated from the rules' doc comments (their documentation) and
/// must stay in step with them. `SLUICE_UPDATE_GOLDENS=1 swift test --filter LintCatalogue`
/// regenerates it.
@Suite("Lint rule catalogue")
struct LintCatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `(id, severity, doc comment)` for every `struct … : LintRule` under Lint/Rules.
    static func documentedRules() throws -> [(id: String, severity: String, doc: String)] {
        let directory = root.appendingPathComponent("Sources/SluiceChecking/Lint/Rules")
        var rules: [(String, String, String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".swift") {
            let lines = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            var doc: [String] = []
            var pending: (doc: String, id: String?, severity: String?)? = nil
            for line in lines {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("///") {
                    doc.append(String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces))
                } else if trimmed.hasPrefix("public struct"), trimmed.contains(": LintRule") {
                    pending = (doc.joined(separator: " "), nil, nil)
                    doc = []
                } else {
                    if var open = pending {
                        if trimmed.hasPrefix("public static let id = ") { open.id = String(trimmed.split(separator: "\"")[1]) }
                        if trimmed.hasPrefix("public static let severity = Severity.") { open.severity = String(trimmed.split(separator: ".").last!) }
                        if let id = open.id, let severity = open.severity {
                            rules.append((id, severity, open.doc))
                            pending = nil
                        } else {
                            pending = open
                        }
                    }
                    if !trimmed.isEmpty { doc = [] }
                }
            }
        }
        return rules.sorted { $0.0 < $1.0 }
    }

    @Test("every rule is documented and the catalogue matches the doc comments")
    func catalogue() throws {
        let rules = try Self.documentedRules()
        #expect(Set(rules.map(\.id)) == Set(Linter.rules.map { type(of: $0).id }))
        for rule in rules { #expect(rule.doc.count > 40, "`\(rule.id)` needs a doc comment") }
        var text = "# Lint rules\n\nGenerated from the doc comments of `Sources/SluiceChecking/Lint/Rules/` by\n"
        text += "`Tests/SluiceCheckingTests/LintCatalogueTests.swift`; `sluice lint --list` prints the short form.\n"
        text += "Suppress a finding with `# sluice-lint: ignore RULE-ID reason` on or above its statement.\n"
        for rule in rules { text += "\n## `\(rule.id)` (\(rule.severity))\n\n\(rule.doc)\n" }
        let path = Self.root.appendingPathComponent("docs/lint-rules.md")
        if ProcessInfo.processInfo.environment["SLUICE_UPDATE_GOLDENS"] == "1" {
            try Data(text.utf8).write(to: path)
        }
        #expect(try String(contentsOf: path, encoding: .utf8) == text, "docs/lint-rules.md is stale: regenerate it")
    }
}
