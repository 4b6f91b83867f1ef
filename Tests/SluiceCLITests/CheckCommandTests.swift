import Foundation
import Testing

/// `sluice check`, run as a built binary.
@Suite("sluice check")
struct CheckCommandTests {
    private func write(_ text: String, name: String = "policy.sluice", in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-check-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a clean file passes with exit status 0")
    func clean() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("allow sender billing@fabrikam.example expires never note \"invoices\"\n", in: directory)
        let result = try SluiceBinary.run(["check", path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("checked 1 file: 0 errors, 0 warnings"))
    }

    @Test("errors name file:line:column, show the line with a caret, and exit 1")
    func errorsWithCaret() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("allow sender a@b.example\nblock domain x.example note \"open\n", in: directory)
        let result = try SluiceBinary.run(["check", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error[syntax.unterminated-string]: string is not closed before the end of the line"))
        #expect(result.stderr.contains("--> \(path):2:29"))
        #expect(result.stderr.contains(" 2 | block domain x.example note \"open\n   |                             ^^^^^"))
        #expect(result.stderr.contains("= help: close it with `\"`"))
    }

    @Test("included files are read too; a cycle is reported at the include that closes it")
    func includes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let main = try write("include \"presets/base.sluice\"\n", in: directory)
        _ = try write("include \"../policy.sluice\"\nblock url ~evil.example~ (\n", name: "presets/base.sluice", in: directory)
        let result = try SluiceBinary.run(["check", main])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error[check.include-cycle]"))
        #expect(result.stderr.contains("error[syntax.unexpected-parenthesis]"))
        #expect(result.stderr.contains("checked 2 files"))
    }

    @Test("json output lists the diagnostics with their source spans")
    func json() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("}\n", in: directory)
        let result = try SluiceBinary.run(["check", "--format", "json", path])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["code"] as? String == "syntax.unmatched-brace")
        let location = try #require(diagnostics.first?["location"] as? [String: Any])
        let span = try #require(location["source"] as? [String: Any])
        #expect(span["line"] as? Int == 1)
        #expect(span["column"] as? Int == 1)
    }

    @Test("every policy shipped under rules/ checks clean", arguments: ["default", "standard", "strict", "quarantine-policies"])
    func shippedPresets(name: String) throws {
        let result = try SluiceBinary.run(["check", SluiceBinary.fixture("rules/presets/\(name).sluice")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains(" 0 errors, 0 warnings"))
    }

    @Test("the example organization policy checks clean, with its includes and user-list files")
    func exampleOrganization() throws {
        let result = try SluiceBinary.run(["check", SluiceBinary.fixture("rules/examples/contoso/tenant.sluice")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("checked 4 files: 0 errors, 0 warnings"))
    }

    @Test("schema errors come with the reason, a suggestion and a fix-it, in text and JSON")
    func schemaErrors() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("alow sender a@b.example\nblock url contoso.com/ab*\n", in: directory)
        let text = try SluiceBinary.run(["check", path])
        #expect(text.status == 1)
        #expect(text.stderr.contains("error[check.unknown-statement]: unknown statement `alow` at the top level"))
        #expect(text.stderr.contains("= help: did you mean `allow`?"))
        #expect(text.stderr.contains("error[check.invalid-url-entry]: a right wildcard must follow `/`\n  --> \(path):2:25"))
        let json = try SluiceBinary.run(["check", "--format", "json", path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let fixes = try #require(diagnostics.first?["fixes"] as? [[String: Any]])
        #expect(fixes.first?["replacement"] as? String == "allow")
    }

    @Test("a missing file is exit status 2")
    func missingFile() throws {
        let result = try SluiceBinary.run(["check", "/nonexistent/policy.sluice"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot read `/nonexistent/policy.sluice`"))
    }
}
