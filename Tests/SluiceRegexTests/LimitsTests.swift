import SluiceRegex
import Testing

@Suite struct LimitsTests {
    @Test func catastrophicBacktrackingHitsMatchLimitQuickly() throws {
        let regex = try PCRERegex("(a+)+$")
        let subject = String(repeating: "a", count: 40) + "b"
        let elapsed = ContinuousClock().measure {
            #expect(throws: RegexError.matchLimitExceeded) { try regex.firstMatch(in: subject) }
            #expect(throws: RegexError.matchLimitExceeded) { try regex.matches(Array(subject.utf8)) }
        }
        #expect(elapsed < .seconds(2))
    }

    @Test func customMatchLimit() throws {
        let regex = try PCRERegex("(a+)+$")
        let subject = String(repeating: "a", count: 12) + "b"
        #expect(try regex.matches(subject) == false)
        let tight = MatchLimits(matchLimit: 100, depthLimit: 1_000, heapLimitKiB: nil)
        #expect(throws: RegexError.matchLimitExceeded) { try regex.matches(subject, limits: tight) }
    }

    @Test func jitStackOverflowFallsBackToInterpreter() throws {
        // A few thousand iterations of an alternation group overflow the JIT's 32 KiB stack.
        let regex = try PCRERegex("(?:a|b)*c")
        let subject = String(repeating: "ab", count: 10_000) + "c"
        #expect(try regex.firstMatch(in: subject)?.range == 0..<20_001)
        #expect(try regex.matches(Array(subject.utf8)))
    }

    @Test func interpreterFallbackHonoursDepthAndHeapLimits() throws {
        let nested = try PCRERegex(#"^(\((?1)*\))$"#)
        let subject = String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000)
        #expect(throws: RegexError.depthLimitExceeded) { try nested.matches(subject) }
        let roomy = MatchLimits(matchLimit: 10_000_000, depthLimit: 10_000_000, heapLimitKiB: nil)
        #expect(try nested.matches(subject, limits: roomy))

        let repeated = try PCRERegex("(?:a|b)*c")
        let long = String(repeating: "ab", count: 50_000) + "c"
        let smallHeap = MatchLimits(matchLimit: 10_000_000, depthLimit: 10_000_000, heapLimitKiB: 1_024)
        #expect(throws: RegexError.heapLimitExceeded) { try repeated.matches(long, limits: smallHeap) }
    }

    @Test func jitIgnoresDepthLimit() throws {
        let regex = try PCRERegex("(?:a|b)*c")
        try #require(regex.isJITCompiled)
        // 200 iterations fit the JIT stack, so the interpreter's depth limit never applies.
        let limits = MatchLimits(matchLimit: 1_000_000, depthLimit: 10, heapLimitKiB: nil)
        #expect(try regex.matches(String(repeating: "ab", count: 100) + "c", limits: limits))
    }
}
