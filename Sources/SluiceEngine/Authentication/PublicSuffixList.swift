import Foundation

/// The Public Suffix List, for organizational domains (RFC 7489 §3.2): the registrable
/// domain is the public suffix plus one label. `mail.contoso.co.uk` → `contoso.co.uk`.
public struct PublicSuffixList: Sendable {
    private var rules: Set<String> = []
    private var wildcards: Set<String> = []
    private var exceptions: Set<String> = []

    /// The list shipped with Sluice (see Resources/README.md).
    public static let shipped: PublicSuffixList = {
        guard let url = Bundle.module.url(forResource: "public_suffix_list", withExtension: "dat"),
            let data = FileManager.default.contents(atPath: url.path)
        else { return PublicSuffixList(text: "") }
        return PublicSuffixList(text: String(decoding: data, as: UTF8.self))
    }()

    public init(text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            let rule = line.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
            if rule.isEmpty || rule.hasPrefix("//") { continue }
            if rule.hasPrefix("!") {
                exceptions.insert(String(rule.dropFirst()).lowercased())
            } else if rule.hasPrefix("*.") {
                wildcards.insert(String(rule.dropFirst(2)).lowercased())
            } else {
                rules.insert(rule.lowercased())
            }
        }
    }

    /// The number of labels of `domain`'s public suffix (at least one: an unlisted TLD is a
    /// suffix, as the list's "*" default rule says).
    func suffixLabelCount(_ labels: [Substring]) -> Int {
        // Labels cut from one dotted name with no empty label lie end to end in it, so each
        // candidate is a tail of that name, taken without joining.
        let isContiguous = labels.map(\.utf8.count).reduce(labels.count - 1, +) == labels.first.map { $0.base.utf8.count } ?? 0
        var longest = 1
        for start in 0..<labels.count {
            let candidate = isContiguous ? String(labels[start].base[labels[start].startIndex...]) : labels[start...].joined(separator: ".")
            let count = labels.count - start
            if exceptions.contains(candidate) { return count - 1 }
            if rules.contains(candidate) { longest = max(longest, count) }
            if start > 0, wildcards.contains(candidate) { longest = max(longest, count + 1) }
        }
        return longest
    }

    /// The organizational domain of `domain` (lower-cased); the domain itself when it is a
    /// public suffix or shorter.
    public func organizationalDomain(_ domain: String) -> String {
        let lowered = domain.lowercased()
        let labels = lowered.split(separator: ".")
        guard labels.count > 1 else { return lowered }
        let suffix = suffixLabelCount(labels)
        guard labels.count > suffix else { return lowered }
        return labels[(labels.count - suffix - 1)...].joined(separator: ".")
    }
}
