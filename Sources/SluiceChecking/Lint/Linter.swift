import SluiceDiagnostics
import SluiceSyntax

/// Runs every lint rule over a checked policy and applies suppressions: a comment
/// `# sluice-lint: ignore RULE-ID reason` before a statement (or after it on its line) silences
/// that rule's findings inside the statement. A suppression that silences nothing is itself a
/// finding (`lint.unused-suppression`), and one without a reason is too.
public struct Linter: Sendable {
    public static let rules: [any LintRule] = [
        DuplicateEntry(), AllowAndBlock(), ShadowedEntry(), OwnDomainAllow(), ConsumerDomainAllow(), TopLevelDomainAllow(),
        ExpiredEntry(), ExpiringEntry(), AllowWithoutNote(), IneffectiveAllow(), FromOnlyBypass(), ReleaseWhereRequestOnly(),
        NotifyWithoutPermissions(), UnusedQuarantinePolicy(), UnusedGroup(), UnescapedDotInRegex(), RegexBacktracking(),
        RegexMatchesEverything(), RegexUnanchored(), RegexNeverMatches(), UnreachableRule(), LookalikeDomain(), ListSizeLimit(),
    ]

    public init() {}

    public func lint(_ context: LintContext, files: [String: PolicyFile]) -> [Diagnostic] {
        var findings = Self.rules.flatMap { $0.check(context) }
        var suppressions: [Suppression] = []
        for (_, file) in files.sorted(by: { $0.key < $1.key }) { collect(file.statements, file: file, into: &suppressions) }
        var used = Set<Int>()
        findings.removeAll { finding in
            guard case .source(let span)? = finding.location else { return false }
            guard let index = suppressions.firstIndex(where: {
                $0.file == span.file && $0.statement.contains(span.start) && finding.code.rawValue == "lint.\($0.rule)"
            }) else { return false }
            used.insert(index)
            return true
        }
        for (index, suppression) in suppressions.enumerated() {
            if !Self.rules.contains(where: { type(of: $0).id == suppression.rule }) {
                findings.append(Diagnostic("lint.unknown-suppression", .warning, "`\(suppression.rule)` is not a lint rule",
                                           at: .source(suppression.span), help: "`sluice lint --list` prints the rules"))
            } else if !used.contains(index) {
                findings.append(Diagnostic("lint.unused-suppression", .warning, "this suppression of `\(suppression.rule)` silences nothing",
                                           at: .source(suppression.span), help: "remove it"))
            } else if suppression.reason.isEmpty {
                findings.append(Diagnostic("lint.suppression-without-reason", .info, "say why `\(suppression.rule)` is suppressed",
                                           at: .source(suppression.span), help: "`# sluice-lint: ignore \(suppression.rule) the reason`"))
            }
        }
        return findings.sorted { a, b in
            guard case .source(let x)? = a.location, case .source(let y)? = b.location else { return false }
            return (x.file, x.start, a.code.rawValue) < (y.file, y.start, b.code.rawValue)
        }
    }

    private struct Suppression {
        var rule: String
        var reason: String
        var file: String
        var span: SourceSpan
        var statement: Range<Int>
    }

    private func collect(_ statements: [Statement], file: PolicyFile, into suppressions: inout [Suppression]) {
        for statement in statements {
            for comment in statement.leadingComments + (statement.trailingComment.map { [$0] } ?? []) {
                let text = comment.text.trimmingCharacters(in: .whitespaces)
                guard text.hasPrefix("sluice-lint:") else { continue }
                let words = text.dropFirst("sluice-lint:".count).split(separator: " ", omittingEmptySubsequences: true)
                guard words.first == "ignore", words.count >= 2 else { continue }
                suppressions.append(Suppression(
                    rule: String(words[1]), reason: words.dropFirst(2).joined(separator: " "), file: file.source.path,
                    span: file.source.span(comment.range), statement: statement.range))
            }
            if let block = statement.block { collect(block.statements, file: file, into: &suppressions) }
        }
    }
}
