import CPCRE2

/// Why a pattern failed to compile or a match could not be completed.
public enum RegexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pattern did not compile. `offset` is a UTF-8 byte offset into the pattern
    /// (PCRE2's erroroffset); use `characterOffset(inPattern:)` for a display column.
    case compile(message: String, offset: Int)
    /// The match exceeded `MatchLimits.matchLimit` (typically catastrophic backtracking).
    case matchLimitExceeded
    /// The match exceeded `MatchLimits.depthLimit` (interpreter only; see `MatchLimits`).
    case depthLimitExceeded
    /// The match exceeded `MatchLimits.heapLimitKiB` (interpreter only; see `MatchLimits`).
    case heapLimitExceeded
    /// A UTF pattern was given a subject that is not valid UTF-8; `offset` is the byte
    /// offset of the first invalid sequence.
    case invalidUTF8(offset: Int)
    /// Any other PCRE2 failure, with PCRE2's negative error code and message.
    case other(code: Int32, message: String)

    public var description: String {
        switch self {
        case let .compile(message, offset): "\(message) at pattern byte offset \(offset)"
        case .matchLimitExceeded: "match limit exceeded"
        case .depthLimitExceeded: "depth limit exceeded"
        case .heapLimitExceeded: "heap limit exceeded"
        case let .invalidUTF8(offset): "invalid utf-8 in subject at byte offset \(offset)"
        case let .other(code, message): "\(message) (pcre2 error \(code))"
        }
    }

    /// For a compile error, the number of whole `Character`s of `pattern` that precede the
    /// error's byte offset, i.e. a zero-based column in the pattern as a user sees it.
    /// Returns nil for other errors.
    public func characterOffset(inPattern pattern: String) -> Int? {
        guard case let .compile(_, offset) = self else { return nil }
        let utf8 = pattern.utf8
        let target = utf8.index(utf8.startIndex, offsetBy: min(max(offset, 0), utf8.count))
        var column = 0
        var index = pattern.startIndex
        // Count characters that end at or before the offset, so an offset inside a
        // multi-byte character (or grapheme cluster) points at that character.
        while index < pattern.endIndex {
            let next = pattern.index(after: index)
            guard next <= target else { break }
            column += 1
            index = next
        }
        return column
    }

    /// Maps a negative return code of pcre2_match/pcre2_jit_match.
    init(matchCode code: Int32, matchData: OpaquePointer) {
        switch code {
        case PCRE2_ERROR_MATCHLIMIT: self = .matchLimitExceeded
        case PCRE2_ERROR_DEPTHLIMIT: self = .depthLimitExceeded
        case PCRE2_ERROR_HEAPLIMIT: self = .heapLimitExceeded
        case PCRE2_ERROR_UTF8_ERR21...PCRE2_ERROR_UTF8_ERR1:
            // For UTF errors pcre2 reports the invalid sequence's offset as the start char.
            self = .invalidUTF8(offset: pcre2_get_startchar_8(matchData))
        default: self = .other(code: code, message: Self.message(for: code))
        }
    }

    /// PCRE2's own (lower-case) text for an error code.
    static func message(for code: Int32) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
            let length = pcre2_get_error_message_8(code, buffer.baseAddress, buffer.count)
            guard length >= 0 else { return "unknown pcre2 error" }
            return String(decoding: buffer[..<Int(length)], as: UTF8.self)
        }
    }
}
