import SluiceDiagnostics
import SluiceSyntax

/// Checks a policy against the schema layer of grammar/sluice.ebnf and builds the
/// `CheckedPolicy`: every statement in the right place with the right arguments, every value
/// valid by the reference's syntax rules, every regex compiled by PCRE2, every name resolved.
///
/// Files are walked in order with includes expanded in place, so a tenant file can include a
/// preset and then refine it: a later block for the same policy changes only the settings it
/// names. Within one block a repeated setting is a warning (the last one wins).
public struct PolicyChecker {
    var policy: CheckedPolicy
    var diagnostics: [Diagnostic] = []
    let loader: PolicyLoader
    var visited: Set<String> = []
    var file: SourceFile

    var antiSpam: [String?: AntiSpamPolicy] = [:]
    var antiPhishing: [String?: AntiPhishingPolicy] = [:]
    var antiMalware: [String?: AntiMalwarePolicy] = [:]
    var policyOrder: [String?] = []
    var definedQuarantinePolicies: [String: SourceSpan] = [:]
    /// `type\0name\0priority|scope` for scope settings written (valid or not) in named policies.
    var writtenScopeSettings: Set<String> = []
    var ruleNames: [String: SourceSpan] = [:]
    /// Set when a list ran on into the next statement, which is then missing from its block.
    var swallowedStatement = false
    /// Names used before (or without) their definition, resolved at the end.
    var references: [(kind: NameKind, name: String, span: SourceSpan)] = []

    enum NameKind: String { case quarantinePolicy = "quarantine policy", group }

    /// Checks the policy rooted at `path` (already loaded, with its includes, by `loader`).
    /// Returns the checked policy and the checker's diagnostics (the loader's are not repeated).
    public static func check(root path: String, loader: PolicyLoader) -> (CheckedPolicy, [Diagnostic]) {
        let key = PolicyLoader.key(for: path)
        var checker = PolicyChecker(loader: loader, root: key)
        checker.checkFile(key)
        checker.finish()
        return (checker.policy, checker.diagnostics)
    }

    /// Loads and checks `path`: the loader's diagnostics (syntax, includes) and the checker's.
    public static func load(_ path: String) -> (policy: CheckedPolicy, diagnostics: [Diagnostic], loader: PolicyLoader) {
        var loader = PolicyLoader()
        loader.load(path)
        let (policy, diagnostics) = check(root: path, loader: loader)
        return (policy, loader.diagnostics + diagnostics, loader)
    }

    /// Checks `text` as the policy file at `path` (tests, editors).
    public static func check(text: String, path: String) -> (policy: CheckedPolicy, diagnostics: [Diagnostic]) {
        var loader = PolicyLoader()
        loader.load(path, text: text)
        let (policy, diagnostics) = check(root: path, loader: loader)
        return (policy, loader.diagnostics + diagnostics)
    }

    init(loader: PolicyLoader, root: String) {
        self.loader = loader
        policy = CheckedPolicy(root: root, sources: loader.sources)
        file = loader.sources[root] ?? SourceFile(path: root, text: "")
        for builtIn in QuarantinePolicy.builtIn { policy.quarantinePolicies[builtIn.name] = builtIn }
    }

    mutating func checkFile(_ key: String) {
        guard let parsed = loader.files[key], visited.insert(key).inserted else { return }
        let outer = file
        file = parsed.source
        for statement in parsed.statements { checkTopLevel(statement) }
        file = outer
    }

    // MARK: - Top level

    static let topLevelKeywords = [
        "include", "organization", "allow", "block", "group", "user-lists", "anti-spam", "anti-phishing",
        "anti-malware", "connection-filter", "advanced-delivery", "quarantine-policy", "notifications", "upstream", "rule",
    ]

    /// Where statements that only make sense inside a block belong, for a precise hint.
    static let homes: [String: String] = [
        "accepted-domains": "organization", "trust": "organization` or `upstream", "mx-elsewhere": "organization",
        "sender-block-verdict": "organization", "members": "group", "safe-senders": "user-lists",
        "blocked-senders": "user-lists", "safe-lists-only": "user-lists", "bulk-threshold": "anti-spam",
        "retention": "anti-spam", "spoof-intelligence": "anti-phishing", "honor-dmarc": "anti-phishing",
        "dmarc-reject": "anti-phishing", "dmarc-quarantine": "anti-phishing",
        "common-attachments-filter": "anti-malware", "file-types": "anti-malware", "secops-mailboxes": "advanced-delivery",
        "phishing-simulation": "advanced-delivery", "permissions": "quarantine-policy", "notify": "quarantine-policy",
        "every": "notifications", "daily": "notifications", "weekly": "notifications", "when": "rule", "then": "rule",
        "mode": "rule", "priority": "anti-spam`, `anti-phishing` or `anti-malware", "applies-to": "anti-spam`, `anti-phishing` or `anti-malware",
    ]

    mutating func checkTopLevel(_ statement: Statement) {
        switch statement.keyword.text {
        case "include":
            forbidBlock(statement)
            if case .string(let target)? = statement.arguments.first {
                checkFile(PolicyLoader.resolve(target.value, from: file.path))
            }
        case "organization": checkOrganization(statement)
        case "allow", "block": checkEntry(statement)
        case "group": checkGroup(statement)
        case "user-lists": checkUserLists(statement)
        case "anti-spam": checkAntiSpam(statement)
        case "anti-phishing": checkAntiPhishing(statement)
        case "anti-malware": checkAntiMalware(statement)
        case "connection-filter": checkConnectionFilter(statement)
        case "advanced-delivery": checkAdvancedDelivery(statement)
        case "quarantine-policy": checkQuarantinePolicy(statement)
        case "notifications": checkNotifications(statement)
        case "upstream": checkUpstream(statement)
        case "rule": checkRule(statement)
        default: unknownStatement(statement, expected: Self.topLevelKeywords, context: "at the top level")
        }
    }

    mutating func unknownStatement(_ statement: Statement, expected: [String], context: String) {
        let keyword = statement.keyword
        let span = file.span(keyword.range)
        if let suggestion = Suggestions.closest(to: keyword.text, in: expected) {
            report("check.unknown-statement", .error, "unknown statement `\(keyword.text)` \(context)", at: span,
                   help: "did you mean `\(suggestion)`?",
                   fixes: [FixIt("replace with `\(suggestion)`", replacing: span, with: suggestion)])
        } else if let home = Self.homes[keyword.text] {
            report("check.misplaced-statement", .error, "`\(keyword.text)` cannot stand \(context)", at: span,
                   help: "`\(keyword.text)` belongs inside `\(home) { … }`")
        } else {
            report("check.unknown-statement", .error, "unknown statement `\(keyword.text)` \(context)", at: span,
                   notes: ["expected one of " + expected.map { "`\($0)`" }.joined(separator: ", ")])
        }
    }

    // MARK: - Reporting

    mutating func report(_ code: DiagnosticCode, _ severity: Severity, _ message: String, at span: SourceSpan,
                         labels: [Label] = [], notes: [String] = [], help: String? = nil, fixes: [FixIt] = []) {
        diagnostics.append(Diagnostic(code, severity, message, at: .source(span), labels: labels, notes: notes, help: help, fixes: fixes))
    }

    func span(_ range: Range<Int>) -> SourceSpan { file.span(range) }

    /// A span widened to whole UTF-8 characters, so a caret never points into the middle of one.
    func characterSpan(_ range: Range<Int>) -> SourceSpan {
        let bytes = file.bytes
        var lower = min(range.lowerBound, bytes.count), upper = min(range.upperBound, bytes.count)
        while lower > 0 && lower < bytes.count && bytes[lower] & 0xC0 == 0x80 { lower -= 1 }
        while upper < bytes.count && upper > lower && bytes[upper] & 0xC0 == 0x80 { upper += 1 }
        return file.span(lower..<max(lower, upper))
    }

    // MARK: - Finishing

    mutating func finish() {
        var reported: Set<String> = []
        for reference in references {
            let known: [String] = switch reference.kind {
            case .quarantinePolicy: Array(policy.quarantinePolicies.keys)
            case .group: Array(policy.groups.keys)
            }
            guard !known.contains(reference.name) else { continue }
            // An unknown name is reported once, at its first use, with the count of the others.
            guard reported.insert("\(reference.kind.rawValue)\u{0}\(reference.name)").inserted else { continue }
            let uses = references.filter { $0.kind == reference.kind && $0.name == reference.name }.count
            let suggestion = Suggestions.closest(to: reference.name, in: known.sorted())
            report(
                reference.kind == .group ? "check.unknown-group" : "check.unknown-quarantine-policy", .error,
                "no \(reference.kind.rawValue) is named `\(reference.name)`", at: reference.span,
                notes: uses > 1 ? ["the name is used \(uses - 1) more time\(uses == 2 ? "" : "s")"] : [],
                help: suggestion.map { "did you mean `\($0)`?" }
                    ?? "define it with `\(reference.kind == .group ? "group" : "quarantine-policy") \"\(reference.name)\" { … }`",
                fixes: suggestion.map { [FixIt("use `\($0)`", replacing: reference.span, with: "\"\($0)\"")] } ?? [])
        }
        finishPolicies()
    }
}
