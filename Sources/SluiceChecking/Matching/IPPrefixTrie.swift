import SluiceMessage

/// A binary radix trie over address bits: each CIDR block hangs its values on the node at its
/// prefix length, and a look-up walks the address's bits collecting every block on the way,
/// at most 32 or 128 steps whatever the number of blocks.
public struct IPPrefixTrie: Sendable {
    private struct Node: Sendable {
        var children: (Int32, Int32) = (-1, -1)
        var values: [Int] = []
    }

    private var nodes = [Node()]

    public var nodeCount: Int { nodes.count - 1 }

    public init() {}

    public mutating func insert(_ range: IPRange, value: Int) {
        let bytes = range.network.bytes
        var node = 0
        for bit in 0..<range.prefixLength {
            let set = bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0
            let next = set ? nodes[node].children.1 : nodes[node].children.0
            if next >= 0 {
                node = Int(next)
            } else {
                nodes.append(Node())
                let created = Int32(nodes.count - 1)
                if set { nodes[node].children.1 = created } else { nodes[node].children.0 = created }
                node = Int(created)
            }
        }
        nodes[node].values.append(value)
    }

    /// Every value whose block contains `address`, shortest prefix first.
    public func values(containing address: IPAddress) -> [Int] {
        var found: [Int] = []
        forEachValue(containing: address) { found.append($0) }
        return found
    }

    /// The least value whose block contains `address`, collecting nothing on the way.
    public func minimumValue(containing address: IPAddress) -> Int? {
        var least: Int? = nil
        forEachValue(containing: address) { least = min(least ?? $0, $0) }
        return least
    }

    private func forEachValue(containing address: IPAddress, _ body: (Int) -> Void) {
        let bytes = address.bytes
        var node = 0
        nodes[0].values.forEach(body)
        for bit in 0..<(bytes.count * 8) {
            let set = bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0
            let next = set ? nodes[node].children.1 : nodes[node].children.0
            guard next >= 0 else { break }
            node = Int(next)
            nodes[node].values.forEach(body)
        }
    }
}
