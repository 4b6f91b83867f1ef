/// Host and domain name syntax shared by domain entries, URL entries, addresses and spoof pairs.
/// Names are kept in lower case; raw Unicode is refused (the reference accepts Punycode only).
public enum DomainName {
    /// Validates a host name such as `mail.contoso.example` and returns it lower-cased. A name
    /// needs a dot with at least one character before it and a top-level label of two or more.
    public static func validate(_ text: String, what: String = "domain") -> Result<String, ValueProblem> {
        // Read through the text's bytes in place: searches and slices of the generic UTF-8 view
        // are many times slower. Text bridged from elsewhere may lend no bytes; a native copy does.
        if let result = text.utf8.withContiguousStorageIfAvailable({ validate(text, bytes: $0, what: what) }) { return result }
        var native = text
        native.makeContiguousUTF8()
        return validate(native, what: what)
    }

    private static func validate(_ text: String, bytes: UnsafeBufferPointer<UInt8>, what: String) -> Result<String, ValueProblem> {
        if bytes.isEmpty { return .failure(ValueProblem("the \(what) is empty")) }
        if let index = bytes.firstIndex(where: { $0 >= 0x80 }) {
            let offset = bytes.distance(from: bytes.startIndex, to: index)
            return .failure(ValueProblem(
                "the \(what) `\(text)` contains non-ASCII characters",
                help: "write internationalized names in their Punycode (`xn--`) form", range: offset..<offset + 1))
        }
        if bytes.last == UInt8(ascii: ".") {
            return .failure(ValueProblem("the \(what) `\(text)` ends with a dot", help: "drop the final `.`", range: bytes.count - 1..<bytes.count))
        }
        // ASCII from here on: every byte is a character, so labels are cut at dot bytes, in place.
        var offset = 0
        var labelCount = 0
        var labelStart = bytes.startIndex
        var lastLabel = bytes[...]
        while true {
            let labelEnd = bytes[labelStart...].firstIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex
            let label = bytes[labelStart..<labelEnd]
            let length = label.count
            let range = offset..<offset + max(length, 1)
            if length == 0 {
                return .failure(ValueProblem("the \(what) `\(text)` has an empty label", range: range))
            }
            if length > 63 {
                return .failure(ValueProblem("a label of `\(text)` is longer than 63 characters", range: range))
            }
            if let bad = label.firstIndex(where: { !isLabelByte($0) }) {
                let position = offset + label.distance(from: label.startIndex, to: bad)
                let character = String(decoding: [label[bad]], as: UTF8.self)
                return .failure(ValueProblem(
                    "`\(character)` cannot appear in the \(what) `\(text)`",
                    help: character == "*" ? "a wildcard may only start a domain entry, as `*.`" : "host names use letters, digits, `-` and `_`",
                    range: position..<position + 1))
            }
            if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") {
                return .failure(ValueProblem("a label of `\(text)` starts or ends with `-`", range: range))
            }
            offset += length + 1
            labelCount += 1
            lastLabel = label
            guard labelEnd < bytes.endIndex else { break }
            labelStart = bytes.index(after: labelEnd)
        }
        if labelCount < 2 {
            return .failure(ValueProblem("the \(what) `\(text)` has no dot", help: "write a full name such as `\(text).example`"))
        }
        if lastLabel.count < 2 {
            return .failure(ValueProblem("the top-level label of `\(text)` is shorter than two characters", range: bytes.count - 1..<bytes.count))
        }
        if lastLabel.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return .failure(ValueProblem("`\(text)` looks like an IP address, not a domain"))
        }
        if bytes.count > 253 { return .failure(ValueProblem("the \(what) `\(text)` is longer than 253 characters")) }
        return .success(lowercased(text))
    }

    /// Validates a single top-level label (`com`, `example`), as in a `*.com` domain entry.
    public static func validateTopLevel(_ text: String) -> Result<String, ValueProblem> {
        if text.utf8.count < 2 || !text.utf8.allSatisfy(isLabelByte) || text.hasPrefix("-") || text.hasSuffix("-")
            || text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        {
            return .failure(ValueProblem("`\(text)` is not a top-level domain", help: "top-level domains have two or more letters",
                                         range: text.isEmpty ? nil : 0..<text.utf8.count))
        }
        return .success(lowercased(text))
    }

    /// `a.b.example`, `b.example`, `example`: the name and each name above it.
    public static func labelSuffixes(_ host: String) -> [String] {
        var suffixes = [host]
        var rest = Substring(host)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            suffixes.append(String(rest))
        }
        return suffixes
    }

    /// Whether `host` is `domain` itself or a name under it.
    public static func host(_ host: String, isWithin domain: String) -> Bool {
        host == domain || (host.hasSuffix(domain) && host.utf8.count > domain.utf8.count
            && host.utf8[host.utf8.index(host.utf8.endIndex, offsetBy: -domain.utf8.count - 1)] == UInt8(ascii: "."))
    }

    static func isLabelByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    static func lowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return text }
        return String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
