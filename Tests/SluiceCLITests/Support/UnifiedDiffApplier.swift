/// Applies a unified diff as `patch` would, strictly: every context and deleted line must match
/// the old text where its hunk header says, and each hunk must hold the counts it announces. Tests
/// use it to show that a diff says exactly how to turn the old text into the new one.
enum UnifiedDiffApplier {
    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    static func apply(_ diff: String, to old: String) throws -> String {
        let diffLines = lines(of: diff)
        let oldLines = lines(of: old)
        guard diffLines.count >= 2, diffLines[0].hasPrefix("--- "), diffLines[1].hasPrefix("+++ ") else {
            throw Mismatch(description: "no `---`/`+++` header")
        }
        var result: [String] = []
        var oldIndex = 0
        var index = 2
        while index < diffLines.count {
            let header = try parseHeader(diffLines[index])
            let hunkStart = header.oldCount == 0 ? header.oldStart : header.oldStart - 1
            guard hunkStart >= oldIndex, hunkStart <= oldLines.count else {
                throw Mismatch(description: "hunk `\(diffLines[index].dropLast())` is out of order or out of range")
            }
            result += oldLines[oldIndex..<hunkStart]
            oldIndex = hunkStart
            guard result.count == (header.newCount == 0 ? header.newStart : header.newStart - 1) else {
                throw Mismatch(description: "hunk `\(diffLines[index].dropLast())` starts at the wrong new line")
            }
            index += 1
            var oldSeen = 0, newSeen = 0
            while index < diffLines.count && !diffLines[index].hasPrefix("@@") {
                let marker = diffLines[index].first
                guard marker == " " || marker == "-" || marker == "+" else {
                    throw Mismatch(description: "unexpected diff line `\(diffLines[index])`")
                }
                var text = String(diffLines[index].dropFirst())
                if index + 1 < diffLines.count && diffLines[index + 1] == "\\ No newline at end of file\n" {
                    text = String(decoding: text.utf8.dropLast(), as: UTF8.self)
                    index += 1
                }
                index += 1
                if marker == " " || marker == "-" {
                    guard oldIndex < oldLines.count, oldLines[oldIndex] == text else {
                        throw Mismatch(description: "line \(oldIndex + 1) of the old text is not `\(text)`")
                    }
                    oldIndex += 1
                    oldSeen += 1
                }
                if marker == " " || marker == "+" {
                    result.append(text)
                    newSeen += 1
                }
            }
            guard oldSeen == header.oldCount, newSeen == header.newCount else {
                throw Mismatch(description: "a hunk does not hold the line counts its header announces")
            }
        }
        return (result + oldLines[oldIndex...]).joined()
    }

    /// `@@ -a,b +c,d @@`
    private static func parseHeader(_ line: String) throws -> (oldStart: Int, oldCount: Int, newStart: Int, newCount: Int) {
        let fields = line.split(separator: " ")
        guard fields.count == 4, fields[0] == "@@", fields[3] == "@@\n", fields[1].hasPrefix("-"), fields[2].hasPrefix("+") else {
            throw Mismatch(description: "bad hunk header `\(line)`")
        }
        func range(_ field: Substring) throws -> (Int, Int) {
            let numbers = field.dropFirst().split(separator: ",").compactMap { Int($0) }
            guard numbers.count == 2 else { throw Mismatch(description: "bad range `\(field)` in `\(line)`") }
            return (numbers[0], numbers[1])
        }
        let (oldStart, oldCount) = try range(fields[1])
        let (newStart, newCount) = try range(fields[2])
        return (oldStart, oldCount, newStart, newCount)
    }

    /// Lines with their line breaks, split on LF bytes (a Swift `Character` may hold `\r\n`).
    static func lines(of text: String) -> [String] {
        var result: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            current.append(byte)
            if byte == 0x0A {
                result.append(String(decoding: current, as: UTF8.self))
                current = []
            }
        }
        if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
        return result
    }
}
