#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hash map keyed by names (lower-case hosts, domains, public suffixes), probed with a name's
/// UTF-8 bytes in place: a `Substring`-keyed dictionary hashes each probe through `Hasher` and
/// the generic string views, and most probes miss. Made once from a dictionary; copies share
/// one table, so holding or capturing the map costs one reference count.
///
/// Byte equality stands for string equality only for keys no other text is canonically
/// equivalent to. Checked names are (`DomainName.validate` admits ASCII letters, digits, `-`,
/// `_` and dots), and the public suffix list passes only its ASCII rules.
struct ByteKeyMap<Value: Sendable>: Sendable {
    private final class Table: Sendable {
        /// Every key's bytes, end to end; key `k`'s are `keyBytes[keyStarts[k]..<keyStarts[k + 1]]`.
        let keyBytes: [UInt8]
        let keyStarts: [Int]
        let keyHashes: [UInt64]
        let values: [Value]
        /// Open addressing with linear probing: a key's number plus one, or 0 for an empty slot.
        let slots: [Int32]

        init(_ dictionary: [Substring: Value]) {
            var keyBytes: [UInt8] = [], keyStarts = [0], keyHashes: [UInt64] = [], values: [Value] = []
            var slots = [Int32](repeating: 0, count: max(16, (dictionary.count * 2).nextPowerOf2))
            for (key, value) in dictionary {
                let bytes = Array(key.utf8)
                let hash = bytes.withUnsafeBufferPointer(ByteKeyMap.hash)
                var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
                while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
                slots[slot] = Int32(values.count + 1)
                keyBytes += bytes
                keyStarts.append(keyBytes.count)
                keyHashes.append(hash)
                values.append(value)
            }
            (self.keyBytes, self.keyStarts, self.keyHashes, self.values, self.slots) = (keyBytes, keyStarts, keyHashes, values, slots)
        }
    }

    private let table: Table

    init(_ dictionary: [Substring: Value]) { table = Table(dictionary) }

    var count: Int { table.values.count }

    /// The value of the key `name` spells, if it is one.
    subscript(name: UnsafeBufferPointer<UInt8>) -> Value? {
        let hash = Self.hash(name)
        let table = table
        let mask = table.slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(table.slots[slot])
            guard entry != 0 else { return nil }
            let key = entry - 1
            let start = table.keyStarts[key]
            if table.keyHashes[key] == hash, table.keyStarts[key + 1] - start == name.count,
                name.isEmpty || table.keyBytes.withUnsafeBufferPointer({ memcmp($0.baseAddress! + start, name.baseAddress!, name.count) }) == 0
            {
                return table.values[key]
            }
            slot = (slot + 1) & mask
        }
    }

    /// FNV-1a, then mixed so that the low bits the slots use depend on every byte.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash ^ (hash >> 29)
    }
}

private extension Int {
    /// The least power of two at least this large.
    var nextPowerOf2: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
