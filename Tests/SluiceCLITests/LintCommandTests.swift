import Foundation
import Testing

/// `sluice lint`, run as a built binary.
@Suite("sluice lint")
struct LintCommandTests {
    private func policy(_ text: String) throws -> (path: String, cleanup: () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-lint-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("tenant.sluice").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (path, { try? FileManager.default.removeItem(at: directory) })
    }

    private let risky = """
        organization {
          accepted-domains contoso.example
        }
        allow sender ceo@contoso.example note "exec assistant"
        allow domain gmail.com note "everyone"
        block sender a@evil.example expires 2026-11-01

        """

    @Test("everything shipped under rules/ lints clean")
    func shipped() throws {
        let result = try SluiceBinary.run(["lint", "--deny-warnings", "--now", "2026-11-29", SluiceBinary.fixture("rules")])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("0 errors, 0 warnings, 0 info"))
    }

    @Test("warnings are shown with carets and fail only with --deny-warnings")
    func warnings() throws {
        let (path, cleanup) = try policy(risky)
        defer { cleanup() }
        let lenient = try SluiceBinary.run(["lint", "--now", "2026-11-29", path])
        #expect(lenient.status == 0)
        #expect(lenient.stdout.contains("warning[lint.own-domain-allow]"))
        #expect(lenient.stdout.contains("warning[lint.consumer-domain-allow]"))
        #expect(lenient.stdout.contains("warning[lint.expired-entry]: `block sender a@evil.example` expired on 2026-11-01"))
        #expect(lenient.stdout.contains("--> \(path):6:1"))
        let strict = try SluiceBinary.run(["lint", "--deny-warnings", "--now", "2026-11-29", path])
        #expect(strict.status == 1)
    }

    @Test("sarif is SARIF 2.1.0 with rules and located results")
    func sarif() throws {
        let (path, cleanup) = try policy(risky)
        defer { cleanup() }
        let result = try SluiceBinary.run(["lint", "--format", "sarif", "--now", "2026-11-29", path])
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect((driver["rules"] as? [[String: Any]])?.contains { $0["id"] as? String == "lint.expired-entry" } == true)
        let results = try #require(run["results"] as? [[String: Any]])
        let expired = try #require(results.first { $0["ruleId"] as? String == "lint.expired-entry" })
        #expect(expired["level"] as? String == "warning")
        let region = (((expired["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
        #expect(region?["startLine"] as? Int == 6)
    }

    @Test("github prints workflow annotations")
    func github() throws {
        let (path, cleanup) = try policy(risky)
        defer { cleanup() }
        let result = try SluiceBinary.run(["lint", "--format", "github", "--now", "2026-11-29", path])
        #expect(result.stdout.contains("::warning file=\(path),line=4,col=1,title=lint.own-domain-allow::"))
    }

    @Test("a policy that does not check fails with exit status 1; a missing path is 2")
    func errors() throws {
        let (path, cleanup) = try policy("block url contoso.com/ab*\n")
        defer { cleanup() }
        #expect(try SluiceBinary.run(["lint", path]).status == 1)
        #expect(try SluiceBinary.run(["lint", "no-such-dir/policy.sluice"]).status == 2)
    }

    @Test("--fix removes exact duplicates and long-expired entries through the formatter, keeping comments")
    func fix() throws {
        let (path, cleanup) = try policy("""
            # tenant
            block sender a@evil.example expires never
            block sender a@evil.example expires never
            block sender old@evil.example expires 2026-09-01  # very old
            block sender recent@evil.example expires 2026-11-20
            allow sender x@fabrikam.example note "kept"

            """)
        defer { cleanup() }
        let result = try SluiceBinary.run(["lint", "--fix", "--now", "2026-11-29", path])
        #expect(result.stderr.contains("applied 2 fixes"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.components(separatedBy: "block sender a@evil.example").count == 2)
        #expect(!text.contains("old@evil.example"))
        #expect(text.contains("recent@evil.example"), "expired less than 30 days ago: reported, not removed")
        #expect(text.contains("# tenant") && text.contains("# very old"))
        #expect(try SluiceBinary.run(["fmt", "--check", path]).status == 0)
    }
}
