import SluiceRegex
import Testing

/// The scanner against a naive search: random literals over a small alphabet (so they overlap
/// and share prefixes), random texts of lengths around the lane threshold and widths, literals
/// planted at lane boundaries.
@Suite struct LiteralScannerTests {
    private struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    private static let alphabet = Array("abAB .-é".utf8)

    private static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    private static func naive(_ literals: [[UInt8]], _ text: [UInt8]) -> [Bool] {
        let folded = text.map(lower)
        return literals.map { literal in
            let literal = literal.map(lower)
            guard !literal.isEmpty, literal.count <= folded.count else { return false }
            return (0...(folded.count - literal.count)).contains { Array(folded[$0..<$0 + literal.count]) == literal }
        }
    }

    private func check(_ scanner: LiteralScanner, _ literals: [[UInt8]], _ text: [UInt8]) {
        let hits = text.withUnsafeBufferPointer(scanner.scan)
        let expected = Self.naive(literals, text)
        #expect(literals.indices.map(hits.contains) == expected, "text \(String(decoding: text, as: UTF8.self))")
        #expect(hits.hasNonASCII == text.contains { $0 >= 0x80 })
        let firstLiterals = 0..<min(64, literals.count)
        #expect(firstLiterals.map { hits.containsAny(ofFirst64: 1 << UInt64($0)) } == Array(expected[firstLiterals]))
        #expect(hits.containsAny(ofFirst64: ~0) == expected[firstLiterals].contains(true))
    }

    @Test("random literals and texts agree with a naive search", arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomAgainstNaive(seed: UInt64) {
        var random = Random(state: seed)
        // Up to 150 literals, so hit sets past 64 literals are exercised too.
        let literals = (0..<(1 + random.next(150))).map { _ in
            (0..<random.next(7)).map { _ in Self.alphabet[random.next(Self.alphabet.count)] }
        }
        let scanner = LiteralScanner(literals)
        for length in [0, 1, 2, 7, 63, 255, 256, 257, 258, 259, 260, 511, 1_000, 1_003, 4_099] {
            let text = (0..<length).map { _ in Self.alphabet[random.next(Self.alphabet.count - 1)] }
            check(scanner, literals, text)
        }
    }

    @Test("a literal is found wherever it lies, lane boundaries included")
    func literalsAtEveryPosition() {
        let literals = ["needle", "dle", "x"].map { Array($0.utf8) }
        let scanner = LiteralScanner(literals)
        for length in [256, 257, 258, 259, 300] {
            for position in 0...(length - 6) {
                var text = [UInt8](repeating: UInt8(ascii: "n"), count: length)
                text.replaceSubrange(position..<position + 6, with: Array("NeEdLe".utf8))
                check(scanner, literals, text)
            }
        }
    }

    @Test func noLiteralsAndEmptyLiterals() {
        let none = LiteralScanner([])
        #expect(!none.scan("anything").hasNonASCII)
        let empty = LiteralScanner([[], Array("a".utf8)])
        let hits = empty.scan("a")
        #expect(!hits.contains(0) && hits.contains(1))
    }
}
