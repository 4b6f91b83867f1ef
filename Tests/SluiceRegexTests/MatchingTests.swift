import SluiceRegex
import Testing

@Suite struct MatchingTests {
    @Test func rangesAreUTF8ByteOffsetsForNonASCII() throws {
        let regex = try PCRERegex("é(b+)?c")
        let match = try #require(try regex.firstMatch(in: "xxéc"))
        #expect(match.range == 2..<5)
        #expect(match.groups == [2..<5, nil])
        #expect(match[1] == nil)
        #expect(match.substring(0, in: "xxéc") == "éc")

        let bytes = try #require(try regex.firstMatch(in: Array("xxébbc".utf8)))
        #expect(bytes.range == 2..<7)
        #expect(bytes[1] == 4..<6)
    }

    @Test func unsetGroupsAreNil() throws {
        let regex = try PCRERegex("(a)|(b)|(c)")
        #expect(regex.captureCount == 3)
        let match = try #require(try regex.firstMatch(in: "b"))
        // Group 1 is unset before a set group; group 3 is unset after the highest set one.
        #expect(match.groups == [0..<1, nil, 0..<1, nil])
        #expect(match.substring(1, in: "b") == nil)
        #expect(match.substring(2, in: "b") == "b")
        #expect(match[7] == nil)
    }

    @Test func namedGroups() throws {
        let regex = try PCRERegex("(?<user>[^@]+)@(?<domain>.+)")
        #expect(regex.groupNumber(named: "domain") == 2)
        #expect(regex.groupNumber(named: "missing") == nil)
        let subject = "jörg@exämple.org"
        let match = try #require(try regex.firstMatch(in: subject))
        #expect(match["user"] == 0..<5)
        #expect(match.substring(named: "user", in: subject) == "jörg")
        #expect(match.substring(named: "domain", in: subject) == "exämple.org")
        #expect(match["missing"] == nil)
    }

    @Test func caseInsensitiveFoldsNonASCII() throws {
        #expect(try PCRERegex("école", options: .caseInsensitive).matches("ÉCOLE"))
        #expect(try PCRERegex("école").matches("ÉCOLE") == false)
    }

    @Test func multilineAnchors() throws {
        let subject = "a\nb\nc"
        #expect(try PCRERegex("^b$").firstMatch(in: subject) == nil)
        let match = try #require(try PCRERegex("^b$", options: .multiline).firstMatch(in: subject))
        #expect(match.range == 2..<3)
    }

    @Test func dotAllExtendedAndAnchored() throws {
        #expect(try PCRERegex("a.b").matches("a\nb") == false)
        #expect(try PCRERegex("a.b", options: .dotAll).matches("a\nb"))
        #expect(try PCRERegex("a b # comment", options: .extended).matches("ab"))
        #expect(try PCRERegex("b", options: .anchored).matches("ab") == false)
        #expect(try PCRERegex("a", options: .anchored).matches("ab"))
    }

    @Test func allMatchesResumesAfterEmptyMatches() throws {
        let ranges = try PCRERegex("a*").allMatches(in: "baaac").map(\.range)
        #expect(ranges == [0..<0, 1..<4, 4..<4, 5..<5])
    }

    @Test func emptyMatchesStepOverWholeCharacters() throws {
        // An empty match must advance by a character (2 bytes for é), never into one.
        let ranges = try PCRERegex("x*").allMatches(in: "éé").map(\.range)
        #expect(ranges == [0..<0, 2..<2, 4..<4])
        let crlf = try PCRERegex("(?m)^").allMatches(in: Array("a\r\nb".utf8)).map(\.range)
        #expect(crlf == [0..<0, 3..<3])
    }

    @Test func allMatchesNonEmpty() throws {
        let subject = "to: ä@x.org, b@y.org"
        let regex = try PCRERegex(#"(\w+)@(\w+)\.org"#)
        let matches = try regex.allMatches(in: subject)
        #expect(matches.map { $0.substring(2, in: subject) } == ["x", "y"])
        #expect(matches.map(\.range) == [4..<12, 14..<21])
    }

    @Test func matchesWithMoreGroupsThanRecorded() throws {
        // `matches` records only the overall offsets; PCRE2 then returns 0, still a match.
        #expect(try PCRERegex("(a)(b)(c)").matches("xabc"))
        #expect(try PCRERegex("(a)(b)(c)").matches(Array("xab".utf8)) == false)
    }

    @Test func subjectKinds() throws {
        let regex = try PCRERegex("b+")
        let bytes = Array("aabbbc".utf8)
        // Offsets are relative to the subject's first byte, for slices and substrings too.
        #expect(try regex.firstMatch(in: bytes[1...])?.range == 1..<4)
        #expect(try regex.firstMatch(in: ContiguousArray(bytes))?.range == 2..<5)
        let string = "éabbbc"
        #expect(try regex.firstMatch(in: string.dropFirst())?.range == 1..<4)
        // A non-contiguous collection is copied, not rejected.
        #expect(try regex.firstMatch(in: bytes.lazy.map { $0 })?.range == 2..<5)
        #expect(try regex.allMatches(in: bytes.reversed()).map(\.range) == [1..<4])
    }

    @Test func emptyPatternAndSubject() throws {
        let regex = try PCRERegex("")
        #expect(try regex.firstMatch(in: "")?.range == 0..<0)
        #expect(try regex.allMatches(in: [UInt8]()).map(\.range) == [0..<0])
        #expect(try PCRERegex("a").matches([UInt8]()) == false)
    }

    @Test func embeddedNULInPatternAndSubject() throws {
        let regex = try PCRERegex("a\0b")
        #expect(try regex.firstMatch(in: [0x78, 0x61, 0x00, 0x62])?.range == 1..<4)
        #expect(try regex.matches([0x61, 0x62]) == false)
    }

    @Test func bytesOptionMatchesInvalidUTF8() throws {
        let subject: [UInt8] = [0x61, 0xFF, 0xC3, 0x62]
        let match = try #require(try PCRERegex(#"\xff(.)b"#, options: .bytes).firstMatch(in: subject))
        #expect(match.range == 1..<4)
        #expect(match[1] == 2..<3)
    }

    @Test func bytesOptionTreatsCharactersAsBytes() throws {
        #expect(try PCRERegex("a..b", options: .bytes).matches("aéb"))
        #expect(try PCRERegex("a.b", options: .bytes).matches("aéb") == false)
        #expect(try PCRERegex("a.b").matches("aéb"))
        // A byte range that splits a character has no substring.
        let match = try #require(try PCRERegex(".", options: .bytes).firstMatch(in: "é"))
        #expect(match.range == 0..<1)
        #expect(match.substring(0, in: "é") == nil)
    }

    @Test func compiledWithJIT() throws {
        #expect(try PCRERegex("a+b").isJITCompiled)
        #expect(PCRERegex.pcre2Version.hasPrefix("10."))
    }

    @Test func oneRegexSharedAcrossTasks() async throws {
        let regex = try PCRERegex(#"user(\d+)@host(\d+)\.ëxample"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<64 {
                group.addTask {
                    for i in 0..<200 {
                        let n = task * 1_000 + i
                        let subject = "from: user\(n)@host\(n * 7).ëxample"
                        guard let match = try? regex.firstMatch(in: subject),
                              match.substring(1, in: subject) == "\(n)",
                              match.substring(2, in: subject) == "\(n * 7)",
                              (try? regex.matches("user\(n)@host.ëxample")) == false
                        else { return false }
                    }
                    return true
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0 })
    }
}
