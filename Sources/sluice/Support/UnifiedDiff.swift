/// A line-based unified diff (`diff -u` format): `---`/`+++` names, then hunks headed
/// `@@ -start,count +start,count @@` with three lines of context, merged when their contexts
/// touch. Lines compare byte for byte, line breaks included, so a missing final line break or a
/// `\r\n` shows as a change; a last line without a break is followed by
/// `\ No newline at end of file`, as `patch` expects.
enum UnifiedDiff {
    static let contextLines = 3

    /// The diff from `old` to `new`, or "" when they are the same.
    static func render(old: String, new: String, oldName: String, newName: String) -> String {
        let oldLines = lines(of: old), newLines = lines(of: new)
        // Lines become numbers, so the search compares integers, not byte arrays.
        var numbers: [ArraySlice<UInt8>: Int] = [:]
        func number(_ line: ArraySlice<UInt8>) -> Int {
            if let known = numbers[line] { return known }
            numbers[line] = numbers.count
            return numbers.count - 1
        }
        let edits = LineDiff.edits(from: oldLines.map(number), to: newLines.map(number))
        guard edits.contains(where: { $0 != .keep }) else { return "" }

        var output: [UInt8] = Array("--- \(oldName)\n+++ \(newName)\n".utf8)
        for hunk in hunks(of: edits) {
            output += hunk.header.utf8
            var oldIndex = hunk.oldStart, newIndex = hunk.newStart
            for edit in edits[hunk.edits] {
                let line: ArraySlice<UInt8>
                switch edit {
                case .keep:
                    output.append(UInt8(ascii: " "))
                    line = oldLines[oldIndex]
                    oldIndex += 1
                    newIndex += 1
                case .delete:
                    output.append(UInt8(ascii: "-"))
                    line = oldLines[oldIndex]
                    oldIndex += 1
                case .insert:
                    output.append(UInt8(ascii: "+"))
                    line = newLines[newIndex]
                    newIndex += 1
                }
                output += line
                if line.last != 0x0A { output += Array("\n\\ No newline at end of file\n".utf8) }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The lines of `text`, each with its line break if it has one.
    private static func lines(of text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            result.append(bytes[start...offset])
            start = offset + 1
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }

    private struct Hunk {
        /// The range of edits shown, context included.
        var edits: Range<Int>
        /// Zero-based index of the first old and new line shown.
        var oldStart: Int
        var newStart: Int
        var oldCount: Int
        var newCount: Int

        /// `diff -u` numbers lines from 1; an empty side names the line before it (0 at the top).
        var header: String {
            func range(start: Int, count: Int) -> String { "\(count == 0 ? start : start + 1),\(count)" }
            return "@@ -\(range(start: oldStart, count: oldCount)) +\(range(start: newStart, count: newCount)) @@\n"
        }
    }

    private static func hunks(of edits: [LineDiff.Edit]) -> [Hunk] {
        let changes = edits.indices.filter { edits[$0] != .keep }
        // Runs of changes whose contexts overlap or touch share one hunk.
        var ranges: [Range<Int>] = []
        for change in changes {
            let shown = max(0, change - contextLines)..<min(edits.count, change + 1 + contextLines)
            if let last = ranges.last, shown.lowerBound <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<shown.upperBound
            } else {
                ranges.append(shown)
            }
        }
        var hunks: [Hunk] = []
        var oldLine = 0, newLine = 0, position = 0
        for range in ranges {
            for edit in edits[position..<range.lowerBound] { advance(edit, &oldLine, &newLine) }
            var hunk = Hunk(edits: range, oldStart: oldLine, newStart: newLine, oldCount: 0, newCount: 0)
            for edit in edits[range] { advance(edit, &oldLine, &newLine) }
            hunk.oldCount = oldLine - hunk.oldStart
            hunk.newCount = newLine - hunk.newStart
            hunks.append(hunk)
            position = range.upperBound
        }
        return hunks
    }

    private static func advance(_ edit: LineDiff.Edit, _ oldLine: inout Int, _ newLine: inout Int) {
        if edit != .insert { oldLine += 1 }
        if edit != .delete { newLine += 1 }
    }
}

/// The shortest edit script between two sequences: Myers' O(ND) algorithm in linear space
/// ("An O(ND) Difference Algorithm and Its Variations", 1986, section 4b). Each range is split at
/// a point on a shortest path, found where the searches from both ends meet, until what is left
/// is only insertions or only deletions.
enum LineDiff {
    enum Edit: Equatable {
        case keep, delete, insert
    }

    static func edits(from old: [Int], to new: [Int]) -> [Edit] {
        var search = Search(old: old, new: new)
        search.compare(0..<old.count, 0..<new.count)
        return deletionsFirst(search.edits)
    }

    /// Within each run of changes, the deleted lines before the inserted ones, as `diff` shows
    /// them; the order inside each kind, and so the result, stays the same.
    private static func deletionsFirst(_ edits: [Edit]) -> [Edit] {
        var result: [Edit] = []
        var deletions = 0, insertions = 0
        for edit in edits + [.keep] {
            switch edit {
            case .delete: deletions += 1
            case .insert: insertions += 1
            case .keep:
                result += repeatElement(.delete, count: deletions)
                result += repeatElement(.insert, count: insertions)
                result.append(.keep)
                deletions = 0
                insertions = 0
            }
        }
        result.removeLast()
        return result
    }

    private struct Search {
        let old: [Int]
        let new: [Int]
        var edits: [Edit] = []
        /// Marks a diagonal no path has reached yet.
        private static let unreached = -1

        init(old: [Int], new: [Int]) {
            self.old = old
            self.new = new
        }

        mutating func compare(_ oldRange: Range<Int>, _ newRange: Range<Int>) {
            var oldLow = oldRange.lowerBound, oldHigh = oldRange.upperBound
            var newLow = newRange.lowerBound, newHigh = newRange.upperBound
            var prefix = 0, suffix = 0
            while oldLow < oldHigh && newLow < newHigh && old[oldLow] == new[newLow] {
                oldLow += 1
                newLow += 1
                prefix += 1
            }
            while oldLow < oldHigh && newLow < newHigh && old[oldHigh - 1] == new[newHigh - 1] {
                oldHigh -= 1
                newHigh -= 1
                suffix += 1
            }
            edits += repeatElement(.keep, count: prefix)
            if oldLow == oldHigh {
                edits += repeatElement(.insert, count: newHigh - newLow)
            } else if newLow == newHigh {
                edits += repeatElement(.delete, count: oldHigh - oldLow)
            } else {
                let (oldSplit, newSplit) = splitPoint(oldLow..<oldHigh, newLow..<newHigh)
                compare(oldLow..<oldSplit, newLow..<newSplit)
                compare(oldSplit..<oldHigh, newSplit..<newHigh)
            }
            edits += repeatElement(.keep, count: suffix)
        }

        /// A point on a shortest path through the ranges, strictly inside them (both ranges are
        /// non-empty and differ at both ends, so the path has at least two edits). The forward
        /// search runs from the top left, the backward one from the bottom right; after `d`
        /// steps each holds, per diagonal, how far a path with `d` edits gets. When the two
        /// overlap on a diagonal, the start of the snake there is on a shortest path.
        private func splitPoint(_ oldRange: Range<Int>, _ newRange: Range<Int>) -> (Int, Int) {
            let n = oldRange.count, m = newRange.count
            let delta = n - m
            let deltaIsOdd = delta % 2 != 0
            let maxSteps = (n + m + 1) / 2
            // Diagonal k (x - y) is at index k + offset; the backward search counts x and y
            // from the bottom right, so its diagonal k meets the forward diagonal delta - k.
            let offset = maxSteps + 1
            var forward = [Int](repeating: Self.unreached, count: 2 * offset + 1)
            var backward = forward
            for step in 0...maxSteps {
                for k in stride(from: -step, through: step, by: 2) {
                    guard let (x, y) = start(on: k, step: step, reach: forward, n: n, m: m, offset: offset) else {
                        continue
                    }
                    var end = x
                    while end < n && end - k < m && old[oldRange.lowerBound + end] == new[newRange.lowerBound + end - k] {
                        end += 1
                    }
                    forward[k + offset] = end
                    let other = delta - k
                    if deltaIsOdd && abs(other) <= step - 1 && backward[other + offset] != Self.unreached
                        && end + backward[other + offset] >= n {
                        return (oldRange.lowerBound + x, newRange.lowerBound + y)
                    }
                }
                for k in stride(from: -step, through: step, by: 2) {
                    guard let (x, _) = start(on: k, step: step, reach: backward, n: n, m: m, offset: offset) else {
                        continue
                    }
                    var end = x
                    while end < n && end - k < m
                        && old[oldRange.upperBound - 1 - end] == new[newRange.upperBound - 1 - (end - k)] {
                        end += 1
                    }
                    backward[k + offset] = end
                    let other = delta - k
                    if !deltaIsOdd && abs(other) <= step && forward[other + offset] != Self.unreached
                        && end + forward[other + offset] >= n {
                        return (oldRange.lowerBound + n - end, newRange.lowerBound + m - (end - k))
                    }
                }
            }
            preconditionFailure("the searches from both ends always meet within (n + m + 1) / 2 steps")
        }

        /// Where a path with `step` edits enters diagonal `k` before following its snake: one
        /// edit from the furthest point on a neighbouring diagonal, inside the grid; nil when no
        /// such path exists.
        private func start(on k: Int, step: Int, reach: [Int], n: Int, m: Int, offset: Int) -> (Int, Int)? {
            if step == 0 { return (0, 0) }
            var best: Int? = nil
            // An insertion: down from diagonal k + 1.
            if k + 1 <= step - 1, reach[k + 1 + offset] != Self.unreached, reach[k + 1 + offset] - k <= m {
                best = reach[k + 1 + offset]
            }
            // A deletion: right from diagonal k - 1.
            if k - 1 >= -(step - 1), reach[k - 1 + offset] != Self.unreached, reach[k - 1 + offset] + 1 <= n {
                best = max(best ?? 0, reach[k - 1 + offset] + 1)
            }
            return best.map { ($0, $0 - k) }
        }
    }
}
