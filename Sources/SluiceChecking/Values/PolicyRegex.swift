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
