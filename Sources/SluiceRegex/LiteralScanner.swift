/// Finds which of many literals occur in a text, ignoring ASCII case, in one pass (an
/// Aho–Corasick automaton compiled to a table): the literal prefilter of many patterns over
/// the same subject costs one scan rather than one per pattern.
public struct LiteralScanner: Sendable {
    /// What one scan found.
    public struct Hits: Sendable {
        /// Bit `i` is set when literal `i` occurs.
        var bits: [UInt64]
        /// Whether the text has any byte ≥ 0x80.
        public let hasNonASCII: Bool

        public func contains(_ literal: Int) -> Bool { bits[literal >> 6] & (1 << UInt64(literal & 63)) != 0 }
    }

    public let literalCount: Int
    /// Byte → input class: each byte some literal uses (upper-case letters share their lower
    /// case's class) has one; every other byte is class 0.
    private let classes: [UInt8]
    private let classCount: Int
    /// `next[state * classCount + class]`, holding the next state times `classCount` (the
    /// offset of its row, which saves a multiplication per byte), bit-inverted when literals
    /// end there.
    private let next: [Int32]
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
        self.classes = classes
        self.classCount = classCount
        self.next = next.map { state in
            let row = state * Int32(classCount)
            return ending[Int(state)].isEmpty ? row : ~row
        }
        longest = max(1, literals.map(\.count).max() ?? 1)
        self.outputStart = outputStart
        self.outputs = outputs
    }

    public func scan(_ text: String) -> Hits {
        var text = text
        return text.withUTF8(scan)
    }

    public func scan(_ text: UnsafeBufferPointer<UInt8>) -> Hits {
        var bits = [UInt64](repeating: 0, count: (literalCount + 63) / 64)
        var high: UInt8 = 0
        classes.withUnsafeBufferPointer { classes in
            next.withUnsafeBufferPointer { next in
                outputStart.withUnsafeBufferPointer { outputStart in
                    func step(_ state: inout Int, _ byte: UInt8) {
                        let target = Int(next[state + Int(classes[Int(byte)])])
                        guard target < 0 else {
                            state = target
                            return
                        }
                        state = ~target
                        let row = state / classCount
                        for output in outputs[Int(outputStart[row])..<Int(outputStart[row + 1])] {
                            bits[Int(output) >> 6] |= 1 << UInt64(output & 63)
                        }
                    }
                    // Each table lookup waits for the one before, so a long text is cut into four
                    // lanes walked in lockstep, keeping four lookups in flight. Lanes overlap by
                    // the longest literal less one byte, so every occurrence lies wholly inside
                    // the lane it starts in.
                    let lanes = text.count >= 256 ? 4 : 1
                    let width = (text.count + lanes - 1) / lanes
                    let starts = (0..<lanes).map { $0 * width }
                    let ends = starts.map { min(text.count, $0 + width + longest - 1) }
                    var states = [Int](repeating: 0, count: lanes)
                    var offset = 0
                    if lanes == 4 {
                        let shared = ends[3] - starts[3]
                        var (a, b, c, d) = (0, 0, 0, 0)
                        while offset < shared {
                            let bytes = (text[starts[0] + offset], text[starts[1] + offset], text[starts[2] + offset], text[starts[3] + offset])
                            high |= bytes.0 | bytes.1 | bytes.2 | bytes.3
                            step(&a, bytes.0)
                            step(&b, bytes.1)
                            step(&c, bytes.2)
                            step(&d, bytes.3)
                            offset += 1
                        }
                        states = [a, b, c, d]
                    }
                    for lane in 0..<lanes {
                        for index in (starts[lane] + offset)..<ends[lane] {
                            high |= text[index]
                            step(&states[lane], text[index])
                        }
                    }
                }
            }
        }
        return Hits(bits: bits, hasNonASCII: high >= 0x80)
    }

    private static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
}
