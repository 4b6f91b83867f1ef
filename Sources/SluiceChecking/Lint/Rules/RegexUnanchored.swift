import SluiceDiagnostics

/// A host or file-name regex written as a whole name but not anchored: `/contoso\.com/` on
/// `from.domain` also matches `contoso.com.attacker.example`, and `/\.exe/` on
/// `attachment.name` also matches `setup.exe.pdf`. Anchor it (`/(^|\.)contoso\.com$/`, `/\.exe$/i`).
public struct RegexUnanchored: LintRule {
    public static let id = "regex-unanchored"
    public static let severity = Severity.warning
    public static let summary = "a host or file-name regex that is not anchored"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let named: Set<RuleSubject> = [.fromDomain, .urlHost, .helo, .attachmentName]
        return context.regexTests.compactMap { test, regex in
            guard named.contains(test.subject) else { return nil }
            let pattern = regex.regex.pattern
            guard pattern.contains("\\."), !pattern.contains("$"), !pattern.contains("\\z"), !pattern.contains("\\Z") else { return nil }
            return finding("\(regex.written) is not anchored at the end, so it also matches longer \(test.subject == .attachmentName ? "names" : "hosts")",
                           at: test.span, help: test.subject == .attachmentName ? "end it with `$`: `/\\.exe$/i`" : "anchor it: `/(^|\\.)contoso\\.com$/`")
        }
    }
}
