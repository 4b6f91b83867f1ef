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
    /// The ASCII names of `listings` again, probed with an ASCII domain's tails' bytes in place:
    /// hashing a substring costs several times more.
    private let asciiListings: ByteKeyMap<Listing>

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
            let (name, listing): (String, Listing) = if rule.hasPrefix("!") {
                (String(rule.dropFirst()).lowercased(), .exception)
            } else if rule.hasPrefix("*.") {
                (String(rule.dropFirst(2)).lowercased(), .wildcard)
            } else {
                (rule.lowercased(), .rule)
            }
            listings[Substring(name), default: []].insert(listing)
        }
        asciiListings = ByteKeyMap(listings.filter { $0.key.utf8.allSatisfy { $0 < 0x80 } })
    }

    /// The number of labels of a domain's public suffix (at least one: an unlisted TLD is a
    /// suffix, as the list's "*" default rule says), given the domain's suffixes of all its
    /// labels, all but the first, …, the last alone.
    func suffixLabelCount(_ tails: [Substring]) -> Int {
        var longest = 1
        for (start, candidate) in tails.enumerated()
        where Self.note(listings[candidate], count: tails.count - start, isWhole: start == 0, longest: &longest) {
            break
        }
        return longest
    }

    /// `suffixLabelCount` of an ASCII name of `labels` labels, none empty, given as its bytes:
    /// its tails are probed in place.
    private func suffixLabelCount(_ bytes: UnsafeBufferPointer<UInt8>, labels: Int) -> Int {
        var longest = 1
        var start = 0
        for index in 0..<labels {
            if Self.note(asciiListings[UnsafeBufferPointer(rebasing: bytes[start...])], count: labels - index, isWhole: index == 0, longest: &longest) {
                break
            }
            start = (bytes[start...].firstIndex(of: UInt8(ascii: ".")) ?? bytes.count - 1) + 1
        }
        return longest
    }

    /// Folds what the list says of a tail of `count` labels into the longest suffix so far;
    /// true when an exception decides it.
    private static func note(_ listing: Listing?, count: Int, isWhole: Bool, longest: inout Int) -> Bool {
        guard let listing else { return false }
        if listing.contains(.exception) {
            longest = count - 1
            return true
        }
        if listing.contains(.rule) { longest = max(longest, count) }
        if !isWhole, listing.contains(.wildcard) { longest = max(longest, count + 1) }
        return false
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
        var lowered = domain.lowercasedSharingStorage()
        if isASCII, bytes.first != UInt8(ascii: "."), bytes.last != UInt8(ascii: "."), !Self.hasEmptyLabel(lowered.utf8) {
            // ASCII labels end to end (every byte a character, no empty label): each suffix is a
            // tail of the name, probed in place, and only the one kept is made a string.
            let kept: Int? = lowered.withUTF8 { bytes in
                let labels = LabelCounts.labels(in: bytes)
                guard labels > 1 else { return nil }
                let suffix = suffixLabelCount(bytes, labels: labels)
                guard labels > suffix else { return nil }
                // The tail of suffix + 1 labels starts after the name's first labels − suffix − 1 dots.
                var start = 0
                for _ in 0..<labels - suffix - 1 { start = bytes[start...].firstIndex(of: UInt8(ascii: "."))! + 1 }
                return start
            }
            guard let kept else { return lowered }
            return String(lowered[lowered.utf8.index(lowered.startIndex, offsetBy: kept)...])
        }
        let labels = lowered.split(separator: ".")
        let tails = labels.indices.map { Substring(labels[$0...].joined(separator: ".")) }
        guard tails.count > 1 else { return lowered }
        let suffix = suffixLabelCount(tails)
        guard tails.count > suffix else { return lowered }
        return String(tails[tails.count - suffix - 1])
    }
}
