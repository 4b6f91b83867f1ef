import SluiceChecking
import SluiceSyntax

/// How `explain` adds an entry to a policy file: appended under a dated comment, then the whole
/// file formatted. `explain` verifies its recommendations on exactly the text `--apply` writes,
/// so the promised outcome (entry location included) is the one the admin will see.
public enum PolicyEdit {
    /// The file's new text, or nil when the result would not parse.
    public static func appending(_ line: String, to original: String, path: String, date: CalendarDate) -> String? {
        let separator = original.hasSuffix("\n") || original.isEmpty ? "" : "\n"
        let appended = original + separator + "\n# Added by sluice explain on \(date).\n" + line + "\n"
        let (file, diagnostics) = Parser.parse(appended, path: path)
        guard diagnostics.allSatisfy({ $0.severity != .error }) else { return nil }
        return PolicyFormatter.format(file)
    }
}
