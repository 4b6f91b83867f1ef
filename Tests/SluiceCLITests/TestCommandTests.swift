import Foundation
import Testing

/// `sluice test`, run as a built binary on the fixtures under Fixtures/test and on the example
/// organization's own suite.
@Suite("sluice test")
struct TestCommandTests {
    private let fixtures = SluiceBinary.fixture("Tests/SluiceCLITests/Fixtures/test")

    @Test("rules/examples has a suite of its own, and it passes")
    func examples() throws {
        let result = try SluiceBinary.run(["test", "rules/examples"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let summary = try #require(result.stdout.split(separator: "\n").last)
        #expect(summary.hasSuffix(" passed, 0 failed"))
        #expect(Int(summary.split(separator: " ")[0]) ?? 0 >= 7)
    }

    @Test("passing message cases and a passing check case print only the summary")
    func passing() throws {
        let result = try SluiceBinary.run(["test", fixtures + "/pass", fixtures + "/check"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "3 passed, 0 failed\n")
    }

    @Test("a failure prints expected versus actual and the explanation of the actual decision; exit 1")
    func failing() throws {
        let result = try SluiceBinary.run(["test", fixtures + "/pass", fixtures + "/fail"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "FAIL \(fixtures)/fail/partner-quarantined.expect (alice@contoso.example)")
        #expect(lines.dropFirst().first == "  expected action: quarantine / actual: deliver")
        // `location: Inbox` was stated and holds, so it is not listed.
        #expect(!result.stdout.contains("expected location"))
        #expect(result.stdout.contains("    Result: No threats found"))
        #expect(result.stdout.contains("    Deciding source"))
        #expect(lines.last(where: { !$0.isEmpty }) == "2 passed, 1 failed")
    }

    @Test("errors in a case file are diagnostics with file:line:column and help; the case counts as failed; exit 2")
    func malformed() throws {
        let result = try SluiceBinary.run(["test", fixtures + "/malformed"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("error[test.unknown-key]: unknown key `acton`"))
        #expect(result.stdout.contains("--> \(fixtures)/malformed/typo.expect:5:1"))
        #expect(result.stdout.contains("= help: did you mean `action`?"))
        #expect(result.stdout.contains("error[test.invalid-value]: `Attic` is not a value of `location`"))
        #expect(result.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test("--update rewrites a failing case after review, then it passes; comments and stated keys keep their lines")
    func update() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-test-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.sluice").path
        try FileManager.default.copyItem(atPath: fixtures + "/policy.sluice", toPath: policy)
        try FileManager.default.copyItem(atPath: fixtures + "/pass/partner.eml", toPath: directory.appendingPathComponent("partner.eml").path)
        let casePath = directory.appendingPathComponent("partner.expect").path
        try Data("# reviewed: FP-1\npolicy: policy.sluice\nnow: 2026-11-29\n\nrecipient: alice@contoso.example\naction: junk\n".utf8)
            .write(to: URL(fileURLWithPath: casePath))

        let updated = try SluiceBinary.run(["test", "--update", directory.path])
        #expect(updated.status == 0, "\(updated.stdout)\(updated.stderr)")
        #expect(updated.stdout == "updated \(casePath)\n1 passed, 0 failed\n")
        let text = try String(contentsOfFile: casePath, encoding: .utf8)
        #expect(text.hasPrefix("# reviewed: FP-1\npolicy: policy.sluice\nnow: 2026-11-29\n\nrecipient: alice@contoso.example\naction: deliver\nlocation: Inbox\n"))
        #expect(text.contains("\ndecided-by: "))
        #expect(text.contains("\nresult: "))
        #expect(try SluiceBinary.run(["test", directory.path]).status == 0)
        // Nothing to rewrite the second time.
        #expect(try SluiceBinary.run(["test", "--update", directory.path]).stdout == "1 passed, 0 failed\n")
    }

    @Test("--coverage lists the entries and rules no case exercises, with file:line and the line as written")
    func coverage() throws {
        let result = try SluiceBinary.run(["test", "--coverage", fixtures + "/pass"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("coverage of \(fixtures)/policy.sluice: 2 of 3 entries, 0 of 1 rules exercised"))
        #expect(result.stdout.contains("    \(fixtures)/policy.sluice:9: block domain *.zip expires never ticket \"SEC-2\""))
        #expect(result.stdout.contains("    \(fixtures)/policy.sluice:11: rule \"Known bad sender domain\" {"))
        #expect(!result.stdout.contains("policy.sluice:7:"))
        #expect(!result.stdout.contains("policy.sluice:8:"))
    }

    @Test("no case files, or a path that is not a case file, is a usage error")
    func usage() throws {
        let empty = try SluiceBinary.run(["test", SluiceBinary.fixture("Tests/SluiceCLITests/Fixtures/diff/messages")])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("error: no case files (`*.expect`) under"))
        let wrong = try SluiceBinary.run(["test", fixtures + "/policy.sluice"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("is not a case file"))
    }
}
