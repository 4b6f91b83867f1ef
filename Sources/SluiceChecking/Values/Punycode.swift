/// Punycode (RFC 3492) decoding of `xn--` labels, so lint can see the Unicode name a
/// homograph renders as. Decoding only: Sluice refuses raw Unicode in entries.
public enum Punycode {
    /// The Unicode form of one label (`xn--pple-43d` → `аpple`), or nil when it is not valid.
    public static func decodeLabel(_ label: String) -> String? {
        guard label.lowercased().hasPrefix("xn--") else { return label }
        let input = Array(label.dropFirst(4).unicodeScalars)
        let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
        var output: [Unicode.Scalar] = []
        var rest = input[...]
        if let delimiter = input.lastIndex(of: "-") {
            output = Array(input[..<delimiter])
            guard output.allSatisfy(\.isASCII) else { return nil }
            rest = input[(delimiter + 1)...]
        }
        var n = 128, i = 0, bias = 72
        var position = rest.startIndex
        while position < rest.endIndex {
            let oldI = i
            var weight = 1
            var k = base
            while true {
                guard position < rest.endIndex else { return nil }
                let scalar = rest[position]
                position += 1
                let digit: Int
                switch scalar.value {
                case 0x30...0x39: digit = Int(scalar.value) - 22
                case 0x41...0x5A: digit = Int(scalar.value) - 0x41
                case 0x61...0x7A: digit = Int(scalar.value) - 0x61
                default: return nil
                }
                guard digit <= (Int.max - i) / weight else { return nil }
                i += digit * weight
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < t { break }
                weight *= base - t
                k += base
            }
            // Adapt the bias (RFC 3492 §6.1).
            var delta = oldI == 0 ? (i - oldI) / damp : (i - oldI) / 2
            delta += delta / (output.count + 1)
            var shifts = 0
            while delta > ((base - tMin) * tMax) / 2 {
                delta /= base - tMin
                shifts += base
            }
            bias = shifts + (base - tMin + 1) * delta / (delta + skew)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(n) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return String(String.UnicodeScalarView(output))
    }

    /// Every label decoded.
    public static func decode(_ domain: String) -> String? {
        var labels: [String] = []
        for label in domain.split(separator: ".") {
            guard let decoded = decodeLabel(String(label)) else { return nil }
            labels.append(decoded)
        }
        return labels.joined(separator: ".")
    }
}
