/// Finds which of many literals occur in a text, ignoring ASCII case, in one pass (an
/// Aho–Corasick automaton compiled to a table): the literal prefilter of many patterns over
/// the same subject costs one scan rather than one per pattern.
public final class LiteralScanner: Sendable {
    /// What one scan found.
    public struct Hits: Sendable {
        /// Bit `i` is set when literal `i` occurs, for literals 0–63: most scanners have no
        /// more, and then a scan allocates nothing.
        public internal(set) var first: UInt64 = 0
        /// Literals from 64 on, 64 to a word.
        @usableFromInline var rest: [UInt64]
        /// Whether the text has any byte ≥ 0x80.
        public let hasNonASCII: Bool

        @inlinable public func contains(_ literal: Int) -> Bool {
            let word = literal < 64 ? first : rest[(literal >> 6) - 1]
            return word & (1 << UInt64(literal & 63)) != 0
        }

        /// Whether any literal below 64 whose bit `mask` has set occurs: a set of such
        /// literals checked in one step.
        @inlinable public func containsAny(ofFirst64 mask: UInt64) -> Bool { first & mask != 0 }

        mutating func insert(_ literal: Int) {
            if literal < 64 { first |= 1 << UInt64(literal) } else { rest[(literal >> 6) - 1] |= 1 << UInt64(literal & 63) }
        }
    }

    public let literalCount: Int
    /// Byte → input class: each byte some literal uses (upper-case letters share their lower
    /// case's class) has one; every other byte is class 0.
    private let classes: [UInt8]
    /// Per state, a row of one entry per class: the address in `rows` of the next state's row,
    /// bit-inverted when literals end there. Addresses rather than indices make a step one load
    /// with no arithmetic; they hold because a constant array's storage never moves, which
    /// `scan` checks against `rowsAddress`.
    private let rows: [Int]
    private let rowsAddress: Int
    /// A row's size in bytes.
    private let rowSize: Int
    /// The longest literal's length.
    private let longest: Int
    /// Literals ending at each state (through its failure links), as ranges into `outputs`.
    private let outputStart: [Int32]
    private let outputs: [Int32]

    /// `literals` are matched ignoring ASCII case; empty ones are never reported.
    public init(_ literals: [[UInt8]]) {
        literalCount = literals.count
        var classes = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for byte in Set(literals.joined().map(Self.lower)) {
            classes[Int(byte)] = UInt8(classCount)
            if byte >= 0x61 && byte <= 0x7A { classes[Int(byte - 0x20)] = UInt8(classCount) }
            classCount += 1
        }
        // Trie of the literals, then breadth-first failure links folded into a full table.
        var children: [[Int: Int32]] = [[:]]
        var ending: [[Int32]] = [[]]
        for (id, literal) in literals.enumerated() where !literal.isEmpty {
            var state = 0
            for byte in literal {
                let input = Int(classes[Int(Self.lower(byte))])
                if let child = children[state][input] {
                    state = Int(child)
                } else {
                    children.append([:])
                    ending.append([])
                    children[state][input] = Int32(children.count - 1)
                    state = children.count - 1
                }
            }
            ending[state].append(Int32(id))
        }
        var next = [Int32](repeating: 0, count: children.count * classCount)
        var failure = [Int](repeating: 0, count: children.count)
        var queue: [Int] = []
        for input in 0..<classCount {
            if let child = children[0][input] {
                next[input] = child
                queue.append(Int(child))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            ending[state] += ending[failure[state]]
            for input in 0..<classCount {
                if let child = children[state][input] {
                    failure[Int(child)] = Int(next[failure[state] * classCount + input])
                    next[state * classCount + input] = child
                    queue.append(Int(child))
                } else {
                    next[state * classCount + input] = next[failure[state] * classCount + input]
                }
            }
        }
        var outputStart: [Int32] = [], outputs: [Int32] = []
        for found in ending {
            outputStart.append(Int32(outputs.count))
            outputs += found
        }
        outputStart.append(Int32(outputs.count))
        let rowSize = classCount * MemoryLayout<Int>.stride
        var rows = [Int](repeating: 0, count: next.count)
        rowsAddress = rows.withUnsafeMutableBufferPointer { rows in
            let address = Int(bitPattern: rows.baseAddress)
            for (index, state) in next.enumerated() {
                let row = address + Int(state) * rowSize
                rows[index] = ending[Int(state)].isEmpty ? row : ~row
            }
            return address
        }
        self.classes = classes
        self.rows = rows
        self.rowSize = rowSize
        longest = max(1, literals.map(\.count).max() ?? 1)
        self.outputStart = outputStart
        self.outputs = outputs
    }

    public func scan(_ text: String) -> Hits {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    // The ASCII test is a pass over the bytes: a String's UTF-16 count would be free for ASCII
    // text but walks (and indexes, for good) every long non-ASCII body.
    public func scan(_ text: UnsafeBufferPointer<UInt8>) -> Hits { scan(text, hasNonASCII: Self.hasNonASCII(text)) }

    private func scan(_ text: UnsafeBufferPointer<UInt8>, hasNonASCII: Bool) -> Hits {
        var hits = Hits(rest: literalCount > 64 ? [UInt64](repeating: 0, count: (literalCount - 1) >> 6) : [], hasNonASCII: hasNonASCII)
        guard let base = text.baseAddress else { return hits }
        let count = text.count
        classes.withUnsafeBufferPointer { classes in
            rows.withUnsafeBufferPointer { rows in
                precondition(Int(bitPattern: rows.baseAddress) == rowsAddress, "the rows moved")
                let classes = classes.baseAddress!
                guard count >= 256 else { return walk(rowsAddress, base, base + count, classes, &hits) }
                // Each table lookup waits for the one before, so a long text is cut into four
                // lanes walked in lockstep, keeping four lookups in flight. Lanes overlap by the
                // longest literal less one byte, so every occurrence lies wholly inside the lane
                // it starts in. The last lane is the shortest: all four walk its length together.
                let width = (count + 3) / 4
                let lanes = (base, base + width, base + 2 * width, base + 3 * width)
                let shared = count - 3 * width
                var (a, b, c, d) = (rowsAddress, rowsAddress, rowsAddress, rowsAddress)
                var offset = 0
                while offset < shared {
                    let (ta, tb, tc, td) = (Self.target(a, lanes.0[offset], classes), Self.target(b, lanes.1[offset], classes),
                                            Self.target(c, lanes.2[offset], classes), Self.target(d, lanes.3[offset], classes))
                    // One test for the four: a negative target is a state where literals end.
                    if ta | tb | tc | td < 0 {
                        (a, b, c, d) = (settle(ta, &hits), settle(tb, &hits), settle(tc, &hits), settle(td, &hits))
                    } else {
                        (a, b, c, d) = (ta, tb, tc, td)
                    }
                    offset &+= 1
                }
                let overlap = longest - 1
                walk(a, lanes.0 + shared, lanes.0 + min(count, width + overlap), classes, &hits)
                walk(b, lanes.1 + shared, lanes.1 + min(count - width, width + overlap), classes, &hits)
                walk(c, lanes.2 + shared, lanes.2 + min(count - 2 * width, width + overlap), classes, &hits)
            }
        }
        return hits
    }

    /// The entry for `byte` in the row at `row`. No bounds checks: every entry is a row's
    /// address and every class is below the row's length, by construction.
    @inline(__always)
    private static func target(_ row: Int, _ byte: UInt8, _ classes: UnsafePointer<UInt8>) -> Int {
        UnsafePointer<Int>(bitPattern: row).unsafelyUnwrapped[Int(classes[Int(byte)])]
    }

    /// The row a target stands for, recording the literals that end at its state.
    @inline(__always)
    private func settle(_ target: Int, _ hits: inout Hits) -> Int {
        target >= 0 ? target : record(target, &hits)
    }

    @inline(never)
    private func record(_ target: Int, _ hits: inout Hits) -> Int {
        let row = ~target
        let state = (row - rowsAddress) / rowSize
        for index in Int(outputStart[state])..<Int(outputStart[state + 1]) { hits.insert(Int(outputs[index])) }
        return row
    }

    private func walk(_ row: Int, _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ classes: UnsafePointer<UInt8>, _ hits: inout Hits) {
        var row = row, byte = start
        while byte < end {
            row = settle(Self.target(row, byte.pointee, classes), &hits)
            byte += 1
        }
    }

    /// Whether any byte is ≥ 0x80, eight bytes at a time.
    private static func hasNonASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return false }
        var any: UInt64 = 0
        var offset = 0
        while offset &+ 8 <= text.count {
            any |= UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset &+= 8
        }
        while offset < text.count {
            any |= UInt64(base[offset])
            offset &+= 1
        }
        return any & 0x8080_8080_8080_8080 != 0
    }

    private static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
}
