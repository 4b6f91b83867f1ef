import SluiceDiagnostics
import SluiceRegex

/// A regex with a quantified group that is itself quantified (`(a+)+`, `(\w*)*`, `(x|xy)+`)
/// — the shape of catastrophic backtracking. The finding is proven, not guessed: the pattern
/// is run on crafted text (a long run of what the inner part matches, then a character that
/// makes the whole fail) under a small match limit, and reported only when PCRE2 gives up.
/// Messages hitting the limit count as not matching, so such a rule silently stops working.
public struct RegexBacktracking: LintRule {
    public static let id = "regex-backtracking"
    public static let severity = Severity.warning
    public static let summary = "a regex that backtracks catastrophically (proven with PCRE2's match limit)"

    static let limits = MatchLimits(matchLimit: 200_000, depthLimit: 10_000, heapLimitKiB: 8_192)

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.regexTests.compactMap { test, regex in
            guard Self.hasNestedQuantifier(regex.regex.pattern),
                let proof = Self.explodes(regex.regex)
            else { return nil }
            return finding("\(regex.written) backtracks catastrophically: PCRE2 gives up on \(proof)", at: test.span,
                           notes: ["a message that hits the limit counts as not matching, so the rule silently misses"],
                           help: "remove the outer quantifier, or make the inner part possessive (`(?:a++)`) or atomic (`(?>…)`)")
        }
    }

    /// A `(…)` group containing `+`, `*` or `{n,}` and itself followed by one of them.
    static func hasNestedQuantifier(_ pattern: String) -> Bool {
        let characters = Array(pattern)
        var stack: [Bool] = []  // per open group: does it contain a quantifier?
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\": index += 1
            case "(": stack.append(false)
            case ")":
                let quantified = stack.popLast() ?? false
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                if quantified && (next == "+" || next == "*" || next == "{") { return true }
                if quantified, !stack.isEmpty { stack[stack.count - 1] = true }
            case "+", "*", "{": if !stack.isEmpty { stack[stack.count - 1] = true }
            default: break
            }
            index += 1
        }
        return false
    }

    /// Crafted subjects: runs of a few candidate characters followed by a character no pattern
    /// expects; the description of the first that exceeds the limit.
    static func explodes(_ regex: PCRERegex) -> String? {
        for unit in ["a", "0", " ", "ab", "x", "-", "."] {
            let subject = String(repeating: unit, count: 40) + "\u{1}!"
            do {
                _ = try regex.matches(subject, limits: limits)
            } catch .matchLimitExceeded, .depthLimitExceeded, .heapLimitExceeded {
                return "`\(unit)` × 40 followed by a non-matching character"
            } catch {
                continue
            }
        }
        return nil
    }
}
