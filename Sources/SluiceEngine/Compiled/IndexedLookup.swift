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
    // Keyed by substrings, so that tails of a domain and tokens of a path are probed in place.
    private var bySubdomainPattern: [Substring: [Int]] = [:]
    private var urlsByHost: [Substring: [Int]] = [:]
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
                    bySubdomainPattern[Substring(pattern.domain), default: []].append(index)
                }
            case .url(let pattern): urlsByHost[Substring(pattern.host), default: []].append(index)
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
        // Most probes miss: only hits are appended.
        func add(_ hits: [Int]?) { if let hits { found += hits } }
        // The closures below capture these maps, not a copy of the whole lookup.
        let (bySubdomainPattern, urlsByHost) = (self.bySubdomainPattern, self.urlsByHost)
        if let from {
            add(byAddress["\(from.localPart.lowercased())@\(from.domain)"])
            add(byExactDomain[from.domain])
            from.domain[...].forEachLabelSuffix { add(bySubdomainPattern[$0]) }
            add(spoofByDomain[from.domain])
        }
        found += spoofAny
        for url in urls {
            let host = url.host.hasPrefix("[") ? url.host.dropFirst().dropLast() : url.host[...]
            host.forEachLabelSuffix { add(urlsByHost[$0]) }
            Self.forEachHostToken(path: url.path, query: url.query) { add(urlsByHost[$0]) }
        }
        for hash in hashes { add(byHash[hash]) }
        if let clientIP { found += ipEntries.values(containing: clientIP) }
        // Ascending without repeats, sorted in place rather than through a set.
        found.sort()
        var kept = 0
        for index in found.indices where kept == 0 || found[index] != found[kept - 1] {
            found[kept] = found[index]
            kept += 1
        }
        found.removeLast(found.count - kept)
        return found
    }

    public func connectionFilter(_ address: IPAddress) -> (allow: Setting<IPRange>?, block: Setting<IPRange>?) {
        let allow = allowRanges.minimumValue(containing: address).map { connectionFilter.allow[$0] }
        let block = blockRanges.minimumValue(containing: address).map { connectionFilter.block[$0] }
        return (allow, block)
    }

    /// The maximal runs of name characters (`a-z0-9.-`) with a dot in a path and query,
    /// lower-cased: where a host name standing inside another URL can be.
    static func forEachHostToken(path: String, query: String?, _ body: (Substring) -> Void) {
        guard path.utf8.allSatisfy({ $0 < 0x80 }), query?.utf8.allSatisfy({ $0 < 0x80 }) ?? true else {
            let text = (path + (query.map { "?" + $0 } ?? "")).lowercased()
            for token in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
            where token.utf8.contains(UInt8(ascii: ".")) {
                body(token)
            }
            return
        }
        // In ASCII text every byte is a character (a CRLF pair splits either way), so the bytes
        // can be tested without Unicode property look-ups; the `?` between path and query is no
        // name character, so each is scanned alone.
        forEachASCIIHostToken(path, body)
        if let query { forEachASCIIHostToken(query, body) }
    }

    private static func forEachASCIIHostToken(_ text: String, _ body: (Substring) -> Void) {
        let bytes = text.utf8
        var start = bytes.startIndex
        var hasDot = false
        var hasUpper = false
        func flush(_ end: String.Index) {
            if hasDot && start < end {
                let token = Substring(bytes[start..<end])
                if hasUpper { body(token.lowercased()[...]) } else { body(token) }
            }
            (hasDot, hasUpper) = (false, false)
        }
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): continue
            case UInt8(ascii: "."): hasDot = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): hasUpper = true
            default:
                flush(index)
                start = bytes.index(after: index)
            }
        }
        flush(bytes.endIndex)
    }
}
