/// Resource limits applied to each individual PCRE2 match call.
///
/// What PCRE2 (10.42) does with them:
/// - `matchLimit` is honoured by both the JIT and the interpreter. They count different
///   units, and both restart the count at every starting position, so it bounds the
///   backtracking from any one position (stopping `(a+)+$` in milliseconds) rather than
///   the total work over a subject, which grows linearly with subject length.
/// - `depthLimit` and `heapLimitKiB` bound the interpreter's backtracking storage only;
///   JIT code ignores them. The JIT instead runs on a fixed 32 KiB machine-stack block,
///   which overflows after a few thousand iterations of a group such as `(?:a|b)*`; then
///   `PCRERegex` re-runs the match in the interpreter, where these limits apply. The
///   interpreter is also used on hosts without JIT support.
public struct MatchLimits: Sendable, Hashable {
    /// Maximum backtracking work per starting position (PCRE2's own default is 10,000,000).
    public var matchLimit: UInt32
    /// Maximum nesting of backtracking points in the interpreter (PCRE2's default is
    /// 10,000,000). A repeated group needs one to a few levels per iteration (1.5 for
    /// `(?:a|b)*`), each a heap frame of roughly 125 bytes plus 16 per capture group.
    public var depthLimit: UInt32
    /// Maximum interpreter backtracking heap in KiB; nil keeps PCRE2's built-in default.
    public var heapLimitKiB: UInt32?

    public init(matchLimit: UInt32, depthLimit: UInt32, heapLimitKiB: UInt32?) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.heapLimitKiB = heapLimitKiB
    }

    /// Defaults for matching mail against many patterns. The match limit is a tenth of
    /// PCRE2's, so a pathological pattern fails within a few milliseconds, while ordinary
    /// patterns used at most a few hundred units per position on a 5 MB body. The depth
    /// limit admits group repetitions of tens of thousands of iterations (about 15 MiB of
    /// frames for `(?:a|b)*`), and the heap limit caps any one match at 64 MiB instead of
    /// PCRE2's default of about 20 GB.
    public static let `default` = MatchLimits(
        matchLimit: 1_000_000,
        depthLimit: 100_000,
        heapLimitKiB: 64 * 1024
    )
}
