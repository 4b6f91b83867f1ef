import CPCRE2

extension PCRERegex {
    /// Compile options. With no options a pattern is compiled in UTF mode with Unicode
    /// properties (PCRE2_UTF | PCRE2_UCP), so `.`, `\w` and case folding work on
    /// characters and subjects must be valid UTF-8; `.bytes` opts out of that.
    public struct Options: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32

        public init(rawValue: UInt32) {
            self.rawValue = rawValue
        }

        /// `i`: case-insensitive matching (PCRE2_CASELESS).
        public static let caseInsensitive = Options(rawValue: 1 << 0)
        /// `m`: `^` and `$` also match at internal newlines (PCRE2_MULTILINE).
        public static let multiline = Options(rawValue: 1 << 1)
        /// `s`: `.` also matches newlines (PCRE2_DOTALL).
        public static let dotAll = Options(rawValue: 1 << 2)
        /// `x`: ignore unescaped whitespace and `#` comments in the pattern (PCRE2_EXTENDED).
        public static let extended = Options(rawValue: 1 << 3)
        /// Match only at the start offset (PCRE2_ANCHORED).
        public static let anchored = Options(rawValue: 1 << 4)
        /// Compile without UTF/UCP: the pattern and subject are plain bytes, so subjects that
        /// are not valid UTF-8 (raw 8-bit headers, binary parts) still match byte by byte.
        public static let bytes = Options(rawValue: 1 << 5)

        /// Parses the flags of a `/pattern/flags` literal (`i`, `m`, `s`, `x`, in any order,
        /// repeats allowed); nil if any other character appears.
        public init?(flags: some StringProtocol) {
            var options: Options = []
            for flag in flags.unicodeScalars {
                switch flag {
                case "i": options.insert(.caseInsensitive)
                case "m": options.insert(.multiline)
                case "s": options.insert(.dotAll)
                case "x": options.insert(.extended)
                default: return nil
                }
            }
            self = options
        }

        var compileOptions: UInt32 {
            var bits: UInt32 = 0
            if contains(.caseInsensitive) { bits |= PCRE2_CASELESS }
            if contains(.multiline) { bits |= PCRE2_MULTILINE }
            if contains(.dotAll) { bits |= PCRE2_DOTALL }
            if contains(.extended) { bits |= PCRE2_EXTENDED }
            if contains(.anchored) { bits |= PCRE2_ANCHORED }
            if !contains(.bytes) {
                // \C could end a match inside a character, breaking the UTF-8 invariant the
                // matcher relies on when it skips re-validating a subject.
                bits |= PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C
            }
            return bits
        }
    }

    /// Splits a `/pattern/flags` literal into its pattern and options. The pattern is
    /// everything between the first and the last `/` and is returned verbatim (`\/` stays
    /// escaped, which PCRE2 reads as a literal slash). Nil if the literal is not of that
    /// shape or has an unknown flag.
    public static func parseLiteral(_ literal: String) -> (pattern: String, options: Options)? {
        guard literal.hasPrefix("/"),
              let close = literal.lastIndex(of: "/"),
              close != literal.startIndex,
              let options = Options(flags: literal[literal.index(after: close)...])
        else { return nil }
        return (String(literal[literal.index(after: literal.startIndex)..<close]), options)
    }
}
