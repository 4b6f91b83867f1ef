import SluiceRegex
import Testing

@Suite struct OptionsTests {
    @Test func parsesLiteralFlags() throws {
        let parsed = try #require(PCRERegex.parseLiteral("/x/im"))
        #expect(parsed.pattern == "x")
        #expect(parsed.options == [.caseInsensitive, .multiline])
        let options = try #require(PCRERegex.parseLiteral(#"/a\/b/sx"#))
        #expect(options.pattern == #"a\/b"#)
        #expect(options.options == [.dotAll, .extended])
        #expect(PCRERegex.parseLiteral("/a/")?.options == [])
        #expect(PCRERegex.parseLiteral("//")?.pattern == "")
    }

    @Test func rejectsMalformedLiterals() {
        #expect(PCRERegex.parseLiteral("/x/q") == nil)
        #expect(PCRERegex.parseLiteral("x/i") == nil)
        #expect(PCRERegex.parseLiteral("/") == nil)
        #expect(PCRERegex.parseLiteral("/abc") == nil)
    }

    @Test func flagsInit() {
        #expect(PCRERegex.Options(flags: "") == [])
        #expect(PCRERegex.Options(flags: "smxi") == [.dotAll, .multiline, .extended, .caseInsensitive])
        #expect(PCRERegex.Options(flags: "ii") == .caseInsensitive)
        #expect(PCRERegex.Options(flags: "I") == nil)
    }

    @Test func parsedLiteralCompilesAndMatches() throws {
        let parsed = try #require(PCRERegex.parseLiteral(#"/^subject:\s*free/im"#))
        let regex = try PCRERegex(parsed.pattern, options: parsed.options)
        #expect(try regex.firstMatch(in: "From: a\nSUBJECT: FREE stuff")?.range == 8..<21)
    }
}
