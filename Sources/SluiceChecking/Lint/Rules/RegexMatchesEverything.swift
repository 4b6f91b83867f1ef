import SluiceDiagnostics

/// A regex test that every value passes, because the pattern matches the empty string and is
/// not anchored to anything required (`/.*/`, `/(invoice)?/`, `/a*/`): the rule fires on every
/// message that has the subject at all, which is rarely what its author meant.
public struct RegexMatchesEverything: LintRule {
    public static let id = "regex-matches-everything"
    public static let severity = Severity.warning
    public static let summary = "a regex that matches every value"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.regexTests.compactMap { test, regex in
            guard (try? regex.regex.matches("")) == true,
                (try? regex.regex.matches("\u{1}zq9")) == true
            else { return nil }
            return finding("\(regex.written) matches the empty string, so every \(test.subject.name) passes", at: test.span,
                           help: "require something: `+` instead of `*`, or drop the `?` around the word")
        }
    }
}
