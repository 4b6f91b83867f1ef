import SluiceWorkload
import Testing

@testable import sluice

@Suite("Unified diff: the format of diff -u, from a shortest edit script")
struct UnifiedDiffTests {
    private func render(_ old: String, _ new: String) -> String {
        UnifiedDiff.render(old: old, new: new, oldName: "p.sluice", newName: "p.sluice")
    }

    private func numbered(_ range: ClosedRange<Int>) -> String {
        range.map { "line \($0)\n" }.joined()
    }

    @Test("equal texts have no diff")
    func equal() {
        #expect(render("", "") == "")
        #expect(render("a\nb\n", "a\nb\n") == "")
    }

    @Test("a change shows three lines of context on each side")
    func context() {
        let new = numbered(1...10).replacingLine(5, with: "five\n")
        #expect(render(numbered(1...10), new) == """
            --- p.sluice
            +++ p.sluice
            @@ -2,7 +2,7 @@
             line 2
             line 3
             line 4
            -line 5
            +five
             line 6
             line 7
             line 8

            """)
    }

    @Test("changes six unchanged lines apart share a hunk; seven apart do not")
    func hunks() {
        let close = numbered(1...20).replacingLine(3, with: "x\n").replacingLine(10, with: "y\n")
        #expect(render(numbered(1...20), close).split(separator: "\n").filter { $0.hasPrefix("@@") } == ["@@ -1,13 +1,13 @@"])
        let apart = numbered(1...20).replacingLine(3, with: "x\n").replacingLine(11, with: "y\n")
        let diff = render(numbered(1...20), apart)
        #expect(diff.contains("@@ -1,6 +1,6 @@\n"))
        #expect(diff.contains("@@ -8,7 +8,7 @@\n"))
    }

    @Test("an empty side is numbered from the line before it")
    func emptySides() {
        #expect(render("", "a\nb\n") == "--- p.sluice\n+++ p.sluice\n@@ -0,0 +1,2 @@\n+a\n+b\n")
        #expect(render("a\n", "") == "--- p.sluice\n+++ p.sluice\n@@ -1,1 +0,0 @@\n-a\n")
        #expect(render("a\nb\n", "x\na\nb\n") == "--- p.sluice\n+++ p.sluice\n@@ -1,2 +1,3 @@\n+x\n a\n b\n")
    }

    @Test("a missing final line break is a change, marked as patch expects")
    func missingFinalLineBreak() {
        #expect(render("a\nb", "a\nb\n") == """
            --- p.sluice
            +++ p.sluice
            @@ -1,2 +1,2 @@
             a
            -b
            \\ No newline at end of file
            +b

            """)
    }

    @Test("deleted lines come before inserted ones within a change")
    func deletionsFirst() {
        #expect(render("a\nb\nc\n", "a\nx\ny\nc\n") == "--- p.sluice\n+++ p.sluice\n@@ -1,3 +1,4 @@\n a\n-b\n+x\n+y\n c\n")
    }

    @Test("random texts: the diff applies exactly and is as short as the longest common subsequence allows",
          arguments: 0..<20)
    func random(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed))
        func next(_ bound: Int) -> Int { random.below(bound) }
        let alphabet = ["a\n", "b\n", "c\n", "d\n"]
        for _ in 0..<200 {
            let letters = 1 + next(4)
            var old = (0..<next(14)).map { _ in alphabet[next(letters)] }
            var new = (0..<next(14)).map { _ in alphabet[next(letters)] }
            if next(4) == 0, !old.isEmpty { old[old.count - 1] = "z" }
            if next(4) == 0, !new.isEmpty { new[new.count - 1] = "z" }
            let diff = render(old.joined(), new.joined())
            if old == new {
                #expect(diff == "")
                continue
            }
            #expect(try UnifiedDiffApplier.apply(diff, to: old.joined()) == new.joined(), "\(old) → \(new)\n\(diff)")
            let changed = UnifiedDiffApplier.lines(of: diff).dropFirst(2).filter { $0.hasPrefix("-") || $0.hasPrefix("+") }
            #expect(changed.count == old.count + new.count - 2 * longestCommonSubsequence(old, new), "\(old) → \(new)\n\(diff)")
        }
    }

    private func longestCommonSubsequence(_ a: [String], _ b: [String]) -> Int {
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0..<a.count {
            for j in 0..<b.count {
                table[i + 1][j + 1] = a[i] == b[j] ? table[i][j] + 1 : max(table[i][j + 1], table[i + 1][j])
            }
        }
        return table[a.count][b.count]
    }
}

extension String {
    /// The text with its 1-based line `number` replaced.
    fileprivate func replacingLine(_ number: Int, with line: String) -> String {
        var lines = UnifiedDiffApplier.lines(of: self)
        lines[number - 1] = line
        return lines.joined()
    }
}
