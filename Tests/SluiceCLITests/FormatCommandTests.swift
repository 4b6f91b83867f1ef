import Foundation
import Testing

/// `sluice fmt`, run as a built binary, on the golden files of the formatter's tests.
@Suite("sluice fmt")
struct FormatCommandTests {
    private static let goldens = "Tests/SluiceSyntaxTests/Fixtures/format/"
    private let messy = try! String(contentsOfFile: SluiceBinary.fixture(goldens + "spacing.input.sluice"), encoding: .utf8)
    private let canonical = try! String(contentsOfFile: SluiceBinary.fixture(goldens + "spacing.expected.sluice"), encoding: .utf8)

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-fmt-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func write(_ text: String, name: String = "policy.sluice", in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func contents(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test("--check passes a canonical file and fails a messy one, naming it, changing neither")
    func check() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try write(canonical, name: "clean.sluice", in: directory)
        let dirty = try write(messy, name: "dirty.sluice", in: directory)

        let passed = try SluiceBinary.run(["fmt", "--check", clean])
        #expect(passed.status == 0)
        #expect(passed.stdout.isEmpty && passed.stderr.isEmpty)

        let failed = try SluiceBinary.run(["fmt", "--check", clean, dirty])
        #expect(failed.status == 1)
        #expect(failed.stderr == "would reformat `\(dirty)`\n")
        #expect(try contents(dirty) == messy)
    }

    @Test("every policy shipped under rules/ (presets and examples) is already canonical")
    func presets() throws {
        let result = try SluiceBinary.run(["fmt", "--check", SluiceBinary.fixture("rules")])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("without options a file is rewritten in place to the canonical text, keeping its permissions")
    func inPlace() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write(messy, in: directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        let result = try SluiceBinary.run(["fmt", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "reformatted `\(path)`\n")
        #expect(try contents(path) == canonical)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o640)
    }

    @Test("a canonical file is not written at all")
    func untouched() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write(canonical, in: directory)
        let past = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path)
        let result = try SluiceBinary.run(["fmt", path])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == past)
    }

    @Test("a directory stands for the .sluice files below it")
    func directory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("nested"), withIntermediateDirectories: true)
        let policy = try write(messy, name: "nested/policy.sluice", in: directory)
        let notes = try write("not { a policy\n", name: "nested/notes.txt", in: directory)
        let result = try SluiceBinary.run(["fmt", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try contents(policy) == canonical)
        #expect(try contents(notes) == "not { a policy\n")
    }

    @Test("--diff prints a unified diff that turns the file into its canonical text, and changes nothing")
    func diff() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write(messy, in: directory)
        let result = try SluiceBinary.run(["fmt", "--diff", path])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("--- \(path)\n+++ \(path)\n@@ -1,"))
        #expect(try UnifiedDiffApplier.apply(result.stdout, to: messy) == canonical)
        #expect(try contents(path) == messy)

        let checked = try SluiceBinary.run(["fmt", "--diff", "--check", path])
        #expect(checked.status == 1)
        #expect(checked.stdout == result.stdout)
        #expect(checked.stderr.contains("would reformat `\(path)`"))

        let canonicalPath = try write(canonical, name: "canonical.sluice", in: directory)
        let nothing = try SluiceBinary.run(["fmt", "--diff", "--check", canonicalPath])
        #expect(nothing.status == 0)
        #expect(nothing.stdout.isEmpty)
    }

    @Test("a file with a syntax error is reported like check does, left unchanged, and fails")
    func syntaxError() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = "allow   sender a@b.example\nblock domain x.example note \"open\n"
        let path = try write(broken, in: directory)
        let other = try write(messy, name: "other.sluice", in: directory)
        let result = try SluiceBinary.run(["fmt", path, other])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error[syntax.unterminated-string]: string is not closed before the end of the line"))
        #expect(result.stderr.contains("--> \(path):2:29"))
        #expect(result.stderr.contains(" 2 | block domain x.example note \"open\n   |                             ^^^^^"))
        #expect(try contents(path) == broken)
        // The other files are still formatted.
        #expect(try contents(other) == canonical)
    }

    @Test("a missing file is exit status 2")
    func missingFile() throws {
        let result = try SluiceBinary.run(["fmt", "/nonexistent/policy.sluice"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot read `/nonexistent/policy.sluice`"))
    }

    @Test("a file that is not UTF-8 is exit status 2 and left unchanged")
    func notUTF8() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("latin1.sluice")
        let bytes = Data("allow  sender a@b.example note \"caf".utf8 + [0xE9] + "\"\n".utf8)
        try bytes.write(to: url)
        let result = try SluiceBinary.run(["fmt", url.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("`\(url.path)` is not UTF-8 text"))
        #expect(try Data(contentsOf: url) == bytes)
    }

    @Test("- reads standard input and writes the canonical text to standard output")
    func standardInput() throws {
        let result = try SluiceBinary.run(["fmt", "-"], stdin: Data(messy.utf8))
        #expect(result.status == 0)
        #expect(result.stdout == canonical)

        let checked = try SluiceBinary.run(["fmt", "--check", "-"], stdin: Data(messy.utf8))
        #expect(checked.status == 1)
        #expect(checked.stdout.isEmpty)
        #expect(checked.stderr.contains("would reformat `<stdin>`"))

        let broken = try SluiceBinary.run(["fmt", "-"], stdin: Data("rule \"r\" {\n".utf8))
        #expect(broken.status == 1)
        #expect(broken.stdout.isEmpty)
        #expect(broken.stderr.contains("--> <stdin>:1:10"))
    }
}
