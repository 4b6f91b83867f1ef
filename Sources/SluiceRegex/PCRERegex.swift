import CPCRE2

/// A compiled PCRE2 pattern that matches UTF-8 (or, with `.bytes`, arbitrary) bytes.
///
/// Named `PCRERegex` so it never competes with the standard library's `Regex`.
// @unchecked Sendable: the compiled code (including its JIT code) and the default match
// context are written only during init and are read-only afterwards, which PCRE2 documents
// as safe to share between threads; the only per-match mutable state, the match data, is
// created for each call.
public final class PCRERegex: @unchecked Sendable {
    /// The source pattern.
    public let pattern: String
    /// The options the pattern was compiled with.
    public let options: Options
    /// Whether JIT compilation succeeded; if not, the slower interpreter is used.
    public let isJITCompiled: Bool
    /// The number of capture groups in the pattern.
    public let captureCount: Int

    private let code: OpaquePointer
    // Built once for `MatchLimits.default`, so the common call allocates no context;
    // calls with other limits build (and free) their own rather than mutate this one.
    private let defaultContext: OpaquePointer
    private let isUTF: Bool

    /// Compiles `pattern`, JIT-compiling it when the platform supports it.
    public init(_ pattern: String, options: Options = []) throws(RegexError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        // utf8CString always has a terminator, so the base address is never nil; the explicit
        // length keeps embedded NULs part of the pattern.
        let compiled = pattern.utf8CString.withUnsafeBytes { bytes in
            pcre2_compile_8(
                bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count - 1,
                options.compileOptions, &errorCode, &errorOffset, nil
            )
        }
        guard let code = compiled else {
            throw .compile(message: RegexError.message(for: errorCode), offset: errorOffset)
        }
        guard let context = Self.makeContext(.default) else {
            pcre2_code_free_8(code)
            throw Self.outOfMemory
        }
        var captures: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)

        self.pattern = pattern
        self.options = options
        // A failed JIT compile (no JIT support on this CPU/build, or JIT memory exhausted)
        // leaves the code usable by the interpreter.
        self.isJITCompiled = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE) == 0
        self.captureCount = Int(captures)
        self.code = code
        self.defaultContext = context
        self.isUTF = !options.contains(.bytes)
    }

    deinit {
        pcre2_match_context_free_8(defaultContext)
        pcre2_code_free_8(code)
    }

    /// The linked PCRE2 library's version, e.g. "10.42 2022-12-11".
    public static var pcre2Version: String {
        // With a nil buffer pcre2_config returns the length needed, terminator included.
        let length = Int(pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), nil))
        guard length > 0 else { return "unknown" }
        return String(unsafeUninitializedCapacity: length) { buffer in
            pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), buffer.baseAddress)
            return length - 1
        }
    }

    /// The number of the capture group called `name`, or nil if there is no such group.
    public func groupNumber(named name: String) -> Int? {
        let number = name.withCString { cName in
            cName.withMemoryRebound(to: UInt8.self, capacity: name.utf8.count + 1) {
                pcre2_substring_number_from_name_8(code, $0)
            }
        }
        return number > 0 ? Int(number) : nil
    }

    // MARK: - Matching

    /// The first match in `bytes`, or nil. With a UTF pattern the bytes are checked for
    /// valid UTF-8 and `RegexError.invalidUTF8` is thrown if they are not.
    ///
    /// That check covers the whole subject on every call and runs at roughly 200 MB/s, often
    /// costing more than the match itself. To test one subject against many patterns, turn it
    /// into a `String` once (e.g. `String(validating:as:)`) and use the `String` overloads,
    /// which skip the check because Swift strings are always valid UTF-8.
    public func firstMatch(
        in bytes: some Collection<UInt8>, limits: MatchLimits = .default
    ) throws(RegexError) -> Match? {
        try withContiguousBytes(bytes) { buffer throws(RegexError) in
            try firstMatch(buffer, validUTF8: false, limits: limits)
        }
    }

    /// The first match in `string`'s UTF-8 (ranges are offsets into `string.utf8`), or nil.
    public func firstMatch(
        in string: String, limits: MatchLimits = .default
    ) throws(RegexError) -> Match? {
        try withContiguousBytes(string.utf8) { buffer throws(RegexError) in
            try firstMatch(buffer, validUTF8: true, limits: limits)
        }
    }

    /// The first match in `string`'s UTF-8 (ranges are offsets into `string.utf8`), or nil.
    public func firstMatch(
        in string: Substring, limits: MatchLimits = .default
    ) throws(RegexError) -> Match? {
        try withContiguousBytes(string.utf8) { buffer throws(RegexError) in
            try firstMatch(buffer, validUTF8: true, limits: limits)
        }
    }

    /// Whether the pattern matches anywhere in `bytes`. Cheaper than `firstMatch` because
    /// no capture offsets are recorded. UTF patterns validate `bytes` as `firstMatch` does.
    public func matches(
        _ bytes: some Collection<UInt8>, limits: MatchLimits = .default
    ) throws(RegexError) -> Bool {
        try withContiguousBytes(bytes) { buffer throws(RegexError) in
            try matches(buffer, validUTF8: false, limits: limits)
        }
    }

    /// Whether the pattern matches anywhere in `string`.
    public func matches(_ string: String, limits: MatchLimits = .default) throws(RegexError) -> Bool {
        try withContiguousBytes(string.utf8) { buffer throws(RegexError) in
            try matches(buffer, validUTF8: true, limits: limits)
        }
    }

    /// Whether the pattern matches anywhere in `string`.
    public func matches(_ string: Substring, limits: MatchLimits = .default) throws(RegexError) -> Bool {
        try withContiguousBytes(string.utf8) { buffer throws(RegexError) in
            try matches(buffer, validUTF8: true, limits: limits)
        }
    }

    /// Every non-overlapping match in `bytes`, left to right, with Perl's rules for empty
    /// matches (`a*` over "baaac" gives 0..<0, 1..<4, 4..<4, 5..<5). `limits` apply to
    /// each search step separately.
    public func allMatches(
        in bytes: some Collection<UInt8>, limits: MatchLimits = .default
    ) throws(RegexError) -> [Match] {
        try withContiguousBytes(bytes) { buffer throws(RegexError) in
            try allMatches(buffer, validUTF8: false, limits: limits)
        }
    }

    /// Every non-overlapping match in `string`'s UTF-8; see `allMatches(in:limits:)`.
    public func allMatches(
        in string: String, limits: MatchLimits = .default
    ) throws(RegexError) -> [Match] {
        try withContiguousBytes(string.utf8) { buffer throws(RegexError) in
            try allMatches(buffer, validUTF8: true, limits: limits)
        }
    }

    /// Every non-overlapping match in `string`'s UTF-8; see `allMatches(in:limits:)`.
    public func allMatches(
        in string: Substring, limits: MatchLimits = .default
    ) throws(RegexError) -> [Match] {
        try withContiguousBytes(string.utf8) { buffer throws(RegexError) in
            try allMatches(buffer, validUTF8: true, limits: limits)
        }
    }

    // MARK: - Implementation

    // Swift strings are always valid UTF-8, so callers pass `validUTF8: true` for them and
    // PCRE2's O(n) validation is skipped; raw bytes are validated by PCRE2 on the first search.

    private func firstMatch(
        _ subject: UnsafeBufferPointer<UInt8>, validUTF8: Bool, limits: MatchLimits
    ) throws(RegexError) -> Match? {
        let matchData = try makeMatchData()
        defer { pcre2_match_data_free_8(matchData) }
        return try withContext(limits) { context throws(RegexError) in
            let count = try search(subject, from: 0, flags: 0, validUTF8: validUTF8, matchData, context)
            return count.map { makeMatch(matchData, count: $0) }
        }
    }

    private func matches(
        _ subject: UnsafeBufferPointer<UInt8>, validUTF8: Bool, limits: MatchLimits
    ) throws(RegexError) -> Bool {
        // One offset pair is the minimum; PCRE2 still reports a match when captures don't fit.
        guard let matchData = pcre2_match_data_create_8(1, nil) else { throw Self.outOfMemory }
        defer { pcre2_match_data_free_8(matchData) }
        return try withContext(limits) { context throws(RegexError) in
            try search(subject, from: 0, flags: 0, validUTF8: validUTF8, matchData, context) != nil
        }
    }

    private func allMatches(
        _ subject: UnsafeBufferPointer<UInt8>, validUTF8: Bool, limits: MatchLimits
    ) throws(RegexError) -> [Match] {
        let matchData = try makeMatchData()
        defer { pcre2_match_data_free_8(matchData) }
        return try withContext(limits) { context throws(RegexError) in
            var found: [Match] = []
            var offset = 0
            var flags: UInt32 = 0
            // The first search validates the subject from offset 0 to its end, so later
            // searches of the same bytes can skip validation.
            var validated = validUTF8
            while let count = try search(subject, from: offset, flags: flags, validUTF8: validated, matchData, context) {
                validated = true
                let match = makeMatch(matchData, count: count)
                found.append(match)
                offset = match.range.upperBound
                // After an empty match, search again from the same offset but refuse another
                // empty match there. Unlike pcre2demo's anchored retry this stays an ordinary
                // search, so it keeps JIT speed and PCRE2 itself advances by whole characters
                // (and over CRLF) when nothing non-empty starts at `offset`.
                flags = match.range.isEmpty ? PCRE2_NOTEMPTY_ATSTART : 0
            }
            return found
        }
    }

    /// Runs one search from `offset`; returns PCRE2's positive result count on a match and nil
    /// when there is no match.
    private func search(
        _ subject: UnsafeBufferPointer<UInt8>, from offset: Int, flags: UInt32, validUTF8: Bool,
        _ matchData: OpaquePointer, _ context: OpaquePointer
    ) throws(RegexError) -> Int? {
        // PCRE2 rejects a NULL subject even when its length is 0, and an empty buffer may
        // have no base address.
        let base = subject.baseAddress ?? ("" as StaticString).utf8Start
        let skipUTFCheck = validUTF8 || !isUTF
        var result: Int32
        if isJITCompiled && skipUTFCheck {
            // pcre2_jit_match skips pcre2_match's argument and UTF checks and its dispatch;
            // only safe because the bytes are known not to need UTF validation and the only
            // match-time flag used (NOTEMPTY_ATSTART) is one the JIT supports.
            result = pcre2_jit_match_8(code, base, subject.count, offset, flags, matchData, context)
        } else {
            // Validates UTF-8 first when required, then uses the JIT code if there is any.
            let check = skipUTFCheck ? PCRE2_NO_UTF_CHECK : 0
            result = pcre2_match_8(code, base, subject.count, offset, flags | check, matchData, context)
        }
        if result == PCRE2_ERROR_JIT_STACKLIMIT {
            // The JIT's 32 KiB stack overflows after a few thousand iterations of a group like
            // `(?:a|b)*`; the interpreter keeps its backtracking on the heap, bounded by the
            // depth and heap limits instead.
            // The JIT attempt got past any UTF check, so the subject is known to be valid.
            result = pcre2_match_8(
                code, base, subject.count, offset,
                flags | PCRE2_NO_JIT | PCRE2_NO_UTF_CHECK, matchData, context
            )
        }
        if result == PCRE2_ERROR_NOMATCH { return nil }
        // 0 means the match data had no room for the offsets, which only `matches` allows.
        guard result >= 0 else { throw RegexError(matchCode: result, matchData: matchData) }
        return Int(max(result, 1))
    }

    private func makeMatch(_ matchData: OpaquePointer, count: Int) -> Match {
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        let unset = cpcre2_unset()
        // Groups past `count` did not take part in the match.
        let groups = (0...captureCount).map { group -> Range<Int>? in
            guard group < count else { return nil }
            let start = ovector[2 * group], end = ovector[2 * group + 1]
            // \K cannot make start > end: it is rejected inside lookarounds unless
            // PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK is set, which this wrapper never sets.
            return start == unset ? nil : start..<end
        }
        return Match(range: groups[0]!, groups: groups, regex: self)
    }

    private func makeMatchData() throws(RegexError) -> OpaquePointer {
        // Sized from the pattern so every capture group has an offset pair.
        guard let matchData = pcre2_match_data_create_from_pattern_8(code, nil) else {
            throw Self.outOfMemory
        }
        return matchData
    }

    private func withContext<R>(
        _ limits: MatchLimits, _ body: (OpaquePointer) throws(RegexError) -> R
    ) throws(RegexError) -> R {
        if limits == .default { return try body(defaultContext) }
        guard let context = Self.makeContext(limits) else { throw Self.outOfMemory }
        defer { pcre2_match_context_free_8(context) }
        return try body(context)
    }

    private static func makeContext(_ limits: MatchLimits) -> OpaquePointer? {
        guard let context = pcre2_match_context_create_8(nil) else { return nil }
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        if let heap = limits.heapLimitKiB { pcre2_set_heap_limit_8(context, heap) }
        return context
    }

    private static var outOfMemory: RegexError {
        .other(code: PCRE2_ERROR_NOMEMORY, message: RegexError.message(for: PCRE2_ERROR_NOMEMORY))
    }
}

/// Calls `body` with `bytes` as one contiguous buffer, copying only if the collection has no
/// contiguous storage (e.g. a bridged string on Darwin).
private func withContiguousBytes<R>(
    _ bytes: some Collection<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws(RegexError) -> R
) throws(RegexError) -> R {
    // withContiguousStorageIfAvailable only rethrows untyped errors, so the typed error
    // travels out in a Result.
    let result = bytes.withContiguousStorageIfAvailable { buffer in
        Result { () throws(RegexError) in try body(buffer) }
    }
    if let result { return try result.get() }
    return try withContiguousBytes(ContiguousArray(bytes), body)
}
