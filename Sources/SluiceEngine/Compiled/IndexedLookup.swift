import SluiceChecking
import SluiceMessage

/// The compiled policy's entry indexes (issue: "lists become indexes"):
/// - sender entries, exact domain entries and spoof pairs by the From domain they name, in one
///   hash map probed once per message (sender entries then by local part);
/// - `*.` domain entries in a hash map by domain, probed with each label suffix above the From
///   domain (`b.example`, `example` for `a.b.example`): a reversed-label walk done with one hash
///   probe per label instead of one pointer per label;
/// - URL entries in a hash map by host, probed with each label suffix of the link's host and
///   with every host-like token of its path and query (for `~x~` and plain block entries that
///   match a name inside another URL);
/// - file entries by SHA-256; spoof pairs by spoofed domain (plus the `*` pairs);
/// - IP entries and the connection filter in binary radix tries.
public struct IndexedLookup: EntryLookup {
    /// What a From domain finds in its one probe.
    private struct DomainEntries {
        var exact: [Int] = []
        var spoof: [Int] = []
        /// Sender entries of the domain by lower-cased local part: most From domains have none,
        /// and their local part is then neither lower-cased nor looked up.
        var senders: [String: [Int]] = [:]
    }

    private var byFromDomain: [String: DomainEntries] = [:]
    // Keyed by bytes, so that tails of a domain and tokens of a path are probed in place.
    private let bySubdomainPattern: ByteKeyMap<[Int]>
    private let urlsByHost: ByteKeyMap<[Int]>
    /// The label counts the keys of each map have (bit n for n labels): a name with another
    /// count cannot equal a key, and is not hashed to find that out.
    private var subdomainPatternLabels = LabelCounts()
    private var urlHostLabels = LabelCounts()
    private var byHash: [String: [Int]] = [:]
    private var spoofAny: [Int] = []
    private var ipEntries = IPPrefixTrie()
    private var allowRanges = IPPrefixTrie()
    private var blockRanges = IPPrefixTrie()
    private let connectionFilter: ConnectionFilter

    public init(policy: CheckedPolicy) {
        connectionFilter = policy.connectionFilter
        var bySubdomainPattern: [Substring: [Int]] = [:], urlsByHost: [Substring: [Int]] = [:]
        for (index, entry) in policy.entries.enumerated() {
            switch entry.target {
            case .sender(let address): byFromDomain[address.domain, default: DomainEntries()].senders[address.unescapedLocalPart, default: []].append(index)
            case .domain(let pattern):
                if pattern.kind == .exact {
                    byFromDomain[pattern.domain, default: DomainEntries()].exact.append(index)
                } else {
                    bySubdomainPattern[Substring(pattern.domain), default: []].append(index)
                    subdomainPatternLabels.insert(Substring(pattern.domain))
                }
            case .url(let pattern):
                urlsByHost[Substring(pattern.host), default: []].append(index)
                urlHostLabels.insert(Substring(pattern.host))
            case .file(let hash): byHash[hash.hex, default: []].append(index)
            case .ip(let range): ipEntries.insert(range, value: index)
            case .spoof(let pair):
                switch pair.spoofedUser {
                case .any: spoofAny.append(index)
                case .address(let address): byFromDomain[address.domain, default: DomainEntries()].spoof.append(index)
                case .domain(let domain): byFromDomain[domain, default: DomainEntries()].spoof.append(index)
                }
            }
        }
        self.bySubdomainPattern = ByteKeyMap(bySubdomainPattern)
        self.urlsByHost = ByteKeyMap(urlsByHost)
        for (index, range) in policy.connectionFilter.allow.enumerated() { allowRanges.insert(range.value, value: index) }
        for (index, range) in policy.connectionFilter.block.enumerated() { blockRanges.insert(range.value, value: index) }
    }

    /// Each index with its number of keys, for `sluice compile --emit`.
    public var indexSizes: [(name: String, keys: Int)] {
        [
            ("sender addresses (hash map)", byFromDomain.values.reduce(0) { $0 + $1.senders.count }),
            ("exact domains (hash map)", byFromDomain.values.reduce(0) { $0 + ($1.exact.isEmpty ? 0 : 1) }),
            ("`*.` domains (hash map by label suffix)", bySubdomainPattern.count),
            ("URL hosts (hash map by label suffix and path token)", urlsByHost.count),
            ("file hashes (hash map)", byHash.count),
            ("spoofed domains (hash map)", byFromDomain.values.reduce(0) { $0 + ($1.spoof.isEmpty ? 0 : 1) }),
            ("spoof pairs for any sender", spoofAny.count),
            ("IPv6 entries (radix trie nodes)", ipEntries.nodeCount),
            ("IP Allow List (radix trie nodes)", allowRanges.nodeCount),
            ("IP Block List (radix trie nodes)", blockRanges.nodeCount),
        ]
    }

    public func candidates(from: Mailbox?, urls: [ExtractedURL], hashes: [String], clientIP: IPAddress?) -> [Int] {
        var found: [Int] = []
        // The closures below capture these, not a copy of the whole lookup.
        let (urlsByHost, urlHostLabels) = (self.urlsByHost, self.urlHostLabels)
        if let from {
            if let entries = byFromDomain[from.domain] {
                found += entries.exact
                found += entries.spoof
                if !entries.senders.isEmpty, let hits = entries.senders[from.localPart.lowercased()] { found += hits }
            }
            // A `*.` entry covers the names below its domain, never the domain itself: the From
            // domain is probed only with the names above it.
            subdomainPatternLabels.appendIndexes(ofSuffixesOf: from.domain[...], skippingWhole: true, in: bySubdomainPattern, to: &found)
        }
        found += spoofAny
        for url in urls {
            let host = url.host.hasPrefix("[") ? url.host.dropFirst().dropLast() : url.host[...]
            urlHostLabels.appendIndexes(ofSuffixesOf: host, skippingWhole: false, in: urlsByHost, to: &found)
            Self.forEachHostToken(path: url.path, query: url.query) { token in
                // Most tokens have a label count no key has, and are not hashed.
                if urlHostLabels.contains(labels: LabelCounts.labels(in: token)), let hits = urlsByHost[token] { found += hits }
            }
        }
        for hash in hashes { if let hits = byHash[hash] { found += hits } }
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
    /// lower-cased, as UTF-8: where a host name standing inside another URL can be. Each buffer
    /// is valid only during its call of `body`.
    static func forEachHostToken(path: String, query: String?, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        // In ASCII text every byte is a character (a CRLF pair splits either way), so the bytes
        // can be tested in place without Unicode property look-ups; the `?` between path and
        // query is no name character, so each is scanned alone.
        var (pathBytes, queryBytes) = (path, query ?? "")
        let scanned = pathBytes.withUTF8 { path in
            queryBytes.withUTF8 { query in
                guard isASCII(path), isASCII(query) else { return false }
                forEachASCIIHostToken(path, body)
                forEachASCIIHostToken(query, body)
                return true
            }
        }
        guard !scanned else { return }
        let text = (path + (query.map { "?" + $0 } ?? "")).lowercased()
        for token in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
        where token.utf8.contains(UInt8(ascii: ".")) {
            var token = String(token)
            token.withUTF8(body)
        }
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { bytes.allSatisfy { $0 < 0x80 } }

    private static func forEachASCIIHostToken(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        var hasDot = false
        var hasUpper = false
        func flush(_ end: Int) {
            if hasDot && start < end {
                let token = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if hasUpper {
                    token.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }.withUnsafeBufferPointer(body)
                } else {
                    body(token)
                }
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
                start = index + 1
            }
        }
        flush(bytes.count)
    }
}

/// A set of label counts (bit n for n labels, the last bit for 63 and more).
struct LabelCounts {
    private var bits: UInt64 = 0

    /// Dots are counted in the name's bytes in place: the generic UTF-8 view of a substring is
    /// many times slower.
    static func labels(of name: Substring) -> Int {
        name.utf8.withContiguousStorageIfAvailable(labels(in:)) ?? Array(name.utf8).withUnsafeBufferPointer(labels(in:))
    }

    static func labels(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var dots = 0
        for byte in bytes where byte == UInt8(ascii: ".") { dots += 1 }
        return dots + 1
    }

    mutating func insert(_ name: Substring) { bits |= 1 << UInt64(min(Self.labels(of: name), 63)) }

    func contains(labels: Int) -> Bool { bits & (1 << UInt64(min(labels, 63))) != 0 }

    /// Appends to `found` what `map` has for the label suffixes of `name` (`a.b.example`,
    /// `b.example`, `example`; without the name itself when `skippingWhole`) whose label counts
    /// are in the set. The dots are found in the name's bytes, and each suffix probed in place.
    func appendIndexes(ofSuffixesOf name: Substring, skippingWhole: Bool, in map: ByteKeyMap<[Int]>, to found: inout [Int]) {
        guard bits != 0 else { return }
        func walk(_ bytes: UnsafeBufferPointer<UInt8>) {
            var labels = Self.labels(in: bytes)
            var start = 0
            while true {
                if !(start == 0 && skippingWhole) && contains(labels: labels),
                    let hits = map[UnsafeBufferPointer(rebasing: bytes[start...])]
                {
                    found += hits
                }
                guard let dot = bytes[start...].firstIndex(of: UInt8(ascii: ".")) else { return }
                start = dot + 1
                labels -= 1
            }
        }
        // Text bridged from elsewhere may lend no bytes; a copy does.
        if name.utf8.withContiguousStorageIfAvailable(walk) == nil { Array(name.utf8).withUnsafeBufferPointer(walk) }
    }
}
