import Foundation

/// The Public Suffix List, for organizational domains (RFC 7489 §3.2): the registrable
/// domain is the public suffix plus one label. `mail.contoso.co.uk` → `contoso.co.uk`.
public struct PublicSuffixList: Sendable {
    /// What the list says of a name; one map, so each candidate suffix costs one probe.
    private struct Listing: OptionSet {
        let rawValue: UInt8
        /// `co.uk`: a public suffix.
        static let rule = Listing(rawValue: 1)
        /// `*.ck`, stored as `ck`: every label under it is a public suffix.
        static let wildcard = Listing(rawValue: 2)
        /// `!www.ck`: not a public suffix, despite a wildcard.
        static let exception = Listing(rawValue: 4)
    }

    /// Keyed by substrings so that a domain's tails are probed without copying them.
    private var listings: [Substring: Listing] = [:]

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
                listings[Substring(String(rule.dropFirst()).lowercased()), default: []].insert(.exception)
            } else if rule.hasPrefix("*.") {
                listings[Substring(String(rule.dropFirst(2)).lowercased()), default: []].insert(.wildcard)
            } else {
                listings[Substring(rule.lowercased()), default: []].insert(.rule)
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
            let candidate = isContiguous ? labels[start].base[labels[start].startIndex...] : Substring(labels[start...].joined(separator: "."))
            let count = labels.count - start
            guard let listing = listings[candidate] else { continue }
            if listing.contains(.exception) { return count - 1 }
            if listing.contains(.rule) { longest = max(longest, count) }
            if start > 0, listing.contains(.wildcard) { longest = max(longest, count + 1) }
        }
        return longest
    }

    /// The organizational domain of `domain` (lower-cased); the domain itself when it is a
    /// public suffix or shorter.
    public func organizationalDomain(_ domain: String) -> String {
        let isASCII = domain.utf8.allSatisfy { $0 < 0x80 }
        let lowered = isASCII && !domain.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? domain : domain.lowercased()
        // In ASCII every byte is a character, so the bytes split where the characters would.
        let labels = isASCII
            ? lowered.utf8.split(separator: UInt8(ascii: ".")).map { Substring($0) }
            : lowered.split(separator: ".")
        guard labels.count > 1 else { return lowered }
        let suffix = suffixLabelCount(labels)
        guard labels.count > suffix else { return lowered }
        return labels[(labels.count - suffix - 1)...].joined(separator: ".")
    }
}
