import SluiceChecking

/// A value's meaning without where it was written: a canonical text of its stored properties
/// with every span left out, dictionaries and sets in sorted order (their iteration order is
/// arbitrary), regexes as written. Two rules or policies with the same semantic form behave the
/// same, however they moved in the file or were laid out.
enum SemanticForm {
    static let spanLabels: Set<String> = ["span", "spans", "keySpan", "policySpan"]

    static func of(_ value: Any) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    /// The semantic form of each stored property of a struct.
    static func fields(_ value: Any) -> [String: String] {
        var fields: [String: String] = [:]
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, !spanLabels.contains(label) else { continue }
            fields[label] = of(child.value)
        }
        return fields
    }

    private static func write(_ value: Any, into out: inout String) {
        // The compiled PCRE2 code is a pointer; the pattern as written is its meaning.
        if let regex = value as? PolicyRegex {
            out += "regex(\(regex.written))"
            return
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first { write(wrapped.value, into: &out) } else { out += "nil" }
        case .dictionary:
            let pairs = mirror.children.map { pair -> (String, String) in
                let parts = Array(Mirror(reflecting: pair.value).children)
                return (of(parts[0].value), of(parts[1].value))
            }
            out += "{" + pairs.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
        case .set:
            out += "{" + mirror.children.map { of($0.value) }.sorted().joined(separator: ",") + "}"
        case .collection:
            out += "[" + mirror.children.map { of($0.value) }.joined(separator: ",") + "]"
        case .enum:
            if let payload = mirror.children.first {
                out += "\(payload.label ?? "")("
                write(payload.value, into: &out)
                out += ")"
            } else {
                out += String(describing: value)
            }
        case .struct, .tuple, .class:
            out += "("
            for child in mirror.children where !spanLabels.contains(child.label ?? "") {
                out += (child.label ?? "") + ":"
                write(child.value, into: &out)
                out += ","
            }
            out += ")"
        default:
            out += String(describing: value)
        }
    }
}
