import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceTestSupport
import Testing

/// Every diagnostic the checker can give for policy text, each pinned to the byte it must point
/// at with marked source (`1️⃣` where the span starts, `2️⃣` where it ends), plus fix-its,
/// labels, notes, full renderings, and clean policies that must check without a word.
@Suite("Checker: diagnostics on marked source")
struct CheckerDiagnosticsTests {
    /// The path the marked sources are checked as (relative, so renderings stay short).
    static let path = "tenant.sluice"
    /// A virtual file next to this one, so `include "../../rules/…"` reaches the presets.
    static let testsPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("tenant.sluice").path
    static let presets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("rules/presets").path
    static let hash = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea"

    // MARK: - Helpers

    static func check(_ text: String, path: String = path) -> (policy: CheckedPolicy, diagnostics: [Diagnostic]) {
        PolicyChecker.check(text: text, path: path)
    }

    /// Checks `marked` and expects a diagnostic with `code` and `severity` whose span starts at
    /// `marker` (and ends at `2️⃣` when the source has one). No other diagnostics may appear: a
    /// mistake is reported once, without follow-on errors.
    @discardableResult
    static func expectDiagnostic(
        _ marked: String, code: String, severity: Severity = .error, at marker: String = "1️⃣",
        path: String = path, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Diagnostic? {
        let source = MarkedSource(marked)
        let (_, diagnostics) = check(source.text, path: path)
        let summary = diagnostics.map { "\($0.code) @\(Self.start(of: $0).map(String.init) ?? "-")" }
        guard let offset = source.markers[marker] else {
            Issue.record("the source has no \(marker)", sourceLocation: sourceLocation)
            return nil
        }
        let candidates = diagnostics.filter { $0.code.rawValue == code }
        guard let diagnostic = candidates.first(where: { start(of: $0) == offset }) ?? candidates.first else {
            Issue.record("no `\(code)` among \(summary)", sourceLocation: sourceLocation)
            return nil
        }
        #expect(diagnostic.severity == severity, "`\(code)` is \(diagnostic.severity)", sourceLocation: sourceLocation)
        guard case .source(let span)? = diagnostic.location else {
            Issue.record("`\(code)` has no source span", sourceLocation: sourceLocation)
            return diagnostic
        }
        #expect(span.start == offset, "`\(code)` starts at byte \(span.start), expected \(offset)", sourceLocation: sourceLocation)
        if let end = source.markers["2️⃣"] {
            #expect(span.end == end, "`\(code)` ends at byte \(span.end), expected \(end)", sourceLocation: sourceLocation)
        }
        let unexpected = diagnostics.filter { $0.code.rawValue != code }
        #expect(unexpected.isEmpty, "unexpected \(unexpected.map { "\($0.code): \($0.message)" })", sourceLocation: sourceLocation)
        return diagnostic
    }

    @discardableResult
    static func expectDiagnostic(_ testCase: MarkedCase, sourceLocation: SourceLocation = #_sourceLocation) -> Diagnostic? {
        expectDiagnostic(testCase.source, code: testCase.code, severity: testCase.severity, sourceLocation: sourceLocation)
    }

    static func start(of diagnostic: Diagnostic) -> Int? {
        if case .source(let span)? = diagnostic.location { return span.start }
        return nil
    }

    /// The text with the fix-its applied (back to front, so offsets stay valid).
    static func applying(_ fixes: [FixIt], to text: String) -> String {
        var bytes = Array(text.utf8)
        for fix in fixes.sorted(by: { $0.span.start > $1.span.start }) {
            bytes.replaceSubrange(fix.span.start..<fix.span.end, with: Array(fix.replacement.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func render(_ diagnostic: Diagnostic, _ text: String) -> String {
        TextRenderer().render(diagnostic, sources: [path: SourceFile(path: path, text: text)])
    }

    /// A fresh directory for files the checker reads from disk.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-checker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    // MARK: - Marked cases, one per way to get a policy wrong

    @Test("URL entries (reference §1.6)", arguments: MarkedCase.urlEntries)
    func urlEntries(_ testCase: MarkedCase) { Self.expectDiagnostic(testCase) }

    @Test("domains, addresses, hashes and IP addresses", arguments: MarkedCase.values)
    func values(_ testCase: MarkedCase) { Self.expectDiagnostic(testCase) }

    @Test("spoof pairs, dates and expiry", arguments: MarkedCase.entries)
    func entries(_ testCase: MarkedCase) { Self.expectDiagnostic(testCase) }

    @Test("statements, arguments and blocks", arguments: MarkedCase.structure)
    func structure(_ testCase: MarkedCase) { Self.expectDiagnostic(testCase) }

    @Test("names, definitions and policies", arguments: MarkedCase.policies)
    func policies(_ testCase: MarkedCase) { Self.expectDiagnostic(testCase) }

    @Test("rules: subjects, predicates, values and actions", arguments: MarkedCase.rules)
    func rules(_ testCase: MarkedCase) { Self.expectDiagnostic(testCase) }

    @Test("regexes: the error points at the byte PCRE2 blames", arguments: MarkedCase.regexes)
    func regexes(_ testCase: MarkedCase) { Self.expectDiagnostic(testCase) }

    @Test("a list whose trailing comma swallows the next line's statement", arguments: MarkedCase.swallowed)
    func swallowed(_ testCase: MarkedCase) {
        let source = MarkedSource(testCase.source)
        guard let diagnostic = Self.expectDiagnostic(testCase) else { return }
        // The label and the fix-it both stand on the comma; removing it gives a clean policy.
        let comma = source.text.utf8.firstIndex(of: UInt8(ascii: ","))
            .map { source.text.utf8.distance(from: source.text.utf8.startIndex, to: $0) }
        #expect(diagnostic.labels.map(\.span.start) == [comma].compactMap { $0 })
        #expect(diagnostic.fixes.count == 1)
        #expect(diagnostic.fixes.first?.replacement == "")
        #expect(diagnostic.fixes.first.map { $0.span.start..<$0.span.end } == comma.map { $0..<$0 + 1 })
        let fixed = Self.applying(diagnostic.fixes, to: source.text)
        #expect(Self.check(fixed).diagnostics.isEmpty, "after the fix: \(Self.check(fixed).diagnostics.map(\.code.rawValue))")
    }

    @Test("the message conventions hold for every case: lower case, no final period",
          arguments: MarkedCase.all)
    func messageConventions(_ testCase: MarkedCase) {
        for diagnostic in Self.check(MarkedSource(testCase.source).text).diagnostics {
            let message = diagnostic.message
            #expect(!message.isEmpty && !message.first!.isUppercase, "`\(diagnostic.code)`: \(message)")
            #expect(!message.hasSuffix("."), "`\(diagnostic.code)`: \(message)")
        }
    }

    /// Codes that need files on disk, each with a test of its own below.
    static let codesTestedWithFiles: Set = [
        "check.include-too-deep", "check.user-lists-format", "check.user-lists-too-large", "check.invalid-pattern",
    ]

    @Test("the cases cover every `check.` code in the checker's and loader's sources")
    func codesCovered() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        var emitted: Set<String> = []
        for module in ["SluiceChecking", "SluiceSyntax"] {
            let directory = sources.appendingPathComponent(module).path
            let files = (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
            for file in files {
                let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
                for piece in text.components(separatedBy: "\"check.").dropFirst() {
                    let name = piece.prefix { $0.isLetter || $0.isNumber || $0 == "-" }
                    if piece.dropFirst(name.count).first == "\"" { emitted.insert("check." + name) }
                }
            }
        }
        #expect(emitted.count >= 60, "found only \(emitted.sorted())")
        let covered = Set(MarkedCase.all.map(\.code)).union(Self.codesTestedWithFiles)
        #expect(emitted.subtracting(covered).isEmpty, "no case for \(emitted.subtracting(covered).sorted())")
        #expect(covered.subtracting(emitted).isEmpty, "cases for codes the checker never gives: \(covered.subtracting(emitted).sorted())")
        #expect(MarkedCase.all.count >= 45)
        #expect(Set(MarkedCase.all.map(\.name)).count == MarkedCase.all.count, "case names repeat")
    }
}

// MARK: - Fix-its, labels, notes and help

extension CheckerDiagnosticsTests {
    @Test("fix-its replace exactly the mistake, and the fixed policy checks clean", arguments: [
        ("unknown statement", "1️⃣alow sender a@b.example", "check.unknown-statement", "allow"),
        ("misspelt entry type", "allow 1️⃣senderr a@b.example", "check.unexpected-word", "sender"),
        ("unquoted rule name", "rule 1️⃣Lure {\n  when spf is fail\n  then junk\n}", "check.expected-string", "\"Lure\""),
        ("unquoted group name", "group 1️⃣Finance {\n  members a@b.example\n}", "check.expected-string", "\"Finance\""),
        ("unquoted note", "allow sender a@b.example note 1️⃣FP-4411", "check.expected-string", "\"FP-4411\""),
        ("misspelt subject", "rule \"r\" {\n  when 1️⃣subjct contains \"x\"\n  then junk\n}", "check.unknown-subject", "subject"),
        ("misspelt verdict", "rule \"r\" {\n  when spf is fail\n  then mark 1️⃣spm\n}", "check.unexpected-word", "spam"),
        ("quantifier on one value", "rule \"r\" {\n  when 1️⃣any subject contains \"x\"\n  then junk\n}", "check.quantifier-single-value", ""),
        ("address as a domain", "block1️⃣ domain a@b.example", "check.invalid-domain", " sender "),
        ("quarantine policy in the wrong case",
         "quarantine-policy \"Review\" {\n  permissions preview\n}\nanti-spam default {\n  spam action quarantine 1️⃣\"review\"\n}",
         "check.unknown-quarantine-policy", "\"Review\""),
    ] as [(String, String, String, String)])
    func fixIts(_ name: String, _ marked: String, _ code: String, _ replacement: String) throws {
        let source = MarkedSource(marked)
        let (_, diagnostics) = Self.check(source.text)
        let diagnostic = try #require(diagnostics.first { $0.code.rawValue == code }, "\(name): \(diagnostics.map(\.code.rawValue))")
        let fix = try #require(diagnostic.fixes.first, "\(name): no fix-it")
        #expect(diagnostic.fixes.count == 1)
        #expect(fix.span.start == source.markers["1️⃣"], "\(name)")
        #expect(fix.replacement == replacement, "\(name)")
        #expect(!fix.message.isEmpty)
        let fixed = Self.applying(diagnostic.fixes, to: source.text)
        #expect(Self.check(fixed).diagnostics.isEmpty, "\(name) after the fix: \(Self.check(fixed).diagnostics.map(\.code.rawValue))")
    }

    @Test("a repeated setting warns at the repeat, with a label at the first")
    func duplicateSettingLabel() throws {
        let source = MarkedSource("anti-spam default {\n  2️⃣bulk-threshold 5\n  1️⃣bulk-threshold 6\n}")
        let diagnostic = try #require(Self.expectDiagnostic(
            "anti-spam default {\n  bulk-threshold 5\n  1️⃣bulk-threshold 62️⃣\n}", code: "check.duplicate-setting", severity: .warning))
        #expect(diagnostic.labels.count == 1)
        #expect(diagnostic.labels.first?.span.start == source.markers["2️⃣"])
        #expect(diagnostic.labels.first?.message == "first set here")
        // The later value wins.
        #expect(Self.check(source.text).policy.antiSpam.first?.bulkThreshold.value == 6)
    }

    @Test("a setting given three times: every label says where it was first set, and points there")
    func tripleSettingLabels() {
        let source = MarkedSource("organization {\n  1️⃣mx-elsewhere on\n  mx-elsewhere off\n  mx-elsewhere on\n}")
        let warnings = Self.check(source.text).diagnostics.filter { $0.code.rawValue == "check.duplicate-setting" }
        #expect(warnings.count == 2)
        for warning in warnings {
            #expect(warning.labels.map(\.span.start) == [source.markers["1️⃣"]!], "label: \(warning.labels.map(\.message))")
        }
    }

    @Test("duplicate definitions point at the name, with a label at the first definition", arguments: [
        "quarantine-policy 2️⃣\"Review\" {\n  permissions preview\n}\nquarantine-policy 1️⃣\"Review\" {\n  permissions preview\n}",
        "group 2️⃣\"Finance\" {\n  members a@b.example\n}\ngroup 1️⃣\"Finance\" {\n  members c@d.example\n}",
    ])
    func duplicateDefinition(_ marked: String) throws {
        let source = MarkedSource(marked)
        let diagnostic = try #require(Self.expectDiagnostic(
            marked.replacingOccurrences(of: "2️⃣", with: ""), code: "check.duplicate-definition"))
        #expect(diagnostic.labels.map(\.span.start) == [source.markers["2️⃣"]!])
        #expect(diagnostic.labels.first?.message == "first defined here")
    }

    @Test("release and request-release together: a label at the second permission")
    func releaseLabel() throws {
        let diagnostic = try #require(Self.expectDiagnostic(
            "quarantine-policy \"Q\" {\n  permissions 1️⃣release2️⃣, request-release\n}", code: "check.release-and-request-release"))
        let source = MarkedSource("quarantine-policy \"Q\" {\n  permissions release, 1️⃣request-release\n}")
        #expect(diagnostic.labels.map(\.span.start) == [source.markers["1️⃣"]!])
    }

    @Test("an unknown quarantine policy used twice is reported once, at the first use, noting the other")
    func unknownQuarantinePolicyOnce() throws {
        let diagnostic = try #require(Self.expectDiagnostic("""
            anti-spam default {
              spam action quarantine 1️⃣"Nope"2️⃣
            }
            rule "r" {
              when spf is fail
              then quarantine "Nope"
            }
            """, code: "check.unknown-quarantine-policy"))
        #expect(diagnostic.notes == ["the name is used 1 more time"])
        #expect(diagnostic.help?.contains("quarantine-policy \"Nope\"") == true)
    }

    @Test("names are resolved after every file is read: a policy used before its definition is fine")
    func forwardReference() {
        let (policy, diagnostics) = Self.check("""
            anti-spam default {
              spam action quarantine "Later"
            }
            quarantine-policy "Later" {
              permissions preview
            }
            """)
        #expect(diagnostics.isEmpty)
        #expect(policy.antiSpam.first?.actions[.spam]?.value == .quarantine("Later"))
    }

    @Test("`matches` with a string suggests `like` with the same text")
    func matchesWithString() throws {
        let diagnostic = try #require(Self.expectDiagnostic(
            "rule \"r\" {\n  when subject matches 1️⃣\"inv*\"2️⃣\n  then junk\n}", code: "check.expected-regex"))
        #expect(diagnostic.help == "for a wildcard pattern write `like \"inv*\"`")
    }

    @Test("a regex error names PCRE2's reason")
    func regexReason() throws {
        let diagnostic = try #require(Self.expectDiagnostic(
            "rule \"r\" {\n  when subject matches /ab1️⃣)c/\n  then junk\n}", code: "check.regex-error"))
        #expect(diagnostic.message == "regular expression error: unmatched closing parenthesis")
        #expect(diagnostic.notes.first?.hasPrefix("patterns are compiled by PCRE2 ") == true)
    }

    @Test("an unknown statement with no close match lists the statements that may stand there")
    func unknownStatementNotes() throws {
        let diagnostic = try #require(Self.expectDiagnostic("organization {\n  1️⃣frobnicate2️⃣ x\n}", code: "check.unknown-statement"))
        #expect(diagnostic.fixes.isEmpty)
        #expect(diagnostic.notes == ["expected one of `accepted-domains`, `trust`, `mx-elsewhere`, `sender-block-verdict`"])
    }

    @Test("a misplaced statement says which block it belongs in")
    func misplacedHelp() throws {
        let diagnostic = try #require(Self.expectDiagnostic("1️⃣accepted-domains2️⃣ a.example", code: "check.misplaced-statement"))
        #expect(diagnostic.help == "`accepted-domains` belongs inside `organization { … }`")
    }

    @Test("a scoped default policy: the help names the policy type to define instead")
    func defaultScopedHelp() throws {
        let diagnostic = try #require(Self.expectDiagnostic(
            "anti-phishing default {\n  1️⃣applies-to domains contoso.example2️⃣\n}", code: "check.default-policy-scoped"))
        #expect(diagnostic.help == "define a named policy for these recipients: `anti-phishing \"Finance\" { … }`")
    }

    @Test("every URL entry a help suggests is itself a valid URL entry", arguments: MarkedCase.urlEntries)
    func urlSuggestionsAreValid(_ testCase: MarkedCase) {
        for diagnostic in Self.check(MarkedSource(testCase.source).text).diagnostics {
            guard let help = diagnostic.help else { continue }
            // Entries the help offers to write: "write `X`", "such as `X`", ", or `X`".
            var suggested: [String] = []
            for lead in ["write `", "such as `", ", or `"] {
                var rest = help[...]
                while let found = rest.range(of: lead), let close = rest[found.upperBound...].firstIndex(of: "`") {
                    suggested.append(String(rest[found.upperBound..<close]))
                    rest = rest[rest.index(after: close)...]
                }
            }
            for entry in suggested {
                guard case .failure(let problem) = URLPattern.parse(entry) else { continue }
                Issue.record("\(testCase.name): the help suggests `\(entry)`, which is refused: \(problem.message)")
            }
        }
    }
}

// MARK: - Full renderings

extension CheckerDiagnosticsTests {
    @Test("rendering: a fix-it, with file, line, column, the source line and the caret")
    func renderFixIt() throws {
        let text = "# tenant\nalow sender billing@fabrikam.example\n"
        let diagnostic = try #require(Self.check(text).diagnostics.first)
        #expect(Self.render(diagnostic, text) == """
            error[check.unknown-statement]: unknown statement `alow` at the top level
              --> tenant.sluice:2:1
               |
             2 | alow sender billing@fabrikam.example
               | ^^^^
               = help: did you mean `allow`?
               = fix: replace with `allow` (tenant.sluice:2:1)
            """)
    }

    @Test("rendering: a warning with a label at the first setting")
    func renderLabel() throws {
        let text = "anti-spam default {\n  bulk-threshold 5\n  bulk-threshold 6\n}\n"
        let diagnostic = try #require(Self.check(text).diagnostics.first)
        #expect(Self.render(diagnostic, text) == """
            warning[check.duplicate-setting]: `bulk-threshold` is set twice in this block; the later one wins
              --> tenant.sluice:3:3
               |
             3 |   bulk-threshold 6
               |   ^^^^^^^^^^^^^^^^
              --> tenant.sluice:2:3
               |
             2 |   bulk-threshold 5
               |   ---------------- first set here
            """)
    }

    @Test("rendering: a caret inside a URL entry, with help")
    func renderURL() throws {
        let text = "# phishing kit\nblock url contoso.com/ab* note \"kit\"\n"
        let diagnostic = try #require(Self.check(text).diagnostics.first)
        #expect(Self.render(diagnostic, text) == """
            error[check.invalid-url-entry]: a right wildcard must follow `/`
              --> tenant.sluice:2:25
               |
             2 | block url contoso.com/ab* note "kit"
               |                         ^
               = help: `ab` is not a path segment; write `contoso.com/ab/*` for the paths below it
            """)
    }

    @Test("rendering: a swallowed statement, with a label on the comma and a fix-it removing it")
    func renderSwallowed() throws {
        let text = "organization {\n  accepted-domains contoso.example,\n  trust authentication-results from mx.contoso.example\n}\n"
        let diagnostic = try #require(Self.check(text).diagnostics.first)
        #expect(Self.render(diagnostic, text) == """
            error[check.list-swallowed-statement]: this list ends with a comma, so it runs on into the `trust` statement on the next line
              --> tenant.sluice:3:3
               |
             3 |   trust authentication-results from mx.contoso.example
               |   ^^^^^
              --> tenant.sluice:2:35
               |
             2 |   accepted-domains contoso.example,
               |                                   - the list continues after this comma
               = help: remove the comma after the list's last value
               = fix: remove the trailing comma (tenant.sluice:2:35)
            """)
    }

    @Test("rendering: a missing argument points just after the last word")
    func renderMissing() throws {
        let text = "allow sender\n"
        let diagnostic = try #require(Self.check(text).diagnostics.first)
        #expect(Self.render(diagnostic, text) == """
            error[check.missing-argument]: `allow` needs the sender to allow here
              --> tenant.sluice:1:13
               |
             1 | allow sender
               |             ^
            """)
    }
}

// MARK: - Files on disk: includes and user lists

extension CheckerDiagnosticsTests {
    @Test("includes nested more than 16 deep are refused at the include that goes too far")
    func includeTooDeep() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for level in 1...20 {
            try "include \"level\(level + 1).sluice\"\n".write(to: directory.appendingPathComponent("level\(level).sluice"), atomically: true, encoding: .utf8)
        }
        let root = directory.appendingPathComponent("root.sluice").path
        let (_, diagnostics) = Self.check("include \"level1.sluice\"\n", path: root)
        let deep = diagnostics.filter { $0.code.rawValue == "check.include-too-deep" }
        #expect(deep.count == 1, "\(diagnostics.map(\.code.rawValue))")
        guard case .source(let span)? = deep.first?.location else { return }
        // level15 is read 16 includes deep; its include of level16 is the one refused.
        #expect(span.file.hasSuffix("/level15.sluice"))
        #expect(span.start == "include ".utf8.count)
        #expect(!diagnostics.contains { $0.code.rawValue == "check.include-not-found" })
    }

    @Test("a block after `include` is refused, not ignored")
    func includeBlock() {
        Self.expectDiagnostic("""
            include "../../rules/presets/default.sluice" 1️⃣{
              allow sender a@b.example
            }2️⃣
            """, code: "check.unexpected-block", path: Self.testsPath)
    }

    @Test("user lists from a file that cannot be read")
    func userListsUnreadable() throws {
        let diagnostic = try #require(Self.expectDiagnostic(
            "user-lists from 1️⃣\"no-such-lists.json\"2️⃣", code: "check.user-lists-unreadable"))
        #expect(diagnostic.notes == ["looked for `no-such-lists.json`"])
    }

    @Test("user lists from JSON and CSV files: read, and every bad row reported at the file name")
    func userListsFiles() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"alice@contoso.example": {"safe-senders": ["a@fabrikam.example", "partner.example"], "safe-lists-only": true}}"#
            .write(to: directory.appendingPathComponent("good.json"), atomically: true, encoding: .utf8)
        try "recipient,list,value\nbob@contoso.example,blocked-senders,@spam.example\nbob@contoso.example,safe-lists-only,yes\n"
            .write(to: directory.appendingPathComponent("good.csv"), atomically: true, encoding: .utf8)
        try "recipient,list,value\nbob,safe-senders,a@b.example\nbob@contoso.example,safe-list,a@b.example\nshort,row\nbob@contoso.example,safe-senders,x\n"
            .write(to: directory.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        try "[1, 2]".write(to: directory.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let root = directory.appendingPathComponent("tenant.sluice").path

        let (policy, clean) = Self.check("user-lists from \"good.json\"\nuser-lists from \"good.csv\"\n", path: root)
        #expect(clean.isEmpty, "\(clean.map(\.message))")
        let alice = try #require(policy.userLists[EmailAddress(localPart: "alice", domain: "contoso.example")])
        #expect(alice.safeSenders.map(\.value.description) == ["a@fabrikam.example", "partner.example"])
        #expect(alice.safeListsOnly.value)
        let bob = try #require(policy.userLists[EmailAddress(localPart: "bob", domain: "contoso.example")])
        #expect(bob.blockedSenders.map(\.value) == [.domain("spam.example")])
        #expect(bob.safeListsOnly.value)

        let csv = MarkedSource("user-lists from 1️⃣\"bad.csv\"")
        let (_, csvDiagnostics) = Self.check(csv.text, path: root)
        #expect(csvDiagnostics.map(\.code.rawValue).sorted() == [
            "check.invalid-sender", "check.user-lists-format", "check.user-lists-format", "check.user-lists-format",
        ])
        #expect(csvDiagnostics.allSatisfy { Self.start(of: $0) == csv.markers["1️⃣"] })
        let (_, jsonDiagnostics) = Self.check("user-lists from \"bad.json\"", path: root)
        #expect(jsonDiagnostics.map(\.code.rawValue) == ["check.user-lists-format"])
    }

    @Test("a user lists file over 16 MiB is refused without being read as lists")
    func userListsTooLarge() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(count: (16 << 20) + 1).write(to: directory.appendingPathComponent("huge.json"))
        let (_, diagnostics) = Self.check("user-lists from \"huge.json\"", path: directory.appendingPathComponent("tenant.sluice").path)
        #expect(diagnostics.map(\.code.rawValue) == ["check.user-lists-too-large"])
    }

    @Test("a wildcard pattern too large to compile")
    func hugeGlob() {
        let glob = String(repeating: "*a", count: 20_000)
        Self.expectDiagnostic("rule \"r\" {\n  when subject like 1️⃣\"\(glob)\"2️⃣\n  then junk\n}", code: "check.invalid-pattern")
    }
}

// MARK: - What the checker gets wrong today (each test states the behaviour it should have)

extension CheckerDiagnosticsTests {
    @Test("an invalid expiry on a block entry is reported once, without a phantom `expires 30 days`")
    func blockExpiryReportedOnce() {
        Self.expectDiagnostic("block sender a@b.example expires 1️⃣soon", code: "check.invalid-expiry")
    }

    @Test("an expiry count out of range is reported once, not again as an unknown `days` option")
    func expiryCountOnce() {
        Self.expectDiagnostic("block sender a@b.example expires 1️⃣0 days", code: "check.invalid-expiry")
    }

    @Test("an invalid priority is reported once, not again as a missing priority")
    func invalidPriorityOnce() {
        Self.expectDiagnostic("anti-spam \"F\" {\n  priority 1️⃣5000\n  applies-to domains f.example\n}", code: "check.invalid-number")
    }

    @Test("a span under a multi-byte character covers the whole character", arguments: [
        "block url b1️⃣ü2️⃣cher.example",
        "block domain b1️⃣ü2️⃣cher.example",
    ])
    func multiByteCaret(_ marked: String) {
        Self.expectDiagnostic(marked, code: marked.contains("url") ? "check.invalid-url-entry" : "check.invalid-domain")
    }

    @Test("SMTP codes are ASCII digits", arguments: [
        "rule \"r\" {\n  when spf is fail\n  then reject 1️⃣5٠٠\n}",
        "rule \"r\" {\n  when spf is fail\n  then reject 550 1️⃣5.7.١\n}",
    ])
    func asciiSMTPCodes(_ marked: String) {
        Self.expectDiagnostic(marked, code: "check.invalid-smtp-code")
    }

    @Test("a regex left open at the end of the file: every span stays inside the text")
    func regexOpenAtEndOfFile() {
        for text in ["rule \"r\" {\n  when subject matches /(", "rule \"r\" {\n  when subject matches /ab\\"] {
            let size = text.utf8.count
            for diagnostic in Self.check(text).diagnostics {
                guard case .source(let span)? = diagnostic.location else { continue }
                #expect(span.start <= span.end && span.end <= size, "`\(diagnostic.code)` spans \(span.start)..<\(span.end) of \(size) bytes")
            }
        }
    }

    @Test("a `when` the parser could not read is not reported again as a missing `when`")
    func brokenConditionOnce() {
        let (_, diagnostics) = Self.check("rule \"r\" {\n  when subject\n  then junk\n}")
        #expect(diagnostics.map(\.code.rawValue) == ["syntax.expected-predicate"])
    }

    @Test("IPv6 entries never expire unless told (reference §1.4)")
    func ipEntriesNeverExpire() {
        let (policy, diagnostics) = Self.check("allow ip 2001:db8::/32\nblock ip 2001:db8:1::/48\n")
        #expect(diagnostics.isEmpty)
        #expect(policy.entries.map(\.expiry) == [.never, .never])
    }

    @Test("a repeated anti-spam list: the warning and the policy agree on what is kept")
    func repeatedSenderList() {
        let (policy, diagnostics) = Self.check("""
            anti-spam default {
              allow senders a@fabrikam.example
              allow senders b@fabrikam.example
            }
            """)
        let warned = diagnostics.contains { $0.code.rawValue == "check.duplicate-setting" }
        let kept = policy.antiSpam.first?.allowedSenders.map(\.value.description) ?? []
        // Either the lists add up (no warning), or the later one wins (as the warning says).
        #expect(warned ? kept == ["b@fabrikam.example"] : kept == ["a@fabrikam.example", "b@fabrikam.example"],
                "warning: \(warned), kept: \(kept)")
    }
}

// MARK: - Clean policies

extension CheckerDiagnosticsTests {
    @Test("the presets check without diagnostics", arguments: ["default", "standard", "strict", "quarantine-policies"])
    func presets(_ name: String) throws {
        let path = Self.presets + "/\(name).sluice"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (policy, diagnostics) = Self.check(text, path: path)
        #expect(diagnostics.isEmpty, "\(diagnostics.map { "\($0.code): \($0.message)" })")
        #expect(policy.quarantinePolicies["LimitedAccess"]?.permissions.contains(.requestRelease) == true)
        if name != "quarantine-policies" {
            #expect(policy.antiSpam.count == 1 && policy.antiSpam[0].header.isDefault)
            #expect(policy.antiSpam[0].header.spans.count == 1)
            #expect(policy.antiSpam[0].bulkThreshold.value == ["default": 7, "standard": 6, "strict": 5][name])
        }
    }

    static let everything = """
        include "../../rules/presets/standard.sluice"

        organization {
          accepted-domains contoso.example, contoso-mail.example
          trust authentication-results from mx.contoso.example
          mx-elsewhere yes
          sender-block-verdict high-confidence-spam
        }

        allow sender billing@fabrikam.example expires 45 days after last use note "FP #4411" ticket "T-1" owner "secops"
        block sender %22bad%2B%20attacker%22@spam.example expires never
        allow domain partner.example expires 2026-12-31
        block domain *.spam.example expires 30 days created 2026-01-01
        block url contoso.com/a/*
        allow url ~fabrikam.example~
        allow file sha256:\(hash) from-submission
        block file SHA256:\(hash.uppercased())
        block ip 2001:db8::/32 expires 2026-06-30
        allow spoof contoso.example via dkim:partner.example
        block spoof * via 198.51.100.0/24

        group "Finance" {
          members alice@contoso.example, bob@contoso.example
        }

        user-lists alice@contoso.example {
          safe-senders partner@fabrikam.example, @fabrikam.example
          blocked-senders spam.example
          safe-lists-only yes
        }

        quarantine-policy "Review" {
          permissions view-headers, preview, request-release
          notify yes
        }

        anti-spam default {
          bulk-threshold 5
        }

        anti-spam "Finance strict" {
          priority 1
          applies-to groups "Finance"
          spam action quarantine "Review"
        }

        anti-spam "Executives" {
          priority 0
          applies-to users ceo@contoso.example
          except domains contoso-mail.example
          phish action redirect secops@contoso.example
          bulk action add-header X-Bulk
          allow senders news@fabrikam.example
          block domains *.spam.example
        }

        anti-phishing "Finance" {
          priority 3
          applies-to domains contoso.example
          spoof action quarantine "Review"
          honor-dmarc off
        }

        anti-malware default {
          file-types exe, .ISO
        }

        connection-filter {
          allow ip 198.51.100.0/24
          block ip 203.0.113.7
        }

        advanced-delivery {
          secops-mailboxes secops@contoso.example
          phishing-simulation domains sim.example
          phishing-simulation ips 192.0.2.0/24
          phishing-simulation urls *.sim.example, ~sim2.example
        }

        notifications {
          every 4 hours
          sender quarantine@contoso.example
          language fr-FR
        }

        upstream {
          trust X-Forefront-Antispam-Report from mx.contoso.example
          trust X-Spam-Status from spam.contoso.example
        }

        rule "Invoice lure" {
          when (subject matches /inv(oice)?/i or any attachment.name like "*.htm?") and not spf is pass
          then mark phish, prepend-subject "[SUSPICIOUS] ", stop
          mode audit
        }

        rule "Big bulk" {
          when bcl >= 7 and all attachment.size > 10MB or header "X-Mailer" contains "bulk"
          then set-scl 6, add-header "X-Big" "yes", quarantine "Review"
        }

        rule "Partner" {
          when from.domain in fabrikam.example, partner.example and client-ip in 198.51.100.0/24
          then set-scl -1, redirect a@contoso.example, b@contoso.example, reject 550 5.7.1 "no thanks"
        }
        """

    @Test("a policy with every statement kind checks clean and builds the expected policy")
    func everything() throws {
        let (policy, diagnostics) = Self.check(Self.everything, path: Self.testsPath)
        #expect(diagnostics.isEmpty, "\(diagnostics.map { "\($0.code): \($0.message)" })")

        // Organization.
        #expect(policy.organization.acceptedDomains.map(\.value) == ["contoso.example", "contoso-mail.example"])
        #expect(policy.organization.trustedAuthservIDs.map(\.value) == ["mx.contoso.example"])
        #expect(policy.organization.mxElsewhere.value)
        #expect(policy.organization.senderBlockVerdict.value == .highConfidenceSpam)

        // Entries, in file order, with their expiry.
        #expect(policy.entries.map(\.target.kind) == ["sender", "sender", "domain", "domain", "url", "url", "file", "file", "ip", "spoof", "spoof"])
        #expect(policy.entries.map(\.action) == [.allow, .block, .allow, .block, .block, .allow, .allow, .block, .block, .allow, .block])
        #expect(policy.entries.map(\.target.key) == [
            "billing@fabrikam.example", "%22bad%2b%20attacker%22@spam.example", "partner.example", "*.spam.example",
            "contoso.com/a/*", "~fabrikam.example~", "sha256:\(Self.hash)", "sha256:\(Self.hash)", "2001:db8::/32",
            "contoso.example via dkim:partner.example", "* via 198.51.100.0/24",
        ])
        let date = { (y: Int, m: Int, d: Int) in CalendarDate(year: y, month: m, day: d)! }
        #expect(policy.entries.map(\.expiry) == [
            .afterLastUse(45), .never, .on(date(2026, 12, 31)), .days(30), .days(30), .afterLastUse(45), .afterLastUse(45), .days(30),
            .on(date(2026, 6, 30)), .never, .never,
        ])
        #expect(policy.entries[3].created == date(2026, 1, 1))
        #expect(policy.entries[3].lastDay == date(2026, 1, 31))
        #expect(policy.entries[0].note == "FP #4411" && policy.entries[0].ticket == "T-1" && policy.entries[0].owner == "secops")
        #expect(policy.entries.map(\.fromSubmission) == [false, false, false, false, false, false, true, false, false, false, false])

        // Groups and user lists.
        #expect(policy.groups["Finance"]?.members.map(\.description) == ["alice@contoso.example", "bob@contoso.example"])
        let alice = try #require(policy.userLists[EmailAddress(localPart: "alice", domain: "contoso.example")])
        #expect(alice.safeSenders.map(\.value.description) == ["partner@fabrikam.example", "fabrikam.example"])
        #expect(alice.blockedSenders.map(\.value) == [.domain("spam.example")])
        #expect(alice.safeListsOnly.value)

        // Quarantine policies: the built-ins, the preset's and the tenant's.
        #expect(Set(policy.quarantinePolicies.keys) == [
            "AdminOnlyAccessPolicy", "DefaultFullAccessPolicy", "DefaultFullAccessWithNotificationPolicy",
            "NotificationEnabledPolicy", "LimitedAccess", "Review",
        ])
        #expect(policy.quarantinePolicies["Review"]?.permissions == [.viewHeaders, .preview, .requestRelease])
        #expect(policy.quarantinePolicies["Review"]?.notify == true)
        #expect(policy.quarantinePolicies["NotificationEnabledPolicy"]?.span == nil)

        // Anti-spam: the default first (the preset refined), then custom policies by priority.
        #expect(policy.antiSpam.map(\.header.name) == [nil, "Executives", "Finance strict"])
        let spamDefault = policy.antiSpam[0]
        #expect(spamDefault.header.spans.count == 2)
        #expect(spamDefault.bulkThreshold.value == 5)
        #expect(spamDefault.retentionDays.value == 30)
        #expect(spamDefault.actions[.phish]?.value == .quarantine("DefaultFullAccessWithNotificationPolicy"))
        #expect(spamDefault.actions[.spam]?.value == .junk)
        let executives = policy.antiSpam[1]
        #expect(executives.header.priority == 0)
        #expect(executives.header.appliesTo.users.map(\.description) == ["ceo@contoso.example"])
        #expect(executives.header.except.domains == ["contoso-mail.example"])
        #expect(executives.actions[.phish]?.value == .redirect([EmailAddress(localPart: "secops", domain: "contoso.example")]))
        #expect(executives.actions[.bulk]?.value == .addHeader("X-Bulk"))
        #expect(executives.actions[.spam]?.value == .junk, "a custom policy starts from Microsoft's defaults")
        #expect(executives.allowedSenders.map(\.value.description) == ["news@fabrikam.example"])
        #expect(executives.blockedDomains.map(\.value.description) == ["*.spam.example"])
        #expect(policy.antiSpam[2].header.appliesTo.groups == ["Finance"])
        #expect(policy.antiSpam[2].actions[.spam]?.value == .quarantine("Review"))

        #expect(policy.antiPhishing.map(\.header.name) == [nil, "Finance"])
        #expect(policy.antiPhishing[1].spoofAction.value == .quarantine("Review"))
        #expect(policy.antiPhishing[1].honorDMARC.value == false)
        #expect(policy.antiPhishing[0].dmarcQuarantineAction.value == .quarantine("DefaultFullAccessPolicy"))
        #expect(policy.antiMalware.count == 1)
        #expect(policy.antiMalware[0].fileTypes.value == ["exe", "iso"])
        #expect(policy.antiMalware[0].action.value == .quarantine("AdminOnlyAccessPolicy"))

        // Tenant-wide blocks.
        #expect(policy.connectionFilter.allow.map(\.value.description) == ["198.51.100.0/24"])
        #expect(policy.connectionFilter.block.map(\.value.description) == ["203.0.113.7"])
        #expect(policy.advancedDelivery.secOpsMailboxes.map(\.value.description) == ["secops@contoso.example"])
        #expect(policy.advancedDelivery.simulationDomains.map(\.value.description) == ["sim.example"])
        #expect(policy.advancedDelivery.simulationIPs.map(\.value.description) == ["192.0.2.0/24"])
        #expect(policy.advancedDelivery.simulationURLs.map(\.value.description) == ["*.sim.example", "~sim2.example"])
        #expect(policy.notifications.cadence.value == .everyHours(4))
        #expect(policy.notifications.sender.value == "quarantine@contoso.example")
        #expect(policy.notifications.language.value == "fr-FR")
        #expect(policy.upstream.map(\.header) == [.forefront, .spamAssassin])
        #expect(policy.upstream.map(\.hosts) == [["mx.contoso.example"], ["spam.contoso.example"]])

        // Rules in file order, actions in written order.
        #expect(policy.rules.map(\.name) == ["Invoice lure", "Big bulk", "Partner"])
        #expect(policy.rules.map(\.mode) == [.audit, .enforce, .enforce])
        #expect(policy.rules[0].actions == [.mark(.phish), .prependSubject("[SUSPICIOUS] "), .stop])
        #expect(policy.rules[1].actions == [.setSCL(6), .addHeader(name: "X-Big", value: "yes"), .quarantine("Review")])
        #expect(policy.rules[2].actions == [
            .setSCL(-1),
            .redirect([EmailAddress(localPart: "a", domain: "contoso.example"), EmailAddress(localPart: "b", domain: "contoso.example")]),
            .reject(code: "550", enhancedCode: "5.7.1", text: "no thanks"),
        ])
        guard case .all(let parts) = policy.rules[0].condition, parts.count == 2,
              case .any(let alternatives) = parts[0], alternatives.count == 2,
              case .not(.test(let spf)) = parts[1]
        else {
            Issue.record("the first rule's condition has the wrong shape")
            return
        }
        #expect(spf.subject == .spf)
        guard case .test(let attachment) = alternatives[1], case .like(let glob) = attachment.predicate else {
            Issue.record("the attachment test is not a glob")
            return
        }
        #expect(attachment.quantifier == .any && attachment.subject == .attachmentName)
        #expect(glob.written == "\"*.htm?\"")
        guard case .any(let bulkParts) = policy.rules[1].condition, case .all(let sizeParts) = bulkParts[0],
              case .test(let size) = sizeParts[1], case .compare(.greater, let bytes) = size.predicate
        else {
            Issue.record("the second rule's condition has the wrong shape")
            return
        }
        #expect(size.quantifier == .all && bytes == 10 * 1024 * 1024)
    }
}

// MARK: - The cases

/// One way to get a policy wrong: marked source, and the diagnostic it must give.
struct MarkedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var code: String
    var severity: Severity
    var source: String

    init(_ name: String, _ code: String, _ severity: Severity, _ source: String) {
        self.name = name
        self.code = "check." + code
        self.severity = severity
        self.source = source
    }

    init(_ name: String, _ code: String, _ source: String) {
        self.init(name, code, .error, source)
    }

    var testDescription: String { name }

    static let all = urlEntries + values + entries + structure + policies + rules + regexes + swallowed

    static let urlEntries = [
        MarkedCase("`*contoso.com`: a left wildcard without a dot", "invalid-url-entry", "block url 1️⃣*contoso.com"),
        MarkedCase("`contoso.com/ab*`: the caret at the `*`", "invalid-url-entry", "block url contoso.com/ab1️⃣*2️⃣"),
        MarkedCase("`contoso.com*`: a right wildcard not after `/`", "invalid-url-entry", "block url contoso.com1️⃣*2️⃣"),
        MarkedCase("`contoso.com/**`: a double wildcard", "invalid-url-entry", "block url contoso.com/*1️⃣*2️⃣"),
        MarkedCase("`contoso.com/*/*`: a middle wildcard", "invalid-url-entry", "block url contoso.com/*/1️⃣*2️⃣"),
        MarkedCase("`*`: everything", "invalid-url-entry", "block url 1️⃣*2️⃣"),
        MarkedCase("`*.*`: everything", "invalid-url-entry", "block url *.1️⃣*2️⃣"),
        MarkedCase("`*.com` without a path", "invalid-url-entry", "block url 1️⃣*.com2️⃣"),
        MarkedCase("`*.contoso.*`: a wildcard in the middle of the host", "invalid-url-entry", "block url *.contoso.1️⃣*"),
        MarkedCase("`contoso`: a host without a dot", "invalid-url-entry", "block url 1️⃣contoso2️⃣"),
        MarkedCase("`contoso.com:8080`: a port", "invalid-url-entry", "block url contoso.com1️⃣:80802️⃣"),
        MarkedCase("`user:pass@contoso.com`: credentials", "invalid-url-entry", "block url user:pass1️⃣@contoso.com"),
        MarkedCase("raw Unicode in the host", "invalid-url-entry", "block url b1️⃣ücher.example"),
        MarkedCase("an `ftp://` scheme", "invalid-url-entry", "block url 1️⃣ftp2️⃣://contoso.com"),
        MarkedCase("a `~` entry with a path", "invalid-url-entry", "block url ~contoso.com1️⃣/a"),
        MarkedCase("a wildcard on an IP address", "invalid-url-entry", "block url 1️⃣*.1.2.3.4"),
        MarkedCase("allow url with a left `*.`", "url-allow-wildcard", "allow url 1️⃣*.contoso.com2️⃣"),
        MarkedCase("allow url with a left `~`", "url-allow-wildcard", "allow url 1️⃣~contoso.com2️⃣"),
    ]

    static let values = [
        MarkedCase("domain `*contoso.com`", "invalid-domain", "block domain 1️⃣*2️⃣contoso.com"),
        MarkedCase("domain with a trailing dot", "invalid-domain", "block domain contoso.com1️⃣.2️⃣"),
        MarkedCase("domain without a dot", "invalid-domain", "block domain 1️⃣contoso2️⃣"),
        MarkedCase("domain with an empty label", "invalid-domain", "block domain a.1️⃣.b.example"),
        MarkedCase("domain with a `!`", "invalid-domain", "block domain bad1️⃣!2️⃣x.example"),
        MarkedCase("domain `*.*`: the caret at the second `*`", "invalid-domain", "block domain *.1️⃣*2️⃣"),
        MarkedCase("domain entry given an address", "invalid-domain", "block domain 1️⃣a@b.example2️⃣"),
        MarkedCase("address without `@`", "invalid-address", "block sender 1️⃣billing2️⃣"),
        MarkedCase("address with nothing before `@`", "invalid-address", "block sender 1️⃣@fabrikam.example"),
        MarkedCase("address that needs percent-encoding", "invalid-address", "block sender bad1️⃣:2️⃣x@fabrikam.example"),
        MarkedCase("sha256 of the wrong length", "invalid-hash", "block file 1️⃣sha256:abc2️⃣"),
        MarkedCase("sha256 with a non-hex digit", "invalid-hash", "block file sha256:\(String(CheckerDiagnosticsTests.hash.dropLast()))1️⃣x2️⃣"),
        MarkedCase("CIDR with host bits set", "invalid-ip", "block ip 1️⃣2001:db8::1/322️⃣"),
        MarkedCase("CIDR prefix out of range", "invalid-ip", "block ip 2001:db8::/1️⃣1292️⃣"),
        MarkedCase("a `/0` tenant IP block", "invalid-ip", "block ip 1️⃣::/02️⃣"),
        MarkedCase("IPv4 in a tenant `ip` entry", "ipv4-entry", "allow ip 1️⃣198.51.100.72️⃣"),
        MarkedCase("IPv6 in the connection filter", "invalid-ip", "connection-filter {\n  allow ip 1️⃣2001:db8::12️⃣\n}"),
        MarkedCase("a rule's client-ip that is not an address", "invalid-ip", "rule \"r\" {\n  when client-ip is 1️⃣abc2️⃣\n  then junk\n}"),
    ]

    static let entries = [
        MarkedCase("spoof pair `* via *`", "invalid-spoof-pair", "allow spoof 1️⃣* via *2️⃣"),
        MarkedCase("spoof infrastructure `/16`", "invalid-spoof-pair", "allow spoof contoso.com via 1️⃣198.51.0.0/162️⃣"),
        MarkedCase("spoof infrastructure a bare address", "invalid-spoof-pair", "allow spoof contoso.com via 1️⃣198.51.100.72️⃣"),
        MarkedCase("spoof DKIM domain with an empty label", "invalid-spoof-pair", "block spoof contoso.com via dkim:bad.1️⃣.example"),
        MarkedCase("spoof pair without `via`", "missing-argument", "allow spoof contoso.com1️⃣"),
        MarkedCase("date `2026-02-30`", "invalid-date", "allow sender a@b.example created 1️⃣2026-02-302️⃣"),
        MarkedCase("expiry date in month 13", "invalid-date", "allow sender a@b.example expires 1️⃣2026-13-012️⃣"),
        MarkedCase("`expires 30 days` without `created`", "expiry-needs-created", "allow sender a@b.example 1️⃣expires2️⃣ 30 days"),
        MarkedCase("`45 days after last use` on a block", "invalid-expiry", "block sender a@b.example expires 45 days 1️⃣after last use2️⃣"),
        MarkedCase("an expiry that is not one", "invalid-expiry", "allow sender a@b.example expires 1️⃣soon2️⃣"),
        MarkedCase("`allow file` without `from-submission`", "file-allow-needs-submission",
                   "1️⃣allow file sha256:\(CheckerDiagnosticsTests.hash)2️⃣"),
        MarkedCase("`from-submission` on a block", "submission-block", .warning,
                   "block file sha256:\(CheckerDiagnosticsTests.hash) 1️⃣from-submission2️⃣"),
        MarkedCase("unknown entry option", "unknown-entry-option", "allow sender a@b.example 1️⃣expire2️⃣ never"),
        MarkedCase("an entry option given twice", "duplicate-setting", .warning, "allow sender a@b.example note \"x\" 1️⃣note2️⃣ \"y\""),
        MarkedCase("an entry with a list of keys", "entry-list", "allow sender 1️⃣a@b.example2️⃣, c@d.example"),
        MarkedCase("a misspelt entry type", "unexpected-word", "allow 1️⃣senderr2️⃣ a@b.example"),
        MarkedCase("a date given as a string", "expected-word", "allow sender a@b.example created 1️⃣\"2026-01-01\"2️⃣"),
    ]

    static let structure = [
        MarkedCase("unknown statement with a suggestion", "unknown-statement", "1️⃣alow2️⃣ sender a@b.example"),
        MarkedCase("unknown statement inside a block", "unknown-statement", "organization {\n  1️⃣bogus2️⃣ x\n}"),
        MarkedCase("`accepted-domains` at the top level", "misplaced-statement", "1️⃣accepted-domains2️⃣ a.example"),
        MarkedCase("`when` at the top level", "misplaced-statement", "1️⃣when2️⃣ spf is fail"),
        MarkedCase("a block statement without its block", "missing-block", "organization1️⃣"),
        MarkedCase("a group without its block", "missing-block", "group \"G\"1️⃣"),
        MarkedCase("an entry with a block", "unexpected-block", "allow sender a@b.example 1️⃣{\n}2️⃣"),
        MarkedCase("a missing argument, at the end of the statement", "missing-argument", "allow sender1️⃣"),
        MarkedCase("a missing note", "missing-argument", "allow sender a@b.example note1️⃣"),
        MarkedCase("an extra argument", "unexpected-argument", "organization {\n  mx-elsewhere on 1️⃣off2️⃣\n}"),
        MarkedCase("extra arguments after a block keyword", "unexpected-argument", "organization 1️⃣contoso extra2️⃣ {\n}"),
        MarkedCase("a word where a name in quotes is needed", "expected-string", "rule 1️⃣Lure2️⃣ {\n  when spf is fail\n  then junk\n}"),
        MarkedCase("an unquoted policy name", "expected-string", "anti-spam 1️⃣Finance2️⃣ {\n}"),
        MarkedCase("a boolean that is not one", "unexpected-word", "organization {\n  mx-elsewhere 1️⃣maybe2️⃣\n}"),
        MarkedCase("a verdict that sender blocks cannot give", "unexpected-word", "organization {\n  sender-block-verdict 1️⃣spam2️⃣\n}"),
        MarkedCase("an authserv-id that is an address", "invalid-host",
                   "organization {\n  trust authentication-results from 1️⃣a@b.example2️⃣\n}"),
        MarkedCase("an upstream verdict header Sluice does not read", "unknown-upstream-header",
                   "upstream {\n  trust 1️⃣X-Spam-Statu2️⃣ from mx.contoso.example\n}"),
        MarkedCase("a number of hours out of range", "invalid-number", "notifications {\n  every 1️⃣02️⃣ hours\n}"),
        MarkedCase("a safe sender without a dot", "invalid-sender", "user-lists a@b.example {\n  safe-senders 1️⃣x2️⃣\n}"),
        MarkedCase("user lists file that cannot be read", "user-lists-unreadable", "user-lists from 1️⃣\"no-such-lists.json\"2️⃣"),
        MarkedCase("include of a missing file", "include-not-found", "include 1️⃣\"no-such-file.sluice\"2️⃣"),
        MarkedCase("include of a word", "include-form", "1️⃣include no-such-file.sluice2️⃣"),
        MarkedCase("a file that includes itself", "include-cycle", "include 1️⃣\"tenant.sluice\"2️⃣"),
    ]

    static let policies = [
        MarkedCase("a repeated setting", "duplicate-setting", .warning, "anti-spam default {\n  bulk-threshold 5\n  1️⃣bulk-threshold 62️⃣\n}"),
        MarkedCase("a quarantine policy defined twice", "duplicate-definition",
                   "quarantine-policy \"Q\" {\n  permissions preview\n}\nquarantine-policy 1️⃣\"Q\"2️⃣ {\n  permissions preview\n}"),
        MarkedCase("a group defined twice", "duplicate-definition",
                   "group \"G\" {\n  members a@b.example\n}\ngroup 1️⃣\"G\"2️⃣ {\n  members a@b.example\n}"),
        MarkedCase("an unknown quarantine policy", "unknown-quarantine-policy",
                   "anti-spam default {\n  spam action quarantine 1️⃣\"Nope\"2️⃣\n}"),
        MarkedCase("an unknown group", "unknown-group",
                   "anti-spam \"F\" {\n  priority 1\n  applies-to groups 1️⃣\"Finance\"2️⃣\n}"),
        MarkedCase("a built-in quarantine policy redefined differently", "builtin-policy-changed", .warning,
                   "quarantine-policy 1️⃣\"AdminOnlyAccessPolicy\"2️⃣ {\n  permissions preview\n}"),
        MarkedCase("`release` and `request-release` together", "release-and-request-release",
                   "quarantine-policy \"Q\" {\n  permissions 1️⃣release2️⃣, request-release\n}"),
        MarkedCase("an unknown permission", "unknown-permission", "quarantine-policy \"Q\" {\n  permissions 1️⃣previe2️⃣\n}"),
        MarkedCase("the default policy scoped", "default-policy-scoped", "anti-spam default {\n  1️⃣priority 12️⃣\n}"),
        MarkedCase("a named policy without a priority", "missing-priority", "1️⃣anti-spam \"F\" {\n  applies-to domains f.example\n}2️⃣"),
        MarkedCase("two policies with one priority", "duplicate-priority",
                   "anti-spam \"F\" {\n  priority 1\n  applies-to domains f.example\n}\n1️⃣anti-spam \"G\" {\n  priority 1\n  applies-to domains g.example\n}"),
        MarkedCase("a named policy that applies to no one", "unscoped-policy", .warning, "1️⃣anti-spam \"F\" {\n  priority 1\n}2️⃣"),
        MarkedCase("high confidence phish to junk", "secure-by-default", .warning,
                   "anti-spam default {\n  1️⃣high-confidence-phish action junk2️⃣\n}"),
        MarkedCase("`no-action` on spam", "action-not-allowed", "anti-spam default {\n  spam action 1️⃣no-action2️⃣\n}"),
        MarkedCase("`delete` on high confidence phish", "action-not-allowed",
                   "anti-spam default {\n  high-confidence-phish action 1️⃣delete2️⃣\n}"),
        MarkedCase("`junk` on DMARC reject", "action-not-allowed", "anti-phishing default {\n  dmarc-reject action 1️⃣junk2️⃣\n}"),
        MarkedCase("a header name with a colon", "invalid-header-name", "anti-spam default {\n  spam action add-header 1️⃣X:Bad2️⃣\n}"),
        MarkedCase("a bulk threshold out of range", "invalid-number", "anti-spam default {\n  bulk-threshold 1️⃣102️⃣\n}"),
        MarkedCase("a file type that is not an extension", "invalid-file-type", "anti-malware default {\n  file-types exe, 1️⃣e*e2️⃣\n}"),
    ]

    static let rules = [
        MarkedCase("two rules with one name", "duplicate-rule-name", .warning,
                   "rule \"r\" {\n  when spf is fail\n  then junk\n}\nrule 1️⃣\"r\"2️⃣ {\n  when dkim is fail\n  then junk\n}"),
        MarkedCase("a rule without `when`", "rule-without-condition", "rule 1️⃣\"R\"2️⃣ {\n  then junk\n}"),
        MarkedCase("a rule without `then`", "rule-without-action", "rule 1️⃣\"R\"2️⃣ {\n  when spf is fail\n}"),
        MarkedCase("an unknown subject with a suggestion", "unknown-subject", "rule \"r\" {\n  when 1️⃣subjct2️⃣ contains \"x\"\n  then junk\n}"),
        MarkedCase("a quantifier on a single-valued subject", "quantifier-single-value",
                   "rule \"r\" {\n  when 1️⃣any2️⃣ subject contains \"x\"\n  then junk\n}"),
        MarkedCase("`scl contains`", "predicate-not-allowed", "rule \"r\" {\n  when scl 1️⃣contains2️⃣ 5\n  then junk\n}"),
        MarkedCase("`spf <`", "predicate-not-allowed", "rule \"r\" {\n  when spf 1️⃣<2️⃣ 5\n  then junk\n}"),
        MarkedCase("`matches` with a string", "expected-regex", "rule \"r\" {\n  when subject matches 1️⃣\"inv*\"2️⃣\n  then junk\n}"),
        MarkedCase("`like` with a regex", "expected-string", "rule \"r\" {\n  when subject like 1️⃣/x/2️⃣\n  then junk\n}"),
        MarkedCase("`is` with a regex", "expected-value", "rule \"r\" {\n  when subject is 1️⃣/x/2️⃣\n  then junk\n}"),
        MarkedCase("`contains` with a list", "unexpected-list", "rule \"r\" {\n  when subject contains 1️⃣\"a\", \"b\"2️⃣\n  then junk\n}"),
        MarkedCase("`scl is 12`", "invalid-number", "rule \"r\" {\n  when scl is 1️⃣122️⃣\n  then junk\n}"),
        MarkedCase("a size with an unknown unit", "invalid-number", "rule \"r\" {\n  when attachment.size > 1️⃣10XB2️⃣\n  then junk\n}"),
        MarkedCase("an unknown authentication result", "unknown-result", "rule \"r\" {\n  when spf is 1️⃣pas2️⃣\n  then junk\n}"),
        MarkedCase("an unknown result in a list", "unknown-result", "rule \"r\" {\n  when dmarc in pass, 1️⃣fial2️⃣\n  then junk\n}"),
        MarkedCase("`header` without a name", "missing-argument", "rule \"r\" {\n  when 1️⃣header2️⃣ exists\n  then junk\n}"),
        MarkedCase("a header name with a space", "invalid-header-name", "rule \"r\" {\n  when header 1️⃣\"X Bad\"2️⃣ exists\n  then junk\n}"),
        MarkedCase("a subject given a name", "unexpected-argument", "rule \"r\" {\n  when subject 1️⃣\"X\"2️⃣ contains \"y\"\n  then junk\n}"),
        MarkedCase("`then` without an action", "missing-argument", "rule \"r\" {\n  when spf is fail\n  then1️⃣\n}"),
        MarkedCase("actions without a comma", "unexpected-argument", "rule \"r\" {\n  when spf is fail\n  then junk 1️⃣stop2️⃣\n}"),
        MarkedCase("a misspelt verdict", "unexpected-word", "rule \"r\" {\n  when spf is fail\n  then mark 1️⃣spm2️⃣\n}"),
        MarkedCase("`set-scl 10`", "invalid-number", "rule \"r\" {\n  when spf is fail\n  then set-scl 1️⃣102️⃣\n}"),
        MarkedCase("`reject 450`", "invalid-smtp-code", "rule \"r\" {\n  when spf is fail\n  then reject 1️⃣4502️⃣\n}"),
        MarkedCase("`reject 550 5.7`", "invalid-smtp-code", "rule \"r\" {\n  when spf is fail\n  then reject 550 1️⃣5.72️⃣ \"no\"\n}"),
        MarkedCase("an action after `stop`", "action-after-stop", .warning, "rule \"r\" {\n  when spf is fail\n  then stop, 1️⃣junk2️⃣\n}"),
        MarkedCase("a header to add with a space", "invalid-header-name",
                   "rule \"r\" {\n  when spf is fail\n  then add-header 1️⃣\"X Y\"2️⃣ \"v\"\n}"),
        MarkedCase("words after the condition", "unexpected-argument", "rule \"r\" {\n  when spf is fail 1️⃣junk2️⃣\n  then junk\n}"),
    ]

    static let regexes = [
        MarkedCase("`/ab)c/`: an unmatched parenthesis", "regex-error", "rule \"r\" {\n  when subject matches /ab1️⃣)2️⃣c/\n  then junk\n}"),
        MarkedCase("`/ab(c/`: the error at the end of the pattern", "regex-error",
                   "rule \"r\" {\n  when subject matches /ab(c1️⃣/\n  then junk\n}"),
        MarkedCase("`/a{2,1}/`: a quantifier out of order", "regex-error", "rule \"r\" {\n  when subject matches /a{2,11️⃣}/\n  then junk\n}"),
        MarkedCase("`/[z-a]/`: a range out of order", "regex-error", "rule \"r\" {\n  when subject matches /[z-1️⃣a2️⃣]/\n  then junk\n}"),
        MarkedCase("`/a(?z)b/` in a header test", "regex-error",
                   "rule \"r\" {\n  when header \"X-Mailer\" matches /a(?1️⃣z2️⃣)b/\n  then junk\n}"),
        MarkedCase("`/é)/`: byte offsets after a multi-byte character", "regex-error",
                   "rule \"r\" {\n  when subject matches /é1️⃣)2️⃣/\n  then junk\n}"),
        MarkedCase("unknown regex flags", "regex-flags", "rule \"r\" {\n  when subject matches /abc/1️⃣iq2️⃣\n  then junk\n}"),
    ]

    static let swallowed = [
        MarkedCase("a trailing comma in `organization` swallows `trust`", "list-swallowed-statement",
                   "organization {\n  accepted-domains a.example,\n  1️⃣trust2️⃣ authentication-results from mx.a.example\n}"),
        MarkedCase("a trailing comma in `group` swallows the next `members`", "list-swallowed-statement",
                   "group \"G\" {\n  members a@b.example,\n  1️⃣members2️⃣ c@d.example\n}"),
        MarkedCase("a trailing comma after an entry swallows the next entry", "list-swallowed-statement",
                   "allow sender a@b.example,\n1️⃣block2️⃣ sender c@d.example"),
        MarkedCase("a trailing comma in a condition swallows `then`", "list-swallowed-statement",
                   "rule \"r\" {\n  when from.domain in a.example,\n  1️⃣then2️⃣ junk\n}"),
        MarkedCase("a trailing comma after the actions swallows `mode`", "list-swallowed-statement",
                   "rule \"r\" {\n  when spf is fail\n  then junk,\n  1️⃣mode2️⃣ audit\n}"),
    ]
}
