import Foundation
import SluiceDiagnostics
import SluiceWorkload
import Testing

@testable import SluiceSyntax

@Suite("Formatter: the canonical layout of sluice fmt")
struct FormatterTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/format")

    /// `NAME` for every `NAME.input.sluice` beside a `NAME.expected.sluice`.
    static let goldenNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: goldenDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".input.sluice") }.map { String($0.dropLast(".input.sluice".count)) }.sorted()
    }()

    /// Every policy under rules/ (however many there are), and every golden input, relative to
    /// the package root.
    static let policies: [String] = {
        var found: [String] = []
        let rules = packageRoot.appendingPathComponent("rules")
        if let walker = FileManager.default.enumerator(atPath: rules.path) {
            while let relative = walker.nextObject() as? String {
                if relative.hasSuffix(".sluice") { found.append("rules/" + relative) }
            }
        }
        return found.sorted() + goldenNames.map { "Tests/SluiceSyntaxTests/Fixtures/format/\($0).input.sluice" }
    }()

    private static func read(_ relative: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent(relative), encoding: .utf8)
    }

    private func format(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let (file, diagnostics) = Parser.parse(text, path: "t.sluice")
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics)", sourceLocation: sourceLocation)
        return PolicyFormatter.format(file)
    }

    /// What the lexer reads as comments, so a comment the tree lost would still be counted.
    private func commentTexts(_ text: String) -> [String] {
        var lexer = Lexer(source: SourceFile(path: "t.sluice", text: text))
        return lexer.tokenize().filter { $0.kind == .comment }.map { String($0.text) }.sorted()
    }

    @Test("the corpus is found: the golden pairs and the shipped policies")
    func corpusIsFound() {
        #expect(Self.goldenNames.count >= 8)
        #expect(Self.policies.filter { $0.hasPrefix("rules/presets/") }.count >= 4)
        for name in Self.goldenNames {
            let expected = Self.goldenDirectory.appendingPathComponent("\(name).expected.sluice")
            #expect(FileManager.default.fileExists(atPath: expected.path), "`\(name)` has no expected file")
        }
    }

    @Test("golden files: the input formats to the expected text, which is already canonical", arguments: goldenNames)
    func golden(name: String) throws {
        let directory = "Tests/SluiceSyntaxTests/Fixtures/format/"
        let input = try Self.read(directory + name + ".input.sluice")
        let expected = try Self.read(directory + name + ".expected.sluice")
        #expect(format(input) == expected)
        #expect(format(expected) == expected)
    }

    @Test("formatting keeps the tree and every comment, re-parses cleanly and is idempotent", arguments: policies)
    func invariants(path: String) throws {
        let text = try Self.read(path)
        let (original, diagnostics) = Parser.parse(text, path: path)
        try #require(!diagnostics.contains { $0.severity == .error }, "\(diagnostics)")
        let formatted = PolicyFormatter.format(original)
        let (reparsed, reparseDiagnostics) = Parser.parse(formatted, path: path)
        #expect(reparseDiagnostics.isEmpty, "\(reparseDiagnostics)")
        #expect(reparsed.dump() == original.dump())
        #expect(PolicyFormatter.format(reparsed) == formatted)
        #expect(commentTexts(formatted) == commentTexts(text))
    }

    @Test("random edits of a policy that still parse without errors format to the same tree", arguments: 0..<8)
    func fuzz(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        func next(_ bound: Int) -> Int { random.below(bound) }
        let base = Array("""
            # header

            organization { accepted-domains a.example, b.example ; mx-elsewhere no }  # org
            allow sender x@y.example expires 45 days note "n \\ \"q\"\t"
            rule "r" {
              when (subject matches /a(b|c)\\//i or not spf is pass) and any url.host in x.example,
                y.example and header "X" exists
              then mark phish, stop
              # end
            }
            """.unicodeScalars)
        let alphabet = Array("{}(),;\"/#\n\r\t\\ ab*~@.=".unicodeScalars)
        var clean = 0
        for _ in 0..<150 {
            var scalars = base
            for _ in 0..<(1 + next(4)) {
                let position = next(scalars.count)
                if next(2) == 0 {
                    scalars.remove(at: position)
                } else {
                    scalars.insert(alphabet[next(alphabet.count)], at: position)
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            let (original, diagnostics) = Parser.parse(text, path: "fuzz.sluice")
            guard !diagnostics.contains(where: { $0.severity == .error }) else { continue }
            clean += 1
            let formatted = PolicyFormatter.format(original)
            let (reparsed, reparseDiagnostics) = Parser.parse(formatted, path: "fuzz.sluice")
            #expect(reparseDiagnostics.isEmpty, "\(text.debugDescription)")
            #expect(reparsed.dump() == original.dump(), "\(text.debugDescription)")
            #expect(PolicyFormatter.format(reparsed) == formatted, "\(text.debugDescription)")
            #expect(commentTexts(formatted) == commentTexts(text), "\(text.debugDescription)")
        }
        #expect(clean >= 30, "only \(clean) of 150 edits parse cleanly; the test checks too little")
    }

    @Test("an empty file, or one of blank lines and separators, formats to nothing")
    func empty() {
        #expect(format("") == "")
        #expect(format("\n \n\t;\n;;\n") == "")
    }

    @Test("the file ends with exactly one line break")
    func finalLineBreak() {
        #expect(format("allow sender a@b.example") == "allow sender a@b.example\n")
        #expect(format("allow sender a@b.example\n\n\n") == "allow sender a@b.example\n")
        #expect(format("# only a comment") == "# only a comment\n")
    }

    @Test("CRLF line breaks become LF, and a comment does not keep the CR")
    func crlf() {
        let text = "# header\r\n\r\norganization {  # org\r\n  mx-elsewhere no\r\n  # closing\r\n}\r\n"
        #expect(format(text) == "# header\n\norganization {\n  # org\n  mx-elsewhere no\n  # closing\n}\n")
        #expect(format("a 1 # cut short\r") == "a 1  # cut short\n")
    }

    @Test("a list fills its line up to 100 columns and breaks after a comma past it")
    func lineWidth() {
        let first = String(repeating: "a", count: 40) + ".example"
        let start = "  accepted-domains \(first), "
        let second = String(repeating: "b", count: PolicyFormatter.maxLineWidth - start.count - 8) + ".example"
        let fits = "organization {\n\(start)\(second)\n}\n"
        #expect(format(fits) == fits)
        let tooLong = "organization {\n\(start)b\(second)\n}\n"
        #expect(format(tooLong) == "organization {\n  accepted-domains \(first),\n    b\(second)\n}\n")
    }

    @Test("an item wider than a line gets a continuation line of its own, unbroken")
    func overlongItem() {
        let long = String(repeating: "x", count: 120) + ".example"
        #expect(format("organization {\n  accepted-domains a.example, \(long), b.example\n}") == """
            organization {
              accepted-domains a.example,
                \(long),
                b.example
            }

            """)
    }

    @Test("a string takes the escapes the lexer knows, and its value survives a round trip")
    func stringEscapes() throws {
        let value = "quote \" backslash \\ newline \n tab \t raw \u{7} é"
        let literal = PolicyFormatter.quoted(value)
        #expect(literal == "\"quote \\\" backslash \\\\ newline \\n tab \\t raw \u{7} é\"")
        let (file, diagnostics) = Parser.parse("a \(literal)", path: "t.sluice")
        #expect(diagnostics.isEmpty)
        guard case .string(let string)? = file.statements.first?.arguments.first else {
            Issue.record("no string argument")
            return
        }
        #expect(string.value == value)
    }
}
