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

    /// The number of labels of a domain's public suffix (at least one: an unlisted TLD is a
    /// suffix, as the list's "*" default rule says), given the domain's suffixes of all its
    /// labels, all but the first, …, the last alone.
    func suffixLabelCount(_ tails: [Substring]) -> Int {
        var longest = 1
        for (start, candidate) in tails.enumerated() {
            let count = tails.count - start
            guard let listing = listings[candidate] else { continue }
            if listing.contains(.exception) { return count - 1 }
            if listing.contains(.rule) { longest = max(longest, count) }
            if start > 0, listing.contains(.wildcard) { longest = max(longest, count + 1) }
        }
        return longest
    }

    /// Whether ASCII text has two dots in a row, tested on bytes rather than as a substring search.
    private static func hasEmptyLabel(_ bytes: String.UTF8View) -> Bool {
        var afterDot = false
        for byte in bytes {
            let isDot = byte == UInt8(ascii: ".")
            if isDot && afterDot { return true }
            afterDot = isDot
        }
        return false
    }

    /// The organizational domain of `domain` (lower-cased); the domain itself when it is a
    /// public suffix or shorter.
    public func organizationalDomain(_ domain: String) -> String {
        let bytes = domain.utf8
        let isASCII = domain.allBytes { $0 < 0x80 }
        let lowered = domain.lowercasedSharingStorage()
        var tails: [Substring] = []
        if isASCII, bytes.first != UInt8(ascii: "."), bytes.last != UInt8(ascii: "."), !Self.hasEmptyLabel(lowered.utf8) {
            // ASCII labels end to end (every byte a character, no empty label): each suffix is a
            // tail of the name, taken in place.
            lowered[...].forEachLabelSuffix { tails.append($0) }
        } else {
            let labels = lowered.split(separator: ".")
            tails = labels.indices.map { Substring(labels[$0...].joined(separator: ".")) }
        }
        guard tails.count > 1 else { return lowered }
        let suffix = suffixLabelCount(tails)
        guard tails.count > suffix else { return lowered }
        return String(tails[tails.count - suffix - 1])
    }
}
