import SluiceRegex

/// A compiled pattern from a policy: a `/regex/flags` literal, or a glob (`*.html?`) translated
/// to PCRE2 so that every pattern in policy evaluation runs on the one engine.
public struct PolicyRegex: Sendable {
    /// As written, for traces and explanations: `/\.html?$/i` or `"*.zip"`.
    public var written: String
    public var regex: PCRERegex

    public init(written: String, regex: PCRERegex) {
        self.written = written
        self.regex = regex
    }

    /// The PCRE2 pattern for a glob: `*` any run, `?` one character, the rest literal; whole
    /// subject, no case.
    public static func globPattern(_ glob: String) -> String {
        var pattern = "^"
        for character in glob {
            switch character {
            case "*": pattern += ".*"
            case "?": pattern += "."
            case "\\", ".", "+", "(", ")", "[", "]", "{", "}", "^", "$", "|", "/", "#", " ":
                pattern += "\\" + String(character)
            default: pattern.append(character)
            }
        }
        return pattern + "\\z"
    }

    public static func glob(_ glob: String) throws(RegexError) -> PolicyRegex {
        PolicyRegex(written: "\"\(glob)\"", regex: try PCRERegex(globPattern(glob), options: [.caseInsensitive, .dotAll]))
    }
}

/// Encoded as the pattern and its options; decoding compiles it again (JIT code cannot be
/// stored), and a pattern that no longer compiles is a decoding error.
extension PolicyRegex: Codable {
    private enum CodingKeys: String, CodingKey { case written, pattern, options }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        written = try container.decode(String.self, forKey: .written)
        let pattern = try container.decode(String.self, forKey: .pattern)
        let options = PCRERegex.Options(rawValue: try container.decode(UInt32.self, forKey: .options))
        do {
            regex = try PCRERegex(pattern, options: options)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .pattern, in: container, debugDescription: "`\(pattern)` does not compile: \(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(written, forKey: .written)
        try container.encode(regex.pattern, forKey: .pattern)
        try container.encode(regex.options.rawValue, forKey: .options)
    }
}
