import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceWorkload
import Testing

/// Deterministic fuzzing of the policy checker: every `.sluice` file under `rules/` and a few
/// inline policies with rules, mutated thousands of times (truncated, tokens swapped, deleted
/// or replaced, lines duplicated, random bytes inserted). Whatever the input, the checker must
/// return a bounded list of well-formed diagnostics. A violation is reported once per kind,
/// with the smallest reproducer the test could shrink it to.
@Suite("Checker: fuzzed policies")
struct CheckerFuzzTests {
    /// Random mutations per input of up to 2 KB, on top of the truncations; larger inputs get
    /// proportionally fewer (a check costs about its size), at least 60.
    static let mutationsPerInput = 250
    static func mutations(forSize size: Int) -> Int { max(60, mutationsPerInput * 2_048 / max(size, 2_048)) }
    /// Shrinking stops after this long per input, so a broken checker still fails fast.
    static let shrinkTime = Duration.seconds(2)
    /// Roughly how many truncation points per input.
    static let truncationsPerInput = 60
    static let maxDiagnostics = 200

    @Test("unmutated policies check without errors", arguments: FuzzInput.corpus)
    func unmutated(_ input: FuzzInput) {
        let (_, diagnostics) = PolicyChecker.check(text: input.text, path: input.path)
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(input.name): \(errors.map { "\($0.code): \($0.message)" })")
    }

    @Test("the corpus has every file under rules/ and the inline policies")
    func corpus() {
        let files = FuzzInput.corpus.filter { !$0.name.hasPrefix("inline") }
        #expect(files.count >= 4, "found \(files.map(\.name)) under \(FuzzInput.rulesDirectory)")
        #expect(files.contains { $0.name.hasSuffix("presets/standard.sluice") })
        #expect(FuzzInput.corpus.count == files.count + FuzzInput.inline.count)
    }

    @Test("mutated policies give bounded, well-formed diagnostics", arguments: FuzzInput.corpus)
    func mutated(_ input: FuzzInput) {
        var random = SeededGenerator(seed: FuzzInput.stableHash(input.name))
        let original = Array(input.text.utf8)
        var violations: [String: (count: Int, reproducer: [UInt8])] = [:]
        var checks = 0

        func run(_ bytes: [UInt8], recheck: Bool) {
            checks += 1
            for key in Self.violations(bytes, path: input.path, recheck: recheck) {
                let existing = violations[key]
                let shorter = existing.map { bytes.count < $0.reproducer.count } ?? true
                violations[key] = ((existing?.count ?? 0) + 1, shorter ? bytes : existing!.reproducer)
            }
        }

        // Truncation at every k-th byte offset.
        let step = max(1, original.count / Self.truncationsPerInput)
        for offset in stride(from: 0, through: original.count, by: step) {
            run(Array(original[..<offset]), recheck: false)
        }
        // Random stacked mutations.
        let rounds = Self.mutations(forSize: original.count)
        for round in 0..<rounds {
            var bytes = original
            for _ in 0..<(1 + random.below(3)) { Mutation.random(&random).apply(to: &bytes, &random) }
            run(bytes, recheck: round % 10 == 0)
        }

        #expect(checks >= rounds + original.count / step)
        let deadline = ContinuousClock.now + Self.shrinkTime
        // The cheapest to shrink first, so a short deadline still shrinks most of them.
        for (key, violation) in violations.sorted(by: { ($0.value.reproducer.count, $0.key) < ($1.value.reproducer.count, $1.key) }) {
            let minimal = Self.shrink(violation.reproducer, until: deadline) {
                Self.violations($0, path: input.path, recheck: key.hasPrefix("nondeterministic")).contains(key)
            }
            Issue.record("""
                \(input.name): \(key) — \(violation.count) of \(checks) mutated inputs; smallest reproducer \
                (\(minimal.count) bytes): \(String(decoding: minimal, as: UTF8.self).debugDescription)
                """)
        }
    }

    // MARK: - Invariants

    /// The invariants `bytes` (decoded as the loader decodes a file) breaks, one key per kind.
    static func violations(_ bytes: [UInt8], path: String, recheck: Bool) -> Set<String> {
        let text = String(decoding: bytes, as: UTF8.self)
        let (policy, diagnostics) = PolicyChecker.check(text: text, path: path)
        var found: Set<String> = []
        if diagnostics.count > maxDiagnostics { found.insert("more than \(maxDiagnostics) diagnostics") }
        for diagnostic in diagnostics {
            let code = diagnostic.code.rawValue
            if case .source(let span)? = diagnostic.location {
                found.formUnion(spanProblems(span, in: policy).map { "\($0) (`\(code)`)" })
            }
            for label in diagnostic.labels {
                found.formUnion(spanProblems(label.span, in: policy).map { "label \($0) (`\(code)`)" })
            }
            for fix in diagnostic.fixes {
                found.formUnion(spanProblems(fix.span, in: policy).map { "fix-it \($0) (`\(code)`)" })
            }
            if diagnostic.severity == .error {
                if diagnostic.message.isEmpty {
                    found.insert("empty error message (`\(code)`)")
                } else if diagnostic.message.first!.isUppercase {
                    found.insert("error message starts with an upper-case letter (`\(code)`: \(diagnostic.message.prefix(30))…)")
                }
            }
        }
        if recheck {
            let (_, again) = PolicyChecker.check(text: text, path: path)
            if again != diagnostics { found.insert("nondeterministic diagnostics") }
        }
        return found
    }

    /// Whether a span lies inside its file, with the line and column of its start, and does
    /// not cut a character in two.
    static func spanProblems(_ span: SourceSpan, in policy: CheckedPolicy) -> [String] {
        guard let source = policy.sources[span.file] else { return ["span in an unknown file"] }
        let size = source.bytes.count
        guard 0 <= span.start, span.start <= span.end, span.end <= size else { return ["span outside its file"] }
        var problems: [String] = []
        let (line, column) = source.position(of: span.start)
        if (line, column) != (span.line, span.column) { problems.append("span with a wrong line or column") }
        func isContinuation(_ offset: Int) -> Bool { offset < size && source.bytes[offset] & 0xC0 == 0x80 }
        if isContinuation(span.start) || isContinuation(span.end) { problems.append("span cuts a character in two") }
        return problems
    }

    /// Shrinking in the manner of delta debugging: drops runs of lines, then of tokens, then of
    /// bytes, halving the run length each round, while the input still breaks the invariant.
    static func shrink(_ bytes: [UInt8], until deadline: ContinuousClock.Instant, _ stillFails: ([UInt8]) -> Bool) -> [UInt8] {
        var current = bytes
        let chunkings: [([UInt8]) -> [Range<Int>]] = [Mutation.lineRanges, Mutation.tokenRanges, { $0.indices.map { $0..<$0 + 1 } }]
        for chunking in chunkings {
            var length = max(1, chunking(current).count / 2)
            while ContinuousClock.now < deadline {
                var start = 0
                while ContinuousClock.now < deadline {
                    let units = chunking(current)
                    guard start < units.count else { break }
                    var candidate = current
                    candidate.removeSubrange(units[start].lowerBound..<units[min(start + length, units.count) - 1].upperBound)
                    if stillFails(candidate) { current = candidate } else { start += length }
                }
                if length == 1 { break }
                length /= 2
            }
        }
        return current
    }
}

// MARK: - Inputs

struct FuzzInput: Sendable, CustomTestStringConvertible {
    var name: String
    var path: String
    var text: String
    var testDescription: String { name }

    static let rulesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules").path

    /// Every `.sluice` file under `rules/`, found by walking the tree, then the inline policies.
    static let corpus: [FuzzInput] = {
        let names = (FileManager.default.enumerator(atPath: rulesDirectory)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".sluice") }.sorted()
        let files = names.compactMap { name -> FuzzInput? in
            let path = rulesDirectory + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            return FuzzInput(name: "rules/" + name, path: path, text: text)
        }
        return files + inline
    }()

    /// Policies that exercise what the presets do not: entries of every kind, scoped policies,
    /// every block type, and rules with conditions and actions. Each checks without errors.
    static let inline: [FuzzInput] = [
        ("inline-entries", """
            include "presets/standard.sluice"
            organization {
              accepted-domains contoso.example, contoso-mail.example
              trust authentication-results from mx.contoso.example
              sender-block-verdict high-confidence-spam
            }
            allow sender billing@fabrikam.example expires 45 days after last use note "FP #4411"
            block sender %22bad%2B%20attacker%22@spam.example expires never
            block domain *.spam.example expires 30 days created 2026-01-01 ticket "T-7"
            allow domain partner.example expires 2026-12-31 owner "secops"
            block url contoso.com/a/*
            block url *.com/*
            allow url ~fabrikam.example~
            block url 1.2.3.4/*
            allow file sha256:3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea from-submission
            block ip 2001:db8::/32
            allow spoof contoso.example via 198.51.100.0/24
            block spoof * via dkim:spam.example
            connection-filter {
              allow ip 198.51.100.0/24, 203.0.113.7
              block ip 192.0.2.0/24
            }
            """),
        ("inline-policies", """
            include "presets/strict.sluice"
            group "Finance" {
              members alice@contoso.example, bob@contoso.example
            }
            quarantine-policy "Review" {
              permissions view-headers, preview, request-release
              notify yes
            }
            anti-spam "Finance" {
              priority 1
              applies-to groups "Finance"
              except users carol@contoso.example
              spam action quarantine "Review"
              bulk action add-header X-Bulk
              bulk-threshold 4
              allow senders news@fabrikam.example
              block domains *.spam.example
            }
            anti-phishing "Finance" {
              priority 1
              applies-to domains contoso.example
              spoof action quarantine "Review"
              dmarc-reject action quarantine
            }
            anti-malware "Finance" {
              priority 0
              applies-to groups "Finance"
              file-types exe, .iso, js
            }
            user-lists alice@contoso.example {
              safe-senders partner@fabrikam.example, @fabrikam.example
              blocked-senders spam.example
              safe-lists-only no
            }
            advanced-delivery {
              secops-mailboxes secops@contoso.example
              phishing-simulation urls *.sim.example, ~sim2.example
              phishing-simulation ips 192.0.2.0/24
            }
            notifications {
              every 4 hours
              sender quarantine@contoso.example
              language fr-FR
            }
            upstream {
              trust X-Spam-Status from spam.contoso.example
              trust X-Forefront-Antispam-Report from mx.contoso.example
            }
            """),
        ("inline-rules", """
            rule "Invoice lure" {
              when (subject matches /inv(oice)?\\s+#?\\d{3,}/i or any attachment.name like "*.htm?") and not spf is pass
              then mark phish, prepend-subject "[SUSPICIOUS] ", stop
              mode audit
            }
            rule "Big bulk" {
              when bcl >= 7 and all attachment.size > 10MB or header "X-Mailer" contains "bulk"
              then set-scl 6, add-header "X-Big" "yes", quarantine "DefaultFullAccessPolicy"
            }
            rule "Partner" {
              when from.domain in fabrikam.example, partner.example and client-ip in 198.51.100.0/24
              then set-scl -1
            }
            rule "Bounce" {
              when dmarc is fail and compauth in fail, softfail and url.host is evil.example
              then reject 550 5.7.1 "policy", redirect secops@contoso.example, stop
            }
            rule "Scores" {
              when spamassassin.score > 5.5 or rspamd.score >= 12 or scl is 9 or dkim exists
              then junk
            }
            """),
    ].map { FuzzInput(name: $0.0, path: rulesDirectory + "/\($0.0).sluice", text: $0.1) }

    /// FNV-1a, so seeds do not change between runs (Swift's `Hasher` is seeded per process).
    static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0100_0000_01B3 }
    }
}

// MARK: - Randomness and mutations

enum Mutation: CaseIterable {
    case truncate, swapTokens, deleteToken, replaceToken, duplicateLine, insertBytes

    static func random(_ random: inout SeededGenerator) -> Mutation { random.pick(allCases) }

    /// Byte sequences to insert: structure, quoting, wildcards, broken and multi-byte UTF-8,
    /// control characters and keywords.
    static let insertions: [[UInt8]] = [
        "{", "}", "\"", "/", ",", "\n", "(", ")", ";", "#", "*", "@", ".", ":", "~", "\\", "-", " ", "\t", "\r\n",
        "é", "€", "😀", "\u{301}", "\u{FEFF}", "ü.example", "0", "9", "-1", "/24", "*.", "~x~",
        "allow ", "block ", "rule ", "when ", "then ", "priority ", "default ", "include ", "any ", "not ", "is ", "in ",
    ].map { Array($0.utf8) } + [[0x00], [0x07], [0x7F], [0x80], [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]]

    /// Words to put in place of a token: values at the edges of what each argument accepts.
    static let replacements: [String] = [
        "*", "*.*", "*.com", "~x~", "~", "x", "a@b", "@", "999999999999999999999", "-1", "0", "10", "1e400", "nan",
        "sha256:", "2026-02-30", "::/0", "1.2.3.4/33", "0.0.0.0/0", "dkim:", "/(/", "/a{2,1}/x", "\"\"", "\"ünï\"",
        "https://", "x.example:80", "header", "exists", "matches", "stop,", "quarantine", "default", "{}", "via", "days",
        "after", "last", "use", "never", "from-submission", "applies-to", "groups", "\"Finance\"", "priority",
    ]

    func apply(to bytes: inout [UInt8], _ random: inout SeededGenerator) {
        switch self {
        case .truncate:
            bytes.removeSubrange(random.below(bytes.count + 1)...)
        case .swapTokens:
            let tokens = Self.tokenRanges(bytes)
            guard tokens.count >= 2 else { return }
            var (a, b) = (random.pick(tokens), random.pick(tokens))
            if a.lowerBound > b.lowerBound { swap(&a, &b) }
            guard a.upperBound <= b.lowerBound else { return }
            let first = Array(bytes[a]), second = Array(bytes[b])
            bytes.replaceSubrange(b, with: first)
            bytes.replaceSubrange(a, with: second)
        case .deleteToken:
            let tokens = Self.tokenRanges(bytes)
            guard !tokens.isEmpty else { return }
            bytes.removeSubrange(random.pick(tokens))
        case .replaceToken:
            let tokens = Self.tokenRanges(bytes)
            guard !tokens.isEmpty else { return }
            bytes.replaceSubrange(random.pick(tokens), with: Array(random.pick(Self.replacements).utf8))
        case .duplicateLine:
            let lines = Self.lineRanges(bytes)
            guard !lines.isEmpty else { return }
            let line = random.pick(lines)
            bytes.insert(contentsOf: bytes[line], at: line.upperBound)
        case .insertBytes:
            for _ in 0..<(1 + random.below(4)) {
                bytes.insert(contentsOf: random.pick(Self.insertions), at: random.below(bytes.count + 1))
            }
        }
    }

    /// Runs of word bytes, and each punctuation byte on its own.
    static func tokenRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                index += 1
            } else if "{}(),;\"".utf8.contains(byte) {
                ranges.append(index..<index + 1)
                index += 1
            } else {
                let start = index
                while index < bytes.count && !" \n\t\r{}(),;\"".utf8.contains(bytes[index]) { index += 1 }
                ranges.append(start..<index)
            }
        }
        return ranges
    }

    /// Each line with its line break.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            ranges.append(start..<offset + 1)
            start = offset + 1
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }
}
