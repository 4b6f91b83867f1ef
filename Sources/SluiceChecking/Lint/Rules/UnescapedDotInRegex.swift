import SluiceDiagnostics

/// A regex that looks like a host name with an unescaped dot (`/contoso.com$/`): `.` matches
/// any character, so `contosoXcom` matches too, which is how lookalike domains slip through.
public struct UnescapedDotInRegex: LintRule {
    public static let id = "regex-unescaped-dot"
    public static let severity = Severity.warning
    public static let summary = "a host-like regex with an unescaped dot"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.regexTests.compactMap { test, regex in
            guard let dot = Self.hostLikeDot(regex.regex.pattern) else { return nil }
            return finding("`.` in \(regex.written) matches any character, not only a dot", at: test.span,
                           notes: ["in `\(regex.regex.pattern)` at `\(dot)`"], help: "write `\\.` for a literal dot")
        }
    }

    /// The first `label.label` spot where the dot is unescaped and outside a class, with
    /// letters on both sides (so `.*` and `a.b` in prose-like patterns pass only when host-like).
    static func hostLikeDot(_ pattern: String) -> String? {
        let characters = Array(pattern)
        var inClass = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\" { index += 2; continue }
            if character == "[" { inClass = true } else if character == "]" { inClass = false }
            if character == ".", !inClass, index > 1, index + 2 < characters.count,
                characters[index - 1].isLetter, characters[index - 2].isLetter, characters[index + 1].isLetter, characters[index + 2].isLetter
            {
                return String(characters[(index - 2)...(index + 2)])
            }
            index += 1
        }
        return nil
    }
}
