import SluiceChecking
import SluiceSyntax

/// How `explain` adds an entry to a policy file: appended under a dated comment, then the whole
/// file formatted. `explain` verifies its recommendations on exactly the text `--apply` writes,
/// so the promised outcome (entry location included) is the one the admin will see.
public enum PolicyEdit {
    /// The file's new text, or nil when the result would not parse.
    public static func appending(_ line: String, to original: String, path: String, date: CalendarDate, by tool: String = "sluice explain") -> String? {
        let separator = original.hasSuffix("\n") || original.isEmpty ? "" : "\n"
        let appended = original + separator + "\n# Added by \(tool) on \(date).\n" + line + "\n"
        let (file, diagnostics) = Parser.parse(appended, path: path)
        guard diagnostics.allSatisfy({ $0.severity != .error }) else { return nil }
        return PolicyFormatter.format(file)
    }

    /// The file's new text after replacing byte ranges (applied from the end; overlapping ones
    /// after the first are skipped), formatted; nil when the result would not parse. Returns
    /// the ranges it applied too.
    public static func replacing(_ edits: [(range: Range<Int>, replacement: String)], in bytes: [UInt8], path: String)
        -> (text: String, applied: [Range<Int>])? {
        var edited = bytes
        var lastStart = Int.max
        var applied: [Range<Int>] = []
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            guard edit.range.upperBound <= lastStart, edit.range.upperBound <= edited.count else { continue }
            edited.replaceSubrange(edit.range, with: Array(edit.replacement.utf8))
            lastStart = edit.range.lowerBound
            applied.append(edit.range)
        }
        let (file, problems) = Parser.parse(String(decoding: edited, as: UTF8.self), path: path)
        guard problems.allSatisfy({ $0.severity != .error }) else { return nil }
        return (PolicyFormatter.format(file), applied)
    }
}
