/// Text every match of a pattern must contain: for each of `factors`, one of its strings,
/// compared ignoring ASCII case. A subject missing every string of some factor cannot match,
/// so a caller may skip the match when `excludes(…)` also says so; PCRE2 still decides every
/// subject that passes.
///
/// Found by reading a conservative subset of PCRE2 syntax (literals, escapes, classes,
/// groups, alternation, quantifiers); any other construct (lookaround, back references,
/// inline options, `\Q`, extended mode, …) gives no literals at all.
public struct RequiredLiterals: Sendable, Hashable {
    /// Each factor: strings in ASCII lower case, one of which every match contains.
    public let factors: [[[UInt8]]]
    /// A caseless UTF pattern's `k` and `s` also match U+212A (KELVIN SIGN) and U+017F (LONG S),
    /// the only non-ASCII characters whose case folds to an ASCII letter; so for such a pattern
    /// an ASCII-folded search proves nothing in a subject holding non-ASCII bytes.
    public let needsASCIISubject: Bool
    /// Paths through the pattern from one start position, apart from repeats of unbounded
    /// quantifiers (each over one character); with `unboundedRepeats` and the pattern length
    /// this bounds the backtracking work PCRE2 can spend at one start position.
    let paths: Int
    let unboundedRepeats: Int
    let patternLength: Int

    /// Whether a subject whose ASCII-folded text lacks a whole factor certainly
    /// gives "no match" rather than a match-limit error: skipping it must not hide a limit hit
    /// that the match itself would have reported.
    public func excludes(subjectLength: Int, nonASCII: Bool, limits: MatchLimits = .default) -> Bool {
        if nonASCII && needsASCIISubject { return false }
        // Work per start position ≤ paths × (n + 1)^unbounded × pattern length; PCRE2 counts
        // at most one match-limit unit per step, and a quarter of the limit leaves a margin.
        var bound = paths.multipliedReportingOverflow(by: patternLength + 1)
        for _ in 0..<unboundedRepeats where !bound.overflow {
            bound = bound.partialValue.multipliedReportingOverflow(by: subjectLength + 1)
        }
        return !bound.overflow && bound.partialValue <= Int(limits.matchLimit) / 4
    }

    /// The literals of `pattern` compiled with `options`, or nil when none can be proved.
    public init?(pattern: String, options: PCRERegex.Options) {
        guard !options.contains(.extended) else { return nil }
        var parser = LiteralParser(bytes: Array(pattern.utf8))
        guard let info = try? parser.alternation(), parser.index == parser.bytes.count else { return nil }
        let factors = info.factors.isEmpty ? info.exact.map { [$0] } ?? [] : info.factors
        guard !factors.isEmpty, factors.allSatisfy({ !$0.isEmpty && !$0.contains([]) }) else { return nil }
        self.factors = factors
        needsASCIISubject = options.contains(.caseInsensitive)
            && factors.joined().contains { $0.contains(UInt8(ascii: "k")) || $0.contains(UInt8(ascii: "s")) }
        paths = info.paths
        unboundedRepeats = info.unbounded
        patternLength = parser.bytes.count
    }
}

/// What a piece of pattern tells about the text it matches.
private struct LiteralInfo {
    /// Every string the piece can match, when it is a small finite set.
    var exact: [[UInt8]]?
    /// Sets of strings; every match of the piece contains one string of each.
    var factors: [[[UInt8]]] = []

    /// The factor most likely to rule a text out, the piece's exact strings included.
    var best: [[UInt8]]? {
        (factors + (exact.map { [$0] } ?? [])).filter { !$0.contains([]) }.max { LiteralParser.isBetter($1, than: $0) }
    }
    var paths = 1
    var unbounded = 0
    /// A single-character atom (the only kind an unbounded quantifier may repeat here).
    var isCharacter = false
    var isZeroWidth = false
}

private struct Unsupported: Error {}

/// A recursive-descent reader of the pattern subset `RequiredLiterals` understands.
private struct LiteralParser {
    let bytes: [UInt8]
    var index = 0
    static let maxSet = 64
    static let maxPaths = 1 << 40

    init(bytes: [UInt8]) { self.bytes = bytes }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func alternation() throws(Unsupported) -> LiteralInfo {
        var branches = [try sequence()]
        while current == UInt8(ascii: "|") {
            index += 1
            branches.append(try sequence())
        }
        guard branches.count > 1 else { return branches[0] }
        var result = LiteralInfo(paths: 0)
        var exact: [[UInt8]]? = []
        var required: [[UInt8]]? = []
        for branch in branches {
            exact = exact.flatMap { union in branch.exact.map { union + $0 } }
            required = required.flatMap { union in branch.best.map { union + $0 } }
            result.paths = try Self.checked(result.paths.addingReportingOverflow(branch.paths))
            result.unbounded = max(result.unbounded, branch.unbounded)
        }
        result.exact = exact.map(Self.unique).flatMap { $0.count <= Self.maxSet ? $0 : nil }
        if result.exact == nil, let required = required.map(Self.unique), required.count <= Self.maxSet, !required.contains([]) {
            result.factors = [required]
        }
        return result
    }

    private mutating func sequence() throws(Unsupported) -> LiteralInfo {
        var result = LiteralInfo()
        var exact: [[UInt8]]? = [[]]
        var run: [[UInt8]] = [[]]
        var factors: [[[UInt8]]] = []
        func consider(_ candidate: [[UInt8]]) {
            if !candidate.contains([]) { factors.append(candidate) }
        }
        while let byte = current, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            let item = try quantified(try atom())
            result.paths = try Self.checked(result.paths.multipliedReportingOverflow(by: item.paths))
            result.unbounded += item.unbounded
            if let items = item.exact {
                let joined = Self.concatenate(run, items)
                if joined.count > Self.maxSet {
                    consider(run)
                    run = items
                } else {
                    run = joined
                }
                exact = exact.flatMap { Self.concatenate($0, items) }.flatMap { $0.count <= Self.maxSet ? $0 : nil }
            } else {
                consider(run)
                run = [[]]
                exact = nil
                factors += item.factors
            }
        }
        consider(run)
        result.exact = exact
        // With the exact strings known, the runs say nothing more.
        result.factors = exact == nil ? factors : []
        return result
    }

    private mutating func quantified(_ atom: LiteralInfo) throws(Unsupported) -> LiteralInfo {
        guard let byte = current else { return atom }
        var low: Int, high: Int?
        switch byte {
        case UInt8(ascii: "?"): (low, high) = (0, 1)
        case UInt8(ascii: "*"): (low, high) = (0, nil)
        case UInt8(ascii: "+"): (low, high) = (1, nil)
        case UInt8(ascii: "{"): (low, high) = try braces()
        default: return atom
        }
        if byte != UInt8(ascii: "{") { index += 1 }
        // Lazy and possessive forms change which match is found, not what it must contain.
        if current == UInt8(ascii: "?") || current == UInt8(ascii: "+") { index += 1 }
        guard !atom.isZeroWidth else { throw Unsupported() }
        var result = LiteralInfo()
        if let high {
            guard high >= low, high <= 1000 else { throw Unsupported() }
            var paths = 1
            for _ in 0..<high { paths = try Self.checked(paths.multipliedReportingOverflow(by: atom.paths)) }
            result.paths = try Self.checked(paths.multipliedReportingOverflow(by: high + 1))
            result.unbounded = atom.unbounded * high
            if low == 0, high == 1, let exact = atom.exact { result.exact = Self.unique(exact + [[]]) }
        } else {
            // Backtracking into a repeated group can grow without bound; a repeated character
            // gives at most one choice per subject byte.
            guard atom.isCharacter else { throw Unsupported() }
            result.paths = 2
            result.unbounded = 1
        }
        if low >= 1 { result.factors = (atom.exact.map { [$0] } ?? atom.factors).filter { !$0.contains([]) } }
        return result
    }

    /// `{n}`, `{n,}`, `{n,m}`; anything else (which PCRE2 versions read differently) is refused.
    private mutating func braces() throws(Unsupported) -> (Int, Int?) {
        index += 1
        let low = try number()
        var high: Int? = low
        if current == UInt8(ascii: ",") {
            index += 1
            high = current == UInt8(ascii: "}") ? nil : try number()
        }
        guard current == UInt8(ascii: "}") else { throw Unsupported() }
        index += 1
        return (low, high)
    }

    private mutating func number() throws(Unsupported) -> Int {
        var value = 0, digits = 0
        while let byte = current, byte >= 0x30, byte <= 0x39, digits < 5 {
            value = value * 10 + Int(byte - 0x30)
            digits += 1
            index += 1
        }
        guard digits > 0, digits < 5 else { throw Unsupported() }
        return value
    }

    private mutating func atom() throws(Unsupported) -> LiteralInfo {
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "("):
            // Only plain and non-capturing groups: `(?` starts lookaround, inline options,
            // atomic groups, recursion and more; `(*` starts verbs and options.
            if current == UInt8(ascii: "?") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ":") else { throw Unsupported() }
                index += 2
            } else if current == UInt8(ascii: "*") {
                throw Unsupported()
            }
            var inner = try alternation()
            guard current == UInt8(ascii: ")") else { throw Unsupported() }
            index += 1
            inner.isCharacter = false
            return inner
        case UInt8(ascii: ")"), UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"):
            throw Unsupported()
        case UInt8(ascii: "^"), UInt8(ascii: "$"):
            return LiteralInfo(exact: [[]], isZeroWidth: true)
        case UInt8(ascii: "."):
            return LiteralInfo(isCharacter: true)
        case UInt8(ascii: "["):
            try skipClass()
            return LiteralInfo(isCharacter: true)
        case UInt8(ascii: "\\"):
            return try escape()
        case 0x80...:
            // A non-ASCII character (its case folding is PCRE2's business): any one character.
            while let next = current, next & 0xC0 == 0x80 { index += 1 }
            return LiteralInfo(isCharacter: true)
        default:
            return LiteralInfo(exact: [[Self.lower(byte)]], isCharacter: true)
        }
    }

    private mutating func escape() throws(Unsupported) -> LiteralInfo {
        guard let byte = current else { throw Unsupported() }
        index += 1
        switch byte {
        case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"), UInt8(ascii: "G"):
            return LiteralInfo(exact: [[]], isZeroWidth: true)
        case UInt8(ascii: "d"), UInt8(ascii: "D"), UInt8(ascii: "s"), UInt8(ascii: "S"), UInt8(ascii: "w"), UInt8(ascii: "W"),
            UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "v"), UInt8(ascii: "V"), UInt8(ascii: "N"),
            UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "f"), UInt8(ascii: "e"):
            return LiteralInfo(isCharacter: true)
        case 0x20...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E:
            // An escaped ASCII space or punctuation character stands for itself.
            return LiteralInfo(exact: [[byte]], isCharacter: true)
        default:
            // Back references, \Q…\E, \x{…}, \p{…}, \R, \X, \K, \c and the rest.
            throw Unsupported()
        }
    }

    /// Skips `[...]`, where `]` first (after an optional `^`) is a member and `[:name:]` nests.
    private mutating func skipClass() throws(Unsupported) {
        if current == UInt8(ascii: "^") { index += 1 }
        if current == UInt8(ascii: "]") { index += 1 }
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "]"): return
            case UInt8(ascii: "\\"):
                guard let next = current, next != UInt8(ascii: "Q"), next != UInt8(ascii: "E") else { throw Unsupported() }
                index += 1
            case UInt8(ascii: "[") where current == UInt8(ascii: ":") || current == UInt8(ascii: ".") || current == UInt8(ascii: "="):
                let close = bytes[index]
                index += 1
                while index + 1 < bytes.count, !(bytes[index] == close && bytes[index + 1] == UInt8(ascii: "]")) { index += 1 }
                guard index + 1 < bytes.count else { throw Unsupported() }
                index += 2
            default: continue
            }
        }
        throw Unsupported()
    }

    private static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    private static func checked(_ result: (partialValue: Int, overflow: Bool)) throws(Unsupported) -> Int {
        guard !result.overflow, result.partialValue <= maxPaths else { throw Unsupported() }
        return result.partialValue
    }

    private static func concatenate(_ prefixes: [[UInt8]], _ suffixes: [[UInt8]]) -> [[UInt8]] {
        unique(prefixes.flatMap { prefix in suffixes.map { prefix + $0 } })
    }

    private static func unique(_ strings: [[UInt8]]) -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        return strings.filter { seen.insert($0).inserted }
    }

    /// A longer shortest alternative is rarer in text; then fewer alternatives.
    static func isBetter(_ candidate: [[UInt8]], than current: [[UInt8]]) -> Bool {
        let candidateShortest = candidate.map(\.count).min() ?? 0, currentShortest = current.map(\.count).min() ?? 0
        return candidateShortest != currentShortest ? candidateShortest > currentShortest : candidate.count < current.count
    }
}
