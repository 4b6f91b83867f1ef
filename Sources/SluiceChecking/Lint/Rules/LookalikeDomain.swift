import SluiceDiagnostics

/// An allow entry or spoof pair whose domain imitates one of the organization's accepted
/// domains: `contoso.example` against `c0ntoso.example`, `rnicrosoft.example` (rn for m),
/// `contosso.example` (one edit away). Allowing a lookalike lets the impersonator in.
/// Punycode (`xn--`) names are decoded: Cyrillic and Greek letters that look Latin are folded
/// (`аpple` with a Cyrillic а), and a label that mixes scripts is reported as a homograph even
/// when it imitates no accepted domain.
public struct LookalikeDomain: LintRule {
    public static let id = "lookalike-domain"
    public static let severity = Severity.warning
    public static let summary = "an allow or spoof pair for a domain that imitates an accepted domain"

    /// Sequences people read as another: each maps to what it imitates.
    static let confusables: [(String, String)] = [
        ("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("l", "i"), ("5", "s"), ("3", "e"), ("8", "b"), ("-", ""),
        // Cyrillic and Greek letters drawn like Latin ones.
        ("а", "a"), ("е", "e"), ("о", "o"), ("р", "p"), ("с", "c"), ("х", "x"), ("у", "y"), ("і", "i"), ("ј", "j"),
        ("ѕ", "s"), ("һ", "h"), ("ԁ", "d"), ("ο", "o"), ("α", "a"), ("ε", "e"), ("ρ", "p"), ("ν", "v"), ("τ", "t"),
    ]

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let accepted = context.policy.organization.acceptedDomains.map(\.value)
        guard !accepted.isEmpty else { return [] }
        let skeletons = Dictionary(accepted.map { (Self.skeleton($0), $0) }, uniquingKeysWith: { first, _ in first })
        let registrables = accepted.map { (domain: $0, registrable: Self.registrable($0)) }
        return context.policy.entries.compactMap { entry in
            let domain: String? = switch entry.target {
            case .sender(let address) where entry.action == .allow: address.domain
            case .domain(let pattern) where entry.action == .allow: pattern.domain
            case .spoof(let pair) where entry.action == .allow:
                switch pair.spoofedUser {
                case .address(let address): address.domain
                case .domain(let domain): domain
                case .any: nil
                }
            default: nil
            }
            guard let domain, !context.policy.organization.accepts(domain) else { return nil }
            let shown = Punycode.decode(domain) ?? domain
            let registrable = Self.registrable(shown)
            if let imitated = skeletons[Self.skeleton(shown)] ?? registrables.first(where: { Self.oneEditApart(registrable, $0.registrable) })?.domain {
                return finding("`\(domain)`\(shown == domain ? "" : " (shown as `\(shown)`)") looks like your domain `\(imitated)`", at: entry.keySpan,
                               help: "check the spelling: allowing a lookalike lets the impersonator in")
            }
            if shown.split(separator: ".").contains(where: Self.mixesScripts) {
                return finding("`\(domain)` is shown as `\(shown)`, which mixes scripts in one label (a homograph)", at: entry.keySpan,
                               help: "allow the domain the sender really uses, written in one script")
            }
            return nil
        }
    }

    /// Latin letters together with Cyrillic or Greek ones in one label.
    static func mixesScripts(_ label: Substring) -> Bool {
        var latin = false, other = false
        for scalar in label.unicodeScalars where scalar.properties.isAlphabetic {
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: latin = true
            case 0x370...0x3FF, 0x400...0x52F: other = true
            default: break
            }
        }
        return latin && other
    }

    /// The name as a hurried reader sees it: confusable sequences folded, one after another in
    /// the table's order (so `1` becomes `l` and then `i`), each left to right without overlaps.
    static func skeleton(_ domain: String) -> String {
        var text = Array(domain)
        for (from, to) in confusableCharacters { replace(from, with: to, in: &text) }
        return String(text)
    }

    private static let confusableCharacters = confusables.map { (Array($0.0), Array($0.1)) }

    private static func replace(_ pattern: [Character], with replacement: [Character], in text: inout [Character]) {
        guard let first = pattern.first, text.contains(first) else { return }
        var result: [Character] = []
        result.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == first && text[index...].starts(with: pattern) {
                result += replacement
                index += pattern.count
            } else {
                result.append(text[index])
                index += 1
            }
        }
        text = result
    }

    /// The domain without its last label (`contoso` of `contoso.example`), where lookalikes differ.
    static func registrable(_ domain: String) -> String {
        domain.split(separator: ".").dropLast().joined(separator: ".")
    }

    /// One insertion, deletion, substitution or adjacent swap apart, for names long enough that
    /// this is not a coincidence.
    static func oneEditApart(_ a: String, _ b: String) -> Bool {
        guard a != b, min(a.count, b.count) >= 5 else { return false }
        let x = Array(a), y = Array(b)
        if x.count == y.count {
            let differing = x.indices.filter { x[$0] != y[$0] }
            if differing.count == 1 { return true }
            return differing.count == 2 && differing[1] == differing[0] + 1 && x[differing[0]] == y[differing[1]] && x[differing[1]] == y[differing[0]]
        }
        guard abs(x.count - y.count) == 1 else { return false }
        let (short, long) = x.count < y.count ? (x, y) : (y, x)
        var i = 0, j = 0, skipped = false
        while i < short.count && j < long.count {
            if short[i] == long[j] { i += 1; j += 1 } else if skipped { return false } else { skipped = true; j += 1 }
        }
        return true
    }
}
