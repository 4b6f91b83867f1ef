import SluiceDiagnostics

/// A regex that can never match: an end anchor `$` followed by something that must match after
/// it, or a start anchor `^` after something that must match before it (without the `m` flag,
/// which makes them line anchors). The rule it belongs to never fires.
public struct RegexNeverMatches: LintRule {
    public static let id = "regex-never-matches"
    public static let severity = Severity.error
    public static let summary = "a regex that can never match"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.regexTests.compactMap { test, regex in
            guard !regex.regex.options.contains(.multiline),
                let spot = Self.misplacedAnchor(regex.regex.pattern)
            else { return nil }
            return finding("\(regex.written) can never match: \(spot)", at: test.span,
                           help: "move the anchor to the end (`$`) or the start (`^`), or add the `m` flag for line anchors")
        }
    }

    /// Describes a `$` with a literal after it, or a `^` with a literal before it, at the top
    /// level of the pattern (outside groups, classes and alternation, where the analysis is sure).
    static func misplacedAnchor(_ pattern: String) -> String? {
        let characters = Array(pattern)
        guard !characters.contains("|") else { return nil }
        var depth = 0, inClass = false, index = 0
        var literalBefore = false
        while index < characters.count {
            let character = characters[index]
            if character == "\\" { if depth == 0 && !inClass { literalBefore = true }; index += 2; continue }
            if inClass { if character == "]" { inClass = false }; index += 1; continue }
            switch character {
            case "[": inClass = true
            case "(": depth += 1
            case ")": depth -= 1
            case "^" where depth == 0 && literalBefore:
                return "`^` comes after text that must match first"
            case "$" where depth == 0:
                // Anything that must match after the end: a letter, digit, space or escaped char.
                let rest = characters[(index + 1)...].filter { $0 != ")" }
                if let next = rest.first, next.isLetter || next.isNumber || next == " " || next == "\\" {
                    return "`$` is followed by `\(next == " " ? "a space" : String(next))`"
                }
            default:
                if depth == 0, character.isLetter || character.isNumber {
                    let next = index + 1 < characters.count ? characters[index + 1] : " "
                    if next != "?" && next != "*" && next != "{" { literalBefore = true }
                }
            }
            index += 1
        }
        return nil
    }
}
