import Foundation
import SluiceDiagnostics

/// An allow entry for a whole consumer mail domain (gmail.com, outlook.com, yahoo.com…): it lets
/// through every one of their millions of users, attackers included. Allow the one address.
/// The list ships as data: `Sources/SluiceChecking/Resources/consumer-mail-domains.txt`.
public struct ConsumerDomainAllow: LintRule {
    public static let id = "consumer-domain-allow"
    public static let severity = Severity.warning
    public static let summary = "an allow for a whole consumer mail domain"

    static let domains: Set<String> = {
        guard let url = Bundle.module.url(forResource: "consumer-mail-domains", withExtension: "txt"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }()

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.entries.compactMap { entry in
            guard entry.action == .allow, case .domain(let pattern) = entry.target, Self.domains.contains(pattern.domain) else { return nil }
            return finding("`\(pattern)` is a consumer mail domain: the allow covers all of its users",
                           at: entry.span, help: "allow the one sender: `allow sender name@\(pattern.domain)`")
        }
    }
}
