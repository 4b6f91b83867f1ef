import Foundation
import Testing

/// `sluice eval`, run as a built binary on the bundled example organization.
@Suite("sluice eval")
struct EvalCommandTests {
    private let policy = SluiceBinary.fixture("rules/examples/contoso/tenant.sluice")
    private let messages = SluiceBinary.fixture("rules/examples/messages")

    @Test("decides every message of a directory, one line each, in name order")
    func directory() throws {
        let result = try SluiceBinary.run(["eval", "--policy", policy, "--now", "2026-11-29", messages])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("invoice-from-partner.eml → alice@contoso.example: Inbox (no threat)") == true)
        #expect(lines.last?.contains("lookalike-invoice.eml → ap@contoso.example: Quarantine (high confidence phishing, HPHSH)") == true)
        #expect(lines.last?.contains("tenant block entry `sender invoices@fabrikarn.example` at ") == true)
        #expect(lines.last?.contains("tenant.sluice:25:1") == true)
    }

    @Test("jsonl carries the decision: action, location, verdict, deciding span, quarantine permissions, trace, policy hash")
    func jsonl() throws {
        let result = try SluiceBinary.run(["eval", "--policy", policy, "--now", "2026-11-29", "--format", "jsonl",
                                           messages + "/lookalike-invoice.eml"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let decision = try #require(object["decision"] as? [String: Any])
        #expect((decision["action"] as? [String: Any])?["name"] as? String == "quarantine")
        #expect(decision["location"] as? String == "Quarantine")
        #expect(decision["verdict"] as? String == "high-confidence-phish")
        let source = try #require(decision["decidedBy"] as? [String: Any])
        #expect(source["kind"] as? String == "organization-override")
        #expect((source["span"] as? [String: Any])?["line"] as? Int == 25)
        let quarantine = try #require(decision["quarantine"] as? [String: Any])
        #expect(quarantine["policy"] as? String == "AdminOnlyAccessPolicy")
        #expect(quarantine["permissions"] as? [String] == ["view-headers"])
        #expect((decision["trace"] as? [Any])?.isEmpty == false)
        #expect((decision["policyHash"] as? String)?.count == 64)
    }

    @Test("--recipient decides for that recipient; the scoped Finance policy applies to its members")
    func recipient() throws {
        let result = try SluiceBinary.run(["eval", "--policy", policy, "--now", "2026-11-29", "--recipient", "ap@contoso.example",
                                           "--trace", messages + "/invoice-from-partner.eml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("→ ap@contoso.example:"))
        #expect(result.stdout.contains("anti-spam: \"Finance\" (priority 0) applies to `ap@contoso.example`"))
    }

    @Test("a policy that does not check is refused with its errors and exit status 2")
    func brokenPolicy() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-eval-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("broken.sluice").path
        try Data("block url contoso.com/ab*\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try SluiceBinary.run(["eval", "--policy", path, messages])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error[check.invalid-url-entry]"))
        #expect(result.stdout.isEmpty)
    }

    @Test("an unreadable message is reported, the others are decided, and the exit status is 1")
    func unreadable() throws {
        let result = try SluiceBinary.run(["eval", "--policy", policy, "--now", "2026-11-29", "no-such-message.eml",
                                           messages + "/lookalike-invoice.eml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot read `no-such-message.eml`"))
        #expect(result.stdout.contains("lookalike-invoice.eml → ap@contoso.example: Quarantine"))
    }
}

/// `sluice compile`, run as a built binary.
@Suite("sluice compile")
struct CompileCommandTests {
    private let policy = SluiceBinary.fixture("rules/examples/contoso/tenant.sluice")
    private let messages = SluiceBinary.fixture("rules/examples/messages")

    @Test("an artefact written by compile decides as the policy it came from")
    func artefact() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("contoso-\(UUID()).sluicec").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let compiled = try SluiceBinary.run(["compile", policy, "-o", output])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        #expect(compiled.stderr.contains("compiled `\(policy)` (38 entries, 6 rules)"))
        let fromArtefact = try SluiceBinary.run(["eval", "--compiled", output, "--now", "2026-11-29", "--format", "jsonl", messages])
        let fromSource = try SluiceBinary.run(["eval", "--policy", policy, "--now", "2026-11-29", "--format", "jsonl", messages])
        #expect(fromArtefact.status == 0)
        #expect(fromArtefact.stdout == fromSource.stdout)
    }

    @Test("--emit tree and --emit dot show the stages in evaluation order with their sources")
    func emit() throws {
        let tree = try SluiceBinary.run(["compile", policy, "--emit", "tree"])
        #expect(tree.status == 0)
        #expect(tree.stdout.contains("├─ connection"))
        #expect(tree.stdout.contains("\"Invoice lure with HTML attachment\": then mark phish  (\(policy):129:1)"))
        #expect(tree.stdout.contains("malware > high-confidence-phish > phish"))
        let dot = try SluiceBinary.run(["compile", policy, "--emit", "dot"])
        #expect(dot.stdout.hasPrefix("digraph policy {"))
        #expect(dot.stdout.contains("[style=bold]"))
    }

    @Test("a damaged artefact is refused with exit status 2")
    func damaged() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("junk-\(UUID()).sluicec").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        try Data("SLUICEPA garbage".utf8).write(to: URL(fileURLWithPath: output))
        let result = try SluiceBinary.run(["eval", "--compiled", output, messages])
        #expect(result.status == 2)
        #expect(result.stderr.contains("damaged"))
    }

    @Test("without -o or --emit, compile is a usage error")
    func usage() throws {
        let result = try SluiceBinary.run(["compile", policy])
        #expect(result.status == 2)
    }
}

/// `sluice explain --decision`: a stored decision is explained only under the policy it came from.
@Suite("sluice explain --decision")
struct StoredDecisionTests {
    private let policy = SluiceBinary.fixture("rules/examples/contoso/tenant.sluice")
    private let message = SluiceBinary.fixture("rules/examples/messages/lookalike-invoice.eml")

    @Test("a decision from the same policy is explained; one from another policy is refused with both hashes")
    func hashes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-stored-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stored = try SluiceBinary.run(["eval", "--policy", policy, "--now", "2026-11-29", "--format", "jsonl", message])
        let decision = directory.appendingPathComponent("decision.jsonl").path
        try Data(stored.stdout.utf8).write(to: URL(fileURLWithPath: decision))
        let same = try SluiceBinary.run(["explain", "--policy", policy, "--now", "2026-11-29", "--decision", decision, message])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.hasPrefix("Result: Blocked due to organizational overrides"))

        // The same policy with one more comment is another policy: its hash differs.
        let changed = directory.appendingPathComponent("tenant.sluice").path
        let text = try String(contentsOfFile: policy, encoding: .utf8)
            .replacingOccurrences(of: "include \"../../presets/standard.sluice\"", with: "include \"\(SluiceBinary.fixture("rules/presets/standard.sluice"))\"")
            .replacingOccurrences(of: "include \"groups.sluice\"", with: "include \"\(SluiceBinary.fixture("rules/examples/contoso/groups.sluice"))\"")
            .replacingOccurrences(of: "user-lists from \"user-lists", with: "user-lists from \"\(SluiceBinary.fixture("rules/examples/contoso"))/user-lists")
        try Data(("# edited\n" + text).utf8).write(to: URL(fileURLWithPath: changed))
        let other = try SluiceBinary.run(["explain", "--policy", changed, "--now", "2026-11-29", "--decision", decision, message])
        #expect(other.status == 2)
        #expect(other.stderr.contains("the stored decision was made under policy"))
        #expect(other.stdout.isEmpty)
    }
}
