import SluiceChecking
import SluiceMessage

/// The compiled policy's entry indexes (issue: "lists become indexes"):
/// - sender entries in a hash map by address;
/// - domain entries in hash maps by domain, exact and `*.` apart, probed with each label suffix
///   of the From domain (`a.b.example`, `b.example`, `example`): a reversed-label walk done
///   with one hash probe per label instead of one pointer per label;
/// - URL entries in a hash map by host, probed with each label suffix of the link's host and
///   with every host-like token of its path and query (for `~x~` and plain block entries that
///   match a name inside another URL);
/// - file entries by SHA-256; spoof pairs by spoofed domain (plus the `*` pairs);
/// - IP entries and the connection filter in binary radix tries.
public struct IndexedLookup: EntryLookup {
    private var byAddress: [String: [Int]] = [:]
    private var byExactDomain: [String: [Int]] = [:]
    private var bySubdomainPattern: [String: [Int]] = [:]
    private var urlsByHost: [String: [Int]] = [:]
    private var byHash: [String: [Int]] = [:]
    private var spoofByDomain: [String: [Int]] = [:]
    private var spoofAny: [Int] = []
    private var ipEntries = IPPrefixTrie()
    private var allowRanges = IPPrefixTrie()
    private var blockRanges = IPPrefixTrie()
    private let connectionFilter: ConnectionFilter

    public init(policy: CheckedPolicy) {
        connectionFilter = policy.connectionFilter
        for (index, entry) in policy.entries.enumerated() {
            switch entry.target {
            case .sender(let address): byAddress["\(address.unescapedLocalPart)@\(address.domain)", default: []].append(index)
            case .domain(let pattern):
                if pattern.kind == .exact {
                    byExactDomain[pattern.domain, default: []].append(index)
                } else {
                    bySubdomainPattern[pattern.domain, default: []].append(index)
                }
            case .url(let pattern): urlsByHost[pattern.host, default: []].append(index)
            case .file(let hash): byHash[hash.hex, default: []].append(index)
            case .ip(let range): ipEntries.insert(range, value: index)
            case .spoof(let pair):
                switch pair.spoofedUser {
                case .any: spoofAny.append(index)
                case .address(let address): spoofByDomain[address.domain, default: []].append(index)
                case .domain(let domain): spoofByDomain[domain, default: []].append(index)
                }
            }
        }
        for (index, range) in policy.connectionFilter.allow.enumerated() { allowRanges.insert(range.value, value: index) }
        for (index, range) in policy.connectionFilter.block.enumerated() { blockRanges.insert(range.value, value: index) }
    }

    /// Each index with its number of keys, for `sluice compile --emit`.
    public var indexSizes: [(name: String, keys: Int)] {
        [
            ("sender addresses (hash map)", byAddress.count),
            ("exact domains (hash map)", byExactDomain.count),
            ("`*.` domains (hash map by label suffix)", bySubdomainPattern.count),
            ("URL hosts (hash map by label suffix and path token)", urlsByHost.count),
            ("file hashes (hash map)", byHash.count),
            ("spoofed domains (hash map)", spoofByDomain.count),
            ("spoof pairs for any sender", spoofAny.count),
            ("IPv6 entries (radix trie nodes)", ipEntries.nodeCount),
            ("IP Allow List (radix trie nodes)", allowRanges.nodeCount),
            ("IP Block List (radix trie nodes)", blockRanges.nodeCount),
        ]
    }

    public func candidates(from: Mailbox?, urls: [ExtractedURL], hashes: [String], clientIP: IPAddress?) -> [Int] {
        var found: [Int] = []
        if let from {
            found += byAddress["\(from.localPart.lowercased())@\(from.domain)"] ?? []
            found += byExactDomain[from.domain] ?? []
            for suffix in DomainName.labelSuffixes(from.domain) { found += bySubdomainPattern[suffix] ?? [] }
            found += spoofByDomain[from.domain] ?? []
        }
        found += spoofAny
        for url in urls {
            let host = url.host.hasPrefix("[") ? String(url.host.dropFirst().dropLast()) : url.host
            for suffix in DomainName.labelSuffixes(host) { found += urlsByHost[suffix] ?? [] }
            for token in Self.hostTokens(url.path + (url.query.map { "?" + $0 } ?? "")) { found += urlsByHost[token] ?? [] }
        }
        for hash in hashes { found += byHash[hash] ?? [] }
        if let clientIP { found += ipEntries.values(containing: clientIP) }
        return Array(Set(found)).sorted()
    }

    public func connectionFilter(_ address: IPAddress) -> (allow: Setting<IPRange>?, block: Setting<IPRange>?) {
        let allow = allowRanges.values(containing: address).min().map { connectionFilter.allow[$0] }
        let block = blockRanges.values(containing: address).min().map { connectionFilter.block[$0] }
        return (allow, block)
    }

    /// The maximal runs of name characters (`a-z0-9.-`) in a path and query, lower-cased: where
    /// a host name standing inside another URL can be.
    static func hostTokens(_ text: String) -> [String] {
        let lowered = text.lowercased()
        if lowered.utf8.allSatisfy({ $0 < 0x80 }) {
            // In ASCII text every byte is a character (a CRLF pair splits either way), so the
            // bytes can be tested without Unicode property look-ups.
            return lowered.utf8.split { byte in
                !((byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-"))
            }.filter { $0.contains(UInt8(ascii: ".")) }.map { String(Substring($0)) }
        }
        return lowered.split { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }.filter { $0.utf8.contains(UInt8(ascii: ".")) }.map(String.init)
    }
}
