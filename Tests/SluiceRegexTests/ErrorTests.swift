import SluiceRegex
import Testing

@Suite struct ErrorTests {
    @Test func compileErrorMessageAndByteOffset() {
        #expect(throws: RegexError.compile(message: "missing closing parenthesis", offset: 4)) {
            try PCRERegex("ab(c")
        }
        #expect(throws: RegexError.compile(message: "numbers out of order in {} quantifier", offset: 5)) {
            try PCRERegex("a{2,1}")
        }
    }

    @Test func compileErrorOffsetMapsToCharacters() throws {
        let pattern = "éé)"
        let error = try #require(throws: RegexError.self) { try PCRERegex(pattern) }
        guard case let .compile(message, offset) = error else {
            Issue.record("expected a compile error, got \(error)")
            return
        }
        #expect(message == "unmatched closing parenthesis")
        #expect(offset == 4)
        #expect(error.characterOffset(inPattern: pattern) == 2)
        // An offset inside a multi-byte character points at that character.
        #expect(RegexError.compile(message: "", offset: 3).characterOffset(inPattern: pattern) == 1)
        #expect(RegexError.matchLimitExceeded.characterOffset(inPattern: pattern) == nil)
    }

    @Test func invalidUTF8SubjectWithUTFPattern() throws {
        let regex = try PCRERegex("b")
        let subject: [UInt8] = [0x61, 0xC3, 0x28, 0x62]
        #expect(throws: RegexError.invalidUTF8(offset: 1)) { try regex.firstMatch(in: subject) }
        #expect(throws: RegexError.invalidUTF8(offset: 1)) { try regex.matches(subject) }
        // The whole subject is validated, even past the first match.
        #expect(throws: RegexError.invalidUTF8(offset: 3)) {
            try regex.allMatches(in: [0x62, 0x61, 0x62, 0xFF])
        }
    }

    @Test func errorDescriptionsAreLowerCase() {
        let errors: [RegexError] = [
            .compile(message: "missing closing parenthesis", offset: 4),
            .matchLimitExceeded, .depthLimitExceeded, .heapLimitExceeded,
            .invalidUTF8(offset: 1), .other(code: -48, message: "no more memory"),
        ]
        for error in errors {
            #expect(error.description.first?.isLowercase == true)
        }
        #expect(RegexError.invalidUTF8(offset: 7).description.contains("7"))
    }
}
