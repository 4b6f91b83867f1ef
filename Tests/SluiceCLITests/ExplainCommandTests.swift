import Foundation
import Testing

/// `sluice explain`, run as a built binary on small policy + message pairs under
/// `Tests/SluiceCLITests/Fixtures/explain/` (`NAME.sluice`, `NAME.eml`, and for some a golden
/// `NAME.expected.txt`). Every fixture path is passed relative to the package root (the binary
/// runs there), so the paths the output prints are the same on every machine.
///
/// Set `SLUICE_UPDATE_GOLDENS=1` to rewrite the golden files from the current output (then
/// review the diff).
@Suite("sluice explain")
struct ExplainCommandTests {
    static let directory = "Tests/SluiceCLITests/Fixtures/explain"
    static let now = "2026-11-29"
    static let note = "note \"sluice explain 2026-11-29\""

    /// One policy + message pair and what its explanation must say.
    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var recipient = "alice@contoso.example"
        /// The §7.2 result, exactly as the `Result:` line and the JSON `result` give it.
        var result: String
        var location: String
        var decidedBy: String
        /// The recommendation kinds, in order.
        var kinds: [String]
        /// The policy text of each recommendation that has one, in order, exactly.
        var policyTexts: [String] = []
        /// Whole lines of the text output (leading spaces aside) that must be there.
        var lines: [String] = []
        /// Sentences that must be there once the wrapping is undone (runs of white space,
        /// line breaks included, read as one space).
        var phrases: [String] = []
        /// Whether `NAME.expected.txt` holds the whole text output.
        var golden = false

        var policy: String { "\(ExplainCommandTests.directory)/\(name).sluice" }
        var message: String { "\(ExplainCommandTests.directory)/\(name).eml" }
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        // ---- Blocked due to organizational overrides --------------------------------------
        Scenario(
            name: "org-sender-block", result: "Blocked due to organizational overrides", location: "Quarantine",
            decidedBy: "organization-override", kinds: ["remove-entry"],
            lines: ["--> \(directory)/org-sender-block.sluice:9:1", "at \(directory)/org-sender-block.sluice:9:1"],
            phrases: [
                "Tenant block entry `sender ceo.office@contoso-payments.example` decided it: Quarantine.",
                "Quarantine (high confidence phishing, HPHSH); SCL 9, BCL none, SFV SPM",
                "quarantine policy `AdminOnlyAccessPolicy`: alice@contoso.example may view-headers; kept 30 days, "
                    + "until 2026-12-29; the recipient is not notified",
                "1. remove the tenant block entry `sender ceo.office@contoso-payments.example` that decided it",
            ]),
        Scenario(
            name: "org-ip-block", result: "Blocked due to organizational overrides", location: "Dropped",
            decidedBy: "organization-override", kinds: ["remove-entry"],
            lines: ["--> \(directory)/org-ip-block.sluice:10:12", "10 |   block ip 203.0.113.0/24"],
            phrases: ["IP Block List `203.0.113.0/24` decided it: Dropped.", "1. remove `203.0.113.0/24` from the IP Block List"],
            golden: true),
        Scenario(
            name: "org-rule-reject", result: "Blocked due to organizational overrides", location: "Rejected",
            decidedBy: "organization-override", kinds: ["edit-rule"],
            lines: ["--> \(directory)/org-rule-reject.sluice:9:1", "9 | rule \"Known bad sender domain\" {"],
            phrases: [
                "rejected with 550 5.7.1 message refused by Contoso policy",
                "1. narrow the condition of rule \"Known bad sender domain\", or set `mode audit` while you do (shown here)",
            ],
            golden: true),
        // A rule that marks a verdict is a mail flow rule deciding for the organization (§2.4 row
        // "Mail flow rule block/mark spam" × Not spam: "Org"; §7.2 lists mail flow rules under
        // "Blocked due to organizational overrides"); the engine attributes it so.
        Scenario(
            name: "phish-rule", recipient: "ap@contoso.example", result: "Blocked due to organizational overrides",
            location: "Quarantine", decidedBy: "organization-override", kinds: ["edit-rule", "add-entry"],
            policyTexts: ["allow sender invoices@fabrikarn.example expires 45 days after last use \(note)"],
            lines: ["--> \(directory)/phish-rule.sluice:9:1", "11 |   then mark phish"],
            phrases: [
                "Rule \"Invoice lure with HTML attachment\" marks phish decided it: Quarantine.",
                "quarantine policy `DefaultFullAccessWithNotificationPolicy`: ap@contoso.example may view-headers, preview, "
                    + "release, delete, allow-sender; kept 30 days, until 2026-12-29; notified in the daily digest",
            ]),
        Scenario(
            name: "spam-rule", result: "Blocked due to organizational overrides", location: "Junk",
            decidedBy: "organization-override", kinds: ["edit-rule", "add-entry"],
            policyTexts: ["allow sender promo@wingtip.example expires 45 days after last use \(note)"],
            lines: ["--> \(directory)/spam-rule.sluice:9:1"],
            phrases: ["Rule \"Lottery\" marks spam decided it: Junk."]),

        // ---- Blocked due to user overrides --------------------------------------------------
        Scenario(
            name: "user-blocked-sender", result: "Blocked due to user overrides", location: "Junk", decidedBy: "user-override",
            kinds: ["edit-user-list"],
            lines: ["--> \(directory)/user-blocked-sender.sluice:11:19", "11 |   blocked-senders deals@shopping.example"],
            phrases: [
                "alice@contoso.example's own settings (alice@contoso.example's blocked senders: `deals@shopping.example`) sent it to Junk.",
                "1. take `deals@shopping.example` off alice@contoso.example's blocked senders",
            ],
            golden: true),
        Scenario(
            name: "user-safe-lists-only", recipient: "bob@contoso.example", result: "Blocked due to user overrides",
            location: "Junk", decidedBy: "user-override", kinds: ["edit-user-list"],
            lines: ["--> \(directory)/user-safe-lists-only.sluice:11:3", "11 |   safe-lists-only yes"],
            phrases: ["bob@contoso.example's own settings (bob@contoso.example accepts mail from safe senders only) sent it to Junk."]),

        // ---- Allowed due to organizational / user overrides --------------------------------
        Scenario(
            name: "org-allow-spam", result: "Allowed due to organizational overrides", location: "Inbox",
            decidedBy: "organization-override", kinds: ["add-entry", "add-entry"],
            policyTexts: [
                "block sender newsletter@tailspin.example expires 2026-12-29 \(note)",
                "block url ~news.tailspin.example~ expires 2026-12-29 \(note)",
            ],
            lines: ["--> \(directory)/org-allow-spam.sluice:14:1", "in \(directory)/org-allow-spam.sluice"],
            phrases: ["Tenant allow entry `sender newsletter@tailspin.example` let it through despite the spam verdict."]),
        Scenario(
            name: "org-secops-mailbox", recipient: "secops@contoso.example", result: "Allowed due to organizational overrides",
            location: "Inbox", decidedBy: "advanced-delivery", kinds: ["add-entry"],
            policyTexts: ["block sender news@proseware.example expires 2026-12-29 \(note)"],
            lines: ["--> \(directory)/org-secops-mailbox.sluice:10:20"],
            phrases: [
                "secops@contoso.example is a SecOps mailbox, which receives everything unfiltered.",
                "Inbox (malware, MALW); SCL -1, BCL none, SFV SKN",
                "not verified — after the change: Inbox (malware, MALW), advanced delivery",
            ],
            golden: true),
        Scenario(
            name: "user-safe-sender-phish", result: "Allowed due to user overrides", location: "Inbox", decidedBy: "user-override",
            kinds: ["add-entry"],
            policyTexts: ["block sender partner@fabrikam.example expires 2026-12-29 \(note)"],
            lines: ["--> \(directory)/user-safe-sender-phish.sluice:15:16"],
            phrases: [
                "`partner@fabrikam.example` is on alice@contoso.example's safe senders, which overrode the phishing verdict.",
                "Inbox (phishing, PHSH); SCL -1, BCL none, SFV SFE",
            ]),

        // ---- Authentication failed / Spoofed message ---------------------------------------
        Scenario(
            name: "auth-dmarc-reject", result: "Authentication failed", location: "Rejected", decidedBy: "filter",
            kinds: ["add-entry", "fix-authentication"],
            policyTexts: ["allow spoof fabrikam.example via northwind.example \(note)"],
            lines: ["--> rules/presets/standard.sluice:16:3", "16 |   honor-dmarc on"],
            phrases: [
                "The message from `billing@fabrikam.example` failed DMARC and its domain asks receivers to reject such mail.",
                "rejected with 550 5.7.509 Access denied, sending domain fabrikam.example does not pass DMARC verification "
                    + "and has a DMARC policy of reject",
                "2. better: have `fabrikam.example` authorize this infrastructure",
            ],
            golden: true),
        Scenario(
            name: "auth-dmarc-quarantine", result: "Authentication failed", location: "Quarantine", decidedBy: "filter",
            kinds: ["add-entry", "fix-authentication"],
            policyTexts: ["allow spoof adatum.example via 192.0.2.0/24 \(note)"],
            lines: ["--> rules/presets/standard.sluice:16:3"],
            phrases: [
                "its domain asks receivers to quarantine such mail.",
                "quarantine policy `DefaultFullAccessPolicy`: alice@contoso.example may view-headers, preview, release, delete, "
                    + "allow-sender; kept 30 days, until 2026-12-29; the recipient is not notified",
            ]),
        Scenario(
            name: "spoof-intra-org", result: "Spoofed message", location: "Junk", decidedBy: "filter",
            kinds: ["add-entry", "fix-authentication"],
            policyTexts: ["allow spoof contoso.example via outsourcer.example \(note)"],
            lines: ["--> rules/presets/standard.sluice:15:3", "15 |   spoof-intelligence on"],
            phrases: ["`ceo@contoso.example` failed authentication for a domain it is not allowed to send as", "compauth=fail reason=601"],
            golden: true),
        Scenario(
            name: "spoof-honor-dmarc-off", result: "Spoofed message", location: "Junk", decidedBy: "filter",
            kinds: ["add-entry", "fix-authentication"],
            policyTexts: ["allow spoof fabrikam.example via dkim:esp-mailer.example \(note)"],
            lines: ["--> \(directory)/spoof-honor-dmarc-off.sluice:10:3", "10 |   honor-dmarc off"],
            phrases: ["honor DMARC is off, so the spoof action applies"]),

        // ---- Filter and upstream verdicts ---------------------------------------------------
        Scenario(
            name: "phish-upstream", result: "Phishing", location: "Quarantine", decidedBy: "upstream", kinds: ["add-entry"],
            policyTexts: ["allow sender security@woodgrove-bank.example expires 45 days after last use \(note)"],
            lines: ["from the header X-Forefront-Antispam-Report from mx.contoso.example"],
            phrases: [
                "The message was classified as phishing (X-Forefront-Antispam-Report from mx.contoso.example): "
                    + "`X-Forefront-Antispam-Report` CAT:PHSH from `mx.contoso.example`.",
                "alice@contoso.example may view-headers, preview, release, delete, allow-sender; kept 30 days",
            ]),
        Scenario(
            name: "phish-high-confidence", result: "Phishing", location: "Quarantine", decidedBy: "upstream", kinds: ["add-entry"],
            policyTexts: ["allow sender alerts@woodgrove-bank.example from-submission expires 45 days after last use \(note)"],
            phrases: [
                "The message was classified as high confidence phishing",
                "1. only an allow created from a reviewed submission overrides high confidence phish",
            ]),
        Scenario(
            // The file-type filter cannot be rescued, so no allow is offered (§2.3).
            name: "malware-exe", result: "Malware", location: "Quarantine", decidedBy: "filter", kinds: ["submit"],
            policyTexts: [],
            lines: ["--> rules/presets/standard.sluice:23:3"],
            phrases: [
                "The filters found malware: common attachments filter: `x.exe` is a `.exe` file.",
                "1. no allow can deliver it: the common attachments filter blocks the file type whatever the lists say (§2.3)",
            ],
            golden: true),
        Scenario(
            name: "malware-upstream", result: "Malware", location: "Quarantine", decidedBy: "upstream", kinds: ["add-entry"],
            policyTexts: ["allow file sha256:67cb805e1d334d82c8b1b2f21cd68c6d31410bc7760f5eda7efb749bcc62c7e4 from-submission"],
            phrases: [
                "quarantine policy `DefaultFullAccessWithNotificationPolicy`: alice@contoso.example may view-headers, preview, "
                    + "request-release, delete, allow-sender (release is only by request for this verdict)",
            ]),
        Scenario(
            name: "spam-upstream", result: "Spam", location: "Junk", decidedBy: "upstream", kinds: ["add-entry"],
            policyTexts: ["allow sender newsletter@tailspin.example expires 45 days after last use \(note)"],
            phrases: ["The message was classified as spam (X-Forefront-Antispam-Report from mx.contoso.example)"]),
        Scenario(
            name: "bulk", result: "Bulk", location: "Junk", decidedBy: "upstream", kinds: ["add-entry"],
            policyTexts: ["allow sender deals@tailspin.example expires 45 days after last use \(note)"],
            lines: ["from the header X-Microsoft-Antispam from mx.contoso.example"],
            phrases: ["The sender is a bulk mailer: BCL 8 ≥ bulk threshold 6.", "Junk (bulk, BULK); SCL 6, BCL 8, SFV SPM"]),
        Scenario(
            name: "no-threat", result: "No threats found", location: "Inbox", decidedBy: "filter", kinds: ["add-entry", "add-entry"],
            policyTexts: [
                "block sender billing@fabrikam.example expires 2026-12-29 \(note)",
                "block url ~docs.fabrikam.example~ expires 2026-12-29 \(note)",
            ],
            phrases: ["No filter, entry or rule found a threat in the message from `billing@fabrikam.example`."]),
        // A long link: the explanation still keeps to 100 columns.
        Scenario(
            name: "long-url", result: "No threats found", location: "Inbox", decidedBy: "filter", kinds: ["add-entry", "add-entry"],
            policyTexts: [
                "block sender billing@fabrikam.example expires 2026-12-29 \(note)",
                "block url ~docs.fabrikam.example~ expires 2026-12-29 \(note)",
            ]),
        Scenario(
            name: "phishing-simulation", result: "Phishing simulation", location: "Inbox", decidedBy: "advanced-delivery",
            kinds: ["add-entry", "add-entry"],
            policyTexts: [
                "block sender it-support@sim-training.example expires 2026-12-29 \(note)",
                "block url ~login.sim-training.example~ expires 2026-12-29 \(note)",
            ],
            lines: ["--> \(directory)/phishing-simulation.sluice:10:31"],
            phrases: ["The message is part of a phishing simulation the advanced delivery policy lets through untouched."],
            golden: true),
    ]

    static var goldens: [Scenario] { scenarios.filter(\.golden) }

    // MARK: - Running

    static func explain(_ scenario: Scenario, _ extra: [String] = [], policy: String? = nil,
                        environment: [String: String] = [:]) throws -> SluiceBinary.Result {
        try SluiceBinary.run(
            ["explain", "--policy", policy ?? scenario.policy, scenario.message, "--now", now, "--recipient", scenario.recipient] + extra,
            environment: environment)
    }

    static func json(_ scenario: Scenario) throws -> [String: JSONValue] {
        let result = try explain(scenario, ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        return try #require(value.object, "the document is not a JSON object")
    }

    static func recommendations(_ document: [String: JSONValue]) -> [[String: JSONValue]] {
        document["recommendations"]?.array?.compactMap(\.object) ?? []
    }

    /// Runs of white space, line breaks included, as one space: wrapped sentences read whole.
    static func unwrapped(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    // MARK: - Text output

    @Test("the text output: the Result line, the deciding source, the key sentences and each step's policy text",
          arguments: scenarios)
    func text(_ scenario: Scenario) throws {
        let result = try Self.explain(scenario)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let lines = result.stdout.components(separatedBy: "\n")
        #expect(lines.first == "Result: \(scenario.result)")
        let trimmed = Set(lines.map { String($0.drop(while: { $0 == " " })) })
        for line in scenario.lines {
            #expect(trimmed.contains(line), "missing line `\(line)`")
        }
        for text in scenario.policyTexts {
            #expect(lines.contains("     " + text), "missing the policy text line `\(text)`")
        }
        let flat = Self.unwrapped(result.stdout)
        for phrase in scenario.phrases {
            #expect(flat.contains(phrase), "missing `\(phrase)`")
        }
        for heading in ["Message", "Decision", "Deciding source", "Authentication", "Stages", "Recommended steps",
                        "What would have changed the outcome"] {
            #expect(lines.contains(heading), "missing the section `\(heading)`")
        }
    }

    @Test("every line fits in 100 columns, except the lines that hold policy text to copy", arguments: scenarios)
    func width(_ scenario: Scenario) throws {
        let policyTexts = Set(Self.recommendations(try Self.json(scenario)).compactMap { $0["policyText"]?.string })
        for trace in [false, true] {
            let result = try Self.explain(scenario, trace ? ["--trace"] : [])
            #expect(result.status == 0, "\(result.stderr)")
            for line in result.stdout.components(separatedBy: "\n") where line.count > 100 {
                let copyable = policyTexts.contains(String(line.drop(while: { $0 == " " })))
                #expect(copyable, "\(line.count) columns\(trace ? " (--trace)" : ""): \(line)")
            }
        }
    }

    @Test("without a terminal there are no escape codes, whether or not NO_COLOR is set", arguments: scenarios)
    func noEscapes(_ scenario: Scenario) throws {
        // An empty NO_COLOR does not count as set (no-color.org): only the missing tty keeps colour off.
        let plain = try Self.explain(scenario, environment: ["NO_COLOR": "", "TERM": "xterm-256color"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(!plain.stdout.contains("\u{1B}"))
        let noColor = try Self.explain(scenario, ["--trace"], environment: ["NO_COLOR": "1", "TERM": "xterm-256color"])
        #expect(!noColor.stdout.contains("\u{1B}"))
        #expect(noColor.stdout.hasPrefix(plain.stdout))
    }

    #if os(Linux)
    /// On a terminal (util-linux `script` gives one) the output is coloured; without the escape
    /// codes it is the plain output, so colour never moves a line break.
    @Test("on a terminal the text is coloured, and otherwise the same as without one",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")),
          arguments: scenarios.filter { ["org-sender-block", "auth-dmarc-reject", "no-threat"].contains($0.name) })
    func terminal(_ scenario: Scenario) throws {
        let plain = try Self.explain(scenario)
        let command = ([SluiceBinary.executable.path, "explain", "--policy", scenario.policy, scenario.message, "--now", Self.now,
                        "--recipient", scenario.recipient]).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = SluiceBinary.packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        environment["TERM"] = "xterm-256color"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let coloured = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(coloured.contains("\u{1B}["), "no colour on a terminal")
        let stripped = coloured.replacing(/\x{1B}\[[0-9;]*m/, with: "")
        #expect(stripped == plain.stdout)
    }
    #endif

    @Test("the whole text output matches the golden file", arguments: goldens)
    func golden(_ scenario: Scenario) throws {
        let result = try Self.explain(scenario)
        #expect(result.status == 0, "\(result.stderr)")
        let path = SluiceBinary.fixture("\(Self.directory)/\(scenario.name).expected.txt")
        if ProcessInfo.processInfo.environment["SLUICE_UPDATE_GOLDENS"] == "1" {
            try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: path))
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(result.stdout == expected)
        if result.stdout != expected {
            let got = result.stdout.components(separatedBy: "\n"), want = expected.components(separatedBy: "\n")
            if let index = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("first difference at line \(index + 1):\n  got:  \(got[index])\n  want: \(want[index])")
            }
        }
    }

    // MARK: - JSON output

    @Test("the JSON document follows the sluice.explain/1 schema of docs/explain-json.md", arguments: scenarios)
    func jsonSchema(_ scenario: Scenario) throws {
        let document = try Self.json(scenario)
        let problems = ExplainSchema.validate(.object(document))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(document["schema"]?.string == "sluice.explain/1")
        #expect(document["result"]?.string == scenario.result)
        #expect(document["recipient"]?.string == scenario.recipient)
        let decision = try #require(document["decision"]?.object)
        #expect(decision["location"]?.string == scenario.location)
        #expect(decision["decidedBy"]?.object?["kind"]?.string == scenario.decidedBy)
        let steps = Self.recommendations(document)
        #expect(steps.map { $0["kind"]?.string ?? "?" } == scenario.kinds)
        #expect(steps.compactMap { $0["policyText"]?.string } == scenario.policyTexts)
        for step in steps where step["kind"]?.string == "add-entry" {
            #expect(step["file"]?.string == scenario.policy, "an entry goes in the root policy file as given")
        }
        #expect(document["message"]?.object?["file"]?.string == scenario.message)
        // The deciding lines are the deciding span's lines.
        if let span = decision["decidedBy"]?.object?["span"]?.object {
            let first = document["decidingLines"]?.array?.first?.object
            #expect(first?["file"]?.string == span["file"]?.string)
            #expect(first?["line"]?.int == span["line"]?.int)
        } else {
            #expect(document["decidingLines"]?.array?.isEmpty == true)
        }
    }

    @Test("the validator catches what it should: missing keys, wrong types, unknown kinds, an unknown schema")
    func validatorSelfTest() throws {
        var document = try Self.json(Self.scenarios[0])
        #expect(ExplainSchema.validate(.object(document)).isEmpty)
        // Bool and number stay apart.
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data("[true, 1, 1.5]".utf8)) == .array([.bool(true), .int(1), .double(1.5)]))

        var broken = document
        broken["schema"] = .string("sluice.explain/2")
        #expect(ExplainSchema.validate(.object(broken)).contains { $0.contains("$.schema") })
        broken = document
        broken["why"] = nil
        #expect(ExplainSchema.validate(.object(broken)).contains { $0.contains("$.why") && $0.contains("missing") })
        broken = document
        broken["surprise"] = .int(1)
        #expect(ExplainSchema.validate(.object(broken)).contains { $0.contains("$.surprise") })
        var decision = try #require(document["decision"]?.object)
        decision["location"] = .string("Outbox")
        decision["scl"] = .string("9")
        document["decision"] = .object(decision)
        let problems = ExplainSchema.validate(.object(document))
        #expect(problems.contains { $0.contains("$.decision.location") })
        #expect(problems.contains { $0.contains("$.decision.scl") })
    }

    // MARK: - Recommended steps, proved

    /// A copy of the scenario's policy in a temporary directory, its includes made absolute so
    /// they still resolve; the line numbers stay those of the original.
    static func copy(_ scenario: Scenario) throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-explain-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let original = try String(contentsOfFile: SluiceBinary.fixture(scenario.policy), encoding: .utf8)
        let text = original.replacingOccurrences(of: "include \"../../../../", with: "include \"\(SluiceBinary.packageRoot.path)/")
        let path = directory.appendingPathComponent("\(scenario.name).sluice").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (directory, path)
    }

    static func evalLocation(_ scenario: Scenario, policy: String) throws -> String? {
        let result = try SluiceBinary.run(["eval", "--policy", policy, scenario.message, "--format", "jsonl", "--now", now,
                                           "--recipient", scenario.recipient])
        #expect(result.status == 0, "\(result.stderr)")
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        return value.object?["decision"]?.object?["location"]?.string
    }

    /// `Inbox (spam, SPM), …`, `Rejected 550 5.7.509 (…)`: the location is the first word.
    static func location(of outcome: String) -> String {
        String(outcome.prefix(while: { $0 != " " && $0 != "(" }))
    }

    @Test("each verified add-entry step, appended to a copy of the policy, gives the promised location (sluice eval)",
          arguments: scenarios)
    func addEntryStepsHold(_ scenario: Scenario) throws {
        let document = try Self.json(scenario)
        let before = try #require(document["decision"]?.object?["location"]?.string)
        let steps = Self.recommendations(document).filter { $0["kind"]?.string == "add-entry" && $0["verified"]?.bool == true }
        for step in steps {
            let text = try #require(step["policyText"]?.string)
            let outcome = try #require(step["outcomeAfter"]?.string)
            let (directory, path) = try Self.copy(scenario)
            defer { try? FileManager.default.removeItem(at: directory) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            handle.write(Data("\n\(text)\n".utf8))
            try handle.close()
            let after = try #require(try Self.evalLocation(scenario, policy: path))
            if before == "Inbox" {
                #expect(after != "Inbox", "`\(text)` was to block the message")
            } else {
                #expect(after == "Inbox", "`\(text)` was to deliver the message")
            }
            #expect(after == Self.location(of: outcome), "`\(text)`: eval says \(after), the step said `\(outcome)`")
        }
    }

    @Test("each verified remove-entry and edit-rule step, done by hand on a copy, delivers the message", arguments: scenarios)
    func editStepsHold(_ scenario: Scenario) throws {
        let steps = Self.recommendations(try Self.json(scenario)).filter {
            ["remove-entry", "edit-rule"].contains($0["kind"]?.string) && $0["verified"]?.bool == true
        }
        for step in steps {
            let target = try #require(step["target"]?.object)
            #expect(target["file"]?.string == scenario.policy)
            let line = try #require(target["line"]?.int)
            let (directory, path) = try Self.copy(scenario)
            defer { try? FileManager.default.removeItem(at: directory) }
            var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
            if step["kind"]?.string == "remove-entry" {
                lines.remove(at: line - 1)  // each fixture's entry stands alone on its line
            } else {
                let close = try #require(lines[(line - 1)...].firstIndex(of: "}"))
                lines.insert("  mode audit", at: close)
            }
            try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
            #expect(try Self.evalLocation(scenario, policy: path) == "Inbox", "\(step["summary"]?.string ?? "")")
            #expect(Self.location(of: step["outcomeAfter"]?.string ?? "") == "Inbox")
        }
    }

    @Test("the outcome a step promises is the outcome --apply then reports, entry location included", arguments: scenarios)
    func promiseMatchesApply(_ scenario: Scenario) throws {
        let document = try Self.json(scenario)
        guard let step = Self.recommendations(document).first(where: { $0["kind"]?.string == "add-entry" && $0["verified"]?.bool == true }),
            let promised = step["outcomeAfter"]?.string
        else { return }
        let (directory, path) = try Self.copy(scenario)
        defer { try? FileManager.default.removeItem(at: directory) }
        let applied = try Self.explain(scenario, ["--apply"], policy: path)
        #expect(applied.status == 0, "\(applied.stderr)")
        let after = try #require(applied.stdout.components(separatedBy: "\n").first { $0.hasPrefix("after:  ") })
        let reported = String(after.dropFirst("after:  ".count))
            .replacingOccurrences(of: path, with: scenario.policy)
            .replacingOccurrences(of: SluiceBinary.packageRoot.path + "/", with: "")
        #expect(reported == promised)
    }

    @Test("--dry-run prints the unified diff of the first verified entry and leaves the file as it was")
    func dryRun() throws {
        let scenario = try #require(Self.scenarios.first { $0.name == "spam-upstream" })
        let (directory, path) = try Self.copy(scenario)
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let result = try Self.explain(scenario, ["--dry-run"], policy: path)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.components(separatedBy: "\n")
        #expect(lines.first == "--- \(path)")
        #expect(lines.dropFirst().first == "+++ \(path)")
        #expect(lines.contains("+allow sender newsletter@tailspin.example expires 45 days after last use \(Self.note)"))
        #expect(lines.contains("+# Added by sluice explain on 2026-11-29."))
        #expect(!lines.contains { $0.hasPrefix("-") && !$0.hasPrefix("---") }, "the change only adds lines")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)

        // The diff, applied, is exactly what --apply writes.
        let patched = try UnifiedDiffApplier.apply(result.stdout, to: original)
        let applied = try Self.explain(scenario, ["--apply"], policy: path)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == patched)
    }

    @Test("--apply writes the entry through the formatter, prints before and after, and the file still checks")
    func apply() throws {
        let scenario = try #require(Self.scenarios.first { $0.name == "spam-upstream" })
        let (directory, path) = try Self.copy(scenario)
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let entry = "allow sender newsletter@tailspin.example expires 45 days after last use \(Self.note)"
        let result = try Self.explain(scenario, ["--apply"], policy: path)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.components(separatedBy: "\n")
        #expect(lines.first == "added to \(path):")
        #expect(lines.contains("  " + entry))
        let before = try #require(lines.first { $0.hasPrefix("before: ") })
        let after = try #require(lines.first { $0.hasPrefix("after:  ") })
        #expect(before.hasPrefix("before: Junk (spam, SPM), upstream: `X-Forefront-Antispam-Report` CAT:SPM"))
        let written = try String(contentsOfFile: path, encoding: .utf8)
        let number = written.components(separatedBy: "\n").firstIndex(of: entry).map { $0 + 1 }
        #expect(number != nil, "the entry is on a line of its own")
        #expect(after == "after:  Inbox (spam, SPM), organization override: tenant allow entry `sender newsletter@tailspin.example` "
            + "at \(path):\(number ?? 0):1")
        #expect(written.hasPrefix(original))
        #expect(written.contains("# Added by sluice explain on 2026-11-29.\n\(entry)\n"))

        let check = try SluiceBinary.run(["check", path])
        #expect(check.status == 0, "\(check.stderr)")
        let format = try SluiceBinary.run(["fmt", "--check", path])
        #expect(format.status == 0, "\(format.stderr)")
        #expect(try Self.evalLocation(scenario, policy: path) == "Inbox")
        let again = try Self.explain(scenario, policy: path)
        #expect(again.stdout.hasPrefix("Result: Allowed due to organizational overrides\n"))
    }

    @Test("--apply with no entry to add changes nothing, says what to do by hand, and exits 1")
    func applyNothing() throws {
        let scenario = try #require(Self.scenarios.first { $0.name == "org-ip-block" })
        let (directory, path) = try Self.copy(scenario)
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let result = try Self.explain(scenario, ["--apply"], policy: path)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("by hand: remove `203.0.113.0/24` from the IP Block List at \(path):10:12"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
    }

    @Test("safe-lists-only: the step turns the setting off, and does not send the admin to a blocked-senders entry that is not there")
    func safeListsOnlyStep() throws {
        let scenario = try #require(Self.scenarios.first { $0.name == "user-safe-lists-only" })
        let step = try #require(Self.recommendations(try Self.json(scenario)).first)
        let summary = try #require(step["summary"]?.string)
        #expect(step["verified"]?.bool == true)
        #expect(summary.contains("safe-lists-only"))
        #expect(!summary.contains("off bob@contoso.example's blocked senders"),
                "`counsel@litware.example` is on no blocked-senders list: \(summary)")
    }
}

// MARK: - JSON values and the sluice.explain/1 schema

/// A JSON value as decoded, booleans and numbers kept apart.
enum JSONValue: Decodable, Equatable, Sendable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var object: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    var array: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    var int: Int? { if case .int(let value) = self { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// The schema of `sluice explain --format json`, as docs/explain-json.md writes it: required and
/// optional keys (optional ones are left out when they have no value, never `null`), their
/// types, the closed sets of values, and no keys beyond these.
enum ExplainSchema {
    indirect enum Shape: Sendable {
        case string, integer, boolean
        case oneOf(Set<String>)
        case pattern(String, @Sendable (String) -> Bool)
        case array(Shape)
        case map(Shape)
        case object(Object)
    }

    struct Object: Sendable {
        var required: [String: Shape]
        var optional: [String: Shape] = [:]
        /// Checks that involve several keys.
        var rules: [(String, @Sendable ([String: JSONValue]) -> Bool)] = []
    }

    static let results: Set<String> = [
        "Blocked due to organizational overrides", "Blocked due to user overrides", "Allowed due to organizational overrides",
        "Allowed due to user overrides", "Authentication failed", "Spoofed message", "Phishing", "Malware", "Spam", "Bulk",
        "No threats found", "Phishing simulation",
    ]
    static let recommendationKinds: Set<String> = ["add-entry", "remove-entry", "edit-rule", "edit-user-list", "submit", "fix-authentication"]
    static let locations: Set<String> = ["Inbox", "Junk", "Quarantine", "Rejected", "Dropped", "Redirected"]
    static let verdicts: Set<String> = [
        "malware", "high-confidence-phish", "phish", "spoof-dmarc-reject", "spoof-dmarc-quarantine", "spoof", "high-confidence-spam",
        "spam", "bulk",
    ]
    static let categories: Set<String> = ["MALW", "HPHSH", "PHSH", "SPOOF", "HSPM", "SPM", "BULK", "NONE"]
    static let decidingKinds: Set<String> = ["filter", "organization-override", "user-override", "advanced-delivery", "upstream"]
    static let actions: Set<String> = ["deliver", "junk", "quarantine", "reject", "drop", "delete", "redirect"]
    static let outcomes: Set<String> = ["matched", "clear", "declined", "note"]
    static let permissions: Set<String> = ["view-headers", "preview", "release", "request-release", "delete", "block-sender", "allow-sender"]

    static let date = Shape.pattern("a date YYYY-MM-DD") { $0.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil }
    static let hash = Shape.pattern("64 lowercase hex digits") { $0.wholeMatch(of: /[0-9a-f]{64}/) != nil }

    static let span = Shape.object(Object(required: ["file": .string, "start": .integer, "end": .integer, "line": .integer, "column": .integer]))

    static let action = Shape.object(Object(
        required: ["name": .oneOf(actions)],
        optional: ["code": .string, "enhancedCode": .string, "text": .string, "to": .array(.string)],
        rules: [
            ("a reject has code, enhancedCode and text; other actions have none", { object in
                (object["name"]?.string == "reject") == (object["code"] != nil && object["enhancedCode"] != nil && object["text"] != nil)
                    && (object["code"] == nil) == (object["enhancedCode"] == nil)
            }),
            ("a redirect has `to`; other actions have none", { ($0["name"]?.string == "redirect") == ($0["to"] != nil) }),
        ]))

    static let entryReference = Shape.object(Object(
        required: ["action": .oneOf(["allow", "block"]), "key": .string, "kind": .string, "span": span, "usageKey": .string]))

    static let decision = Shape.object(Object(
        required: [
            "recipient": .string, "action": action, "location": .oneOf(locations), "category": .oneOf(categories),
            "decidedBy": .object(Object(
                required: ["kind": .oneOf(decidingKinds), "description": .string], optional: ["span": span, "header": .string])),
            "scl": .integer, "sfv": .string,
            "authentication": .object(Object(
                required: [
                    "spf": .string, "dkim": .string, "dkimDomains": .array(.string), "dmarc": .string, "spfAligned": .boolean,
                    "dkimAligned": .boolean, "compauth": .string, "reason": .string, "untrustedIDs": .array(.string),
                ],
                optional: ["fromDomain": .string, "spfDomain": .string, "dmarcPolicy": .string, "trustedFrom": .string])),
            "appliedPolicies": .map(.string),
            "modifications": .array(.string),
            "refreshedEntries": .array(entryReference),
            "usedEntries": .array(entryReference),
            "trace": .array(.object(Object(
                required: ["name": .string,
                           "steps": .array(.object(Object(
                               required: ["check": .string, "outcome": .oneOf(outcomes), "detail": .string], optional: ["span": span])))]))),
            "policyHash": hash,
        ],
        optional: [
            "verdict": .oneOf(verdicts), "bcl": .integer,
            "quarantine": .object(Object(
                required: [
                    "policy": .string, "permissions": .array(.oneOf(permissions)), "retentionDays": .integer, "expires": date,
                    "notify": .boolean, "hardRuleApplied": .boolean,
                ],
                optional: ["policySpan": span, "notificationCadence": .string])),
        ],
        rules: [
            ("the category is the verdict's (NONE without one)", { object in
                guard let verdict = object["verdict"]?.string else { return object["category"]?.string == "NONE" }
                let category = switch verdict {
                case "malware": "MALW"
                case "high-confidence-phish": "HPHSH"
                case "phish": "PHSH"
                case "high-confidence-spam": "HSPM"
                case "spam": "SPM"
                case "bulk": "BULK"
                default: "SPOOF"
                }
                return object["category"]?.string == category
            }),
            ("a quarantine outcome exactly when the location is Quarantine",
             { ($0["location"]?.string == "Quarantine") == ($0["quarantine"] != nil) }),
            ("SCL is -1…9", { (-1...9).contains($0["scl"]?.int ?? 99) }),
        ]))

    static let recommendation = Shape.object(Object(
        required: ["kind": .oneOf(recommendationKinds), "summary": .string, "verified": .boolean],
        optional: [
            "policyText": .string, "file": .string, "target": span, "canOverride": .string, "cannotOverride": .string,
            "outcomeAfter": .string,
        ],
        rules: [
            ("add-entry has policyText, file and outcomeAfter; other kinds no policyText or file", { object in
                let adds = object["kind"]?.string == "add-entry"
                return adds == (object["policyText"] != nil) && adds == (object["file"] != nil) && (!adds || object["outcomeAfter"] != nil)
            }),
            ("remove-entry and edit-rule have a target and outcomeAfter", { object in
                !["remove-entry", "edit-rule"].contains(object["kind"]?.string) || (object["target"] != nil && object["outcomeAfter"] != nil)
            }),
            ("edit-user-list has outcomeAfter", { $0["kind"]?.string != "edit-user-list" || $0["outcomeAfter"] != nil }),
            ("submit and fix-authentication are not re-evaluated: no outcomeAfter", { object in
                !["submit", "fix-authentication"].contains(object["kind"]?.string) || object["outcomeAfter"] == nil
            }),
        ]))

    static let explanation = Shape.object(Object(
        required: [
            "schema": .oneOf(["sluice.explain/1"]),
            "message": .object(Object(
                required: ["file": .string], optional: ["from": .string, "subject": .string, "date": .string, "messageID": .string])),
            "recipient": .string,
            "result": .oneOf(results),
            "why": .string,
            "decision": decision,
            "decidingLines": .array(.object(Object(required: ["file": .string, "line": .integer, "text": .string]))),
            "authenticationLine": .string,
            "stages": .array(.object(Object(required: ["stage": .string, "findings": .array(.string)]))),
            "recommendations": .array(recommendation),
            "whatWouldChange": .array(.object(Object(required: ["change": .string, "outcomeAfter": .string]))),
        ],
        rules: [
            ("the recipient is the decision's", { $0["recipient"] == $0["decision"]?.object?["recipient"] }),
            ("at most three deciding lines", { ($0["decidingLines"]?.array?.count ?? 0) <= 3 }),
        ]))

    /// Every way `value` departs from the schema, each as `$.path: problem`.
    static func validate(_ value: JSONValue) -> [String] {
        var problems: [String] = []
        check(value, against: explanation, at: "$", into: &problems)
        return problems
    }

    private static func check(_ value: JSONValue, against shape: Shape, at path: String, into problems: inout [String]) {
        func wrongType(_ expected: String) { problems.append("\(path): expected \(expected), found \(value.typeName)") }
        switch shape {
        case .string: if value.string == nil { wrongType("a string") }
        case .integer: if value.int == nil { wrongType("an integer") }
        case .boolean: if value.bool == nil { wrongType("a boolean") }
        case .oneOf(let allowed):
            guard let text = value.string else { return wrongType("a string") }
            if !allowed.contains(text) { problems.append("\(path): `\(text)` is not one of \(allowed.sorted())") }
        case .pattern(let name, let matches):
            guard let text = value.string else { return wrongType("a string") }
            if !matches(text) { problems.append("\(path): `\(text)` is not \(name)") }
        case .array(let element):
            guard let items = value.array else { return wrongType("an array") }
            for (index, item) in items.enumerated() { check(item, against: element, at: "\(path)[\(index)]", into: &problems) }
        case .map(let element):
            guard let object = value.object else { return wrongType("an object") }
            for (key, item) in object { check(item, against: element, at: "\(path).\(key)", into: &problems) }
        case .object(let schema):
            guard let object = value.object else { return wrongType("an object") }
            for (key, shape) in schema.required {
                if let item = object[key] {
                    check(item, against: shape, at: "\(path).\(key)", into: &problems)
                } else {
                    problems.append("\(path).\(key): missing")
                }
            }
            for (key, item) in object where schema.required[key] == nil {
                if let shape = schema.optional[key] {
                    check(item, against: shape, at: "\(path).\(key)", into: &problems)
                } else {
                    problems.append("\(path).\(key): not in the schema")
                }
            }
            for (name, holds) in schema.rules where !holds(object) { problems.append("\(path): \(name)") }
        }
    }
}
