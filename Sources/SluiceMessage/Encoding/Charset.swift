import SluiceDiagnostics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Text decoded from bytes, with the problems met on the way. Problems carry no location; the caller,
/// which knows the header or part, sets it.
public struct DecodedText: Sendable, Hashable, Codable {
    public var text: String
    public var problems: [Diagnostic]

    public init(text: String, problems: [Diagnostic] = []) {
        self.text = text
        self.problems = problems
    }
}

/// A character set resolved from a MIME `charset` label, able to decode bytes to a `String`.
///
/// Labels are matched case-insensitively and ignoring punctuation (`UTF8`, `utf-8`, `iso_8859-2:1987`).
/// Some labels decode as a superset, as browsers and mail clients do (WHATWG Encoding Standard),
/// because senders routinely mislabel:
/// - `iso-8859-1`, `latin1` and `us-ascii`'s 8-bit bytes are read as windows-1252 (its smart quotes
///   and euro sign sit in the C1 range that ISO-8859-1 reserves for controls nobody sends);
/// - `iso-8859-9` as windows-1254, `iso-8859-11`/`tis-620` as windows-874;
/// - `gb2312`/`gbk` as GB18030, `big5` as Big5-HKSCS, `euc-kr` as CP949 (UHC);
/// - `shift_jis` as Windows-31J (CP932), which also maps `0x5C` to a backslash, not a yen sign;
/// - `euc-jp` and `iso-2022-jp` with the NEC and IBM extensions (circled digits and the like).
///
/// UTF-8, US-ASCII and windows-1252 are decoded directly; everything else goes through iconv, and
/// labels missing from the built-in table are tried on iconv as they are.
public struct Charset: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The lower-case name of the decoder actually used, e.g. `windows-1252` for the label `latin1`.
    public let name: String
    let engine: Engine

    enum Engine: Sendable, Hashable, Codable {
        case utf8
        case ascii
        case windows1252
        /// UTF-8 if the bytes are valid UTF-8, windows-1252 otherwise.
        case guess
        /// ISO-2022-JP, rewritten to EUC-JP so that iconv's EUC-JP-MS can take the extensions.
        case iso2022jp
        /// `asciiSuperset`: ASCII bytes mean ASCII (not so for UTF-7, UTF-16 or EBCDIC), so pure
        /// ASCII input can skip iconv.
        case iconv(String, asciiSuperset: Bool)

        /// Whether plain ASCII input may skip iconv. The direct decoders have fast paths of their own.
        var passesPlainASCII: Bool {
            switch self {
            case .iso2022jp: true
            case .iconv(_, let asciiSuperset): asciiSuperset
            case .utf8, .ascii, .windows1252, .guess: false
            }
        }
    }

    init(name: String, engine: Engine) {
        self.name = name
        self.engine = engine
    }

    public static let utf8 = Charset(name: "utf-8", engine: .utf8)
    public static let usASCII = Charset(name: "us-ascii", engine: .ascii)
    public static let windows1252 = Charset(name: "windows-1252", engine: .windows1252)
    /// RFC 1428's label for 8-bit text of unknown charset; decodes as UTF-8 when valid, else windows-1252.
    public static let unknown8Bit = Charset(name: "unknown-8bit", engine: .guess)

    /// Resolves a MIME charset label, or returns nil for a label that is neither known nor taken by iconv.
    /// The empty label and the labels that admit ignorance (`unknown-8bit`, `x-unknown`) give
    /// ``unknown8Bit``.
    public init?(label: String) {
        // The labels nearly all mail uses, as written, skip building the lookup key.
        if label == "utf-8" {
            self = .utf8
            return
        }
        if label == "us-ascii" {
            self = .usASCII
            return
        }
        let key = Charset.key(label)
        if let known = charsetTable[key] {
            self = known
            return
        }
        guard Charset.isPlausibleIconvName(label), Iconv.isAvailable(label) else { return nil }
        self.init(name: ASCII.lowercased(label), engine: .iconv(label, asciiSuperset: false))
    }

    public var description: String { name }

    /// Decodes `bytes`, replacing each invalid sequence with U+FFFD and reporting
    /// `charset.invalid-bytes` (or `charset.mislabelled` for 8-bit bytes under `us-ascii`).
    public func decode(_ bytes: some Collection<UInt8>) -> DecodedText {
        if let result = bytes.withContiguousStorageIfAvailable({ decode(buffer: $0) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// Decodes `bytes` labelled `label`. An unrecognised label reports `charset.unknown` and decodes
    /// as ``unknown8Bit`` would.
    public static func decode(_ bytes: some Collection<UInt8>, label: String) -> DecodedText {
        if let charset = Charset(label: label) {
            return charset.decode(bytes)
        }
        var result = Charset.unknown8Bit.decode(bytes)
        result.problems.insert(
            Diagnostic(
                "charset.unknown", .warning, "unknown charset `\(MIMEBytes.excerpt(label.utf8))`",
                notes: ["decoded as utf-8 where valid, otherwise as windows-1252"]),
            at: 0)
        return result
    }

    func decode(buffer: UnsafeBufferPointer<UInt8>) -> DecodedText {
        if engine.passesPlainASCII, UTF8Decoding.isPlainASCII(buffer) {
            return DecodedText(text: String(decoding: buffer, as: UTF8.self))
        }
        switch engine {
        case .utf8:
            return reportingInvalid(UTF8Decoding.decode(buffer))
        case .windows1252:
            return DecodedText(text: Windows1252.decode(buffer))
        case .guess:
            if let text = String(validating: buffer, as: UTF8.self) { return DecodedText(text: text) }
            return DecodedText(text: Windows1252.decode(buffer))
        case .ascii:
            if UTF8Decoding.isASCII(buffer) { return DecodedText(text: String(decoding: buffer, as: UTF8.self)) }
            // Software that labels everything us-ascii today mostly sends UTF-8; older software sent
            // windows-1252. Valid UTF-8 is almost never accidental, so it wins.
            let asUTF8 = String(validating: buffer, as: UTF8.self)
            let used = asUTF8 == nil ? "windows-1252" : "utf-8"
            return DecodedText(
                text: asUTF8 ?? Windows1252.decode(buffer),
                problems: [
                    Diagnostic(
                        "charset.mislabelled", .warning, "text labelled `us-ascii` contains 8-bit bytes",
                        notes: ["decoded as \(used)"])
                ])
        case .iso2022jp:
            let euc = ISO2022JP.toEUCJP(buffer)
            let decoded = euc.withUnsafeBufferPointer { Iconv.decode($0, from: "EUC-JP-MS") }
            return decoded.map(reportingInvalid) ?? unavailable(buffer)
        case .iconv(let iconvName, _):
            return Iconv.decode(buffer, from: iconvName).map(reportingInvalid) ?? unavailable(buffer)
        }
    }

    /// A system without glibc's gconv modules (some slim containers) has no converters at all.
    private func unavailable(_ buffer: UnsafeBufferPointer<UInt8>) -> DecodedText {
        var result = Charset.unknown8Bit.decode(buffer: buffer)
        result.problems.append(
            Diagnostic(
                "charset.unavailable", .error, "no converter for charset `\(name)` on this system",
                notes: ["decoded as utf-8 where valid, otherwise as windows-1252"],
                help: "install glibc's gconv modules"))
        return result
    }

    private func reportingInvalid(_ decoded: (text: String, invalid: Int)) -> DecodedText {
        guard decoded.invalid > 0 else { return DecodedText(text: decoded.text) }
        let sequences = decoded.invalid == 1 ? "sequence" : "sequences"
        return DecodedText(
            text: decoded.text,
            problems: [
                Diagnostic(
                    "charset.invalid-bytes", .error,
                    "replaced \(decoded.invalid) invalid byte \(sequences) in `\(name)` text")
            ])
    }

    /// Lower-case ASCII letters and digits only, so `ISO_8859-2`, `iso-8859-2` and `ISO8859-2` meet;
    /// RFC 1345's year suffix (`ISO_8859-2:1987`) is dropped.
    static func key(_ label: String) -> String {
        String(unsafeUninitializedCapacity: label.utf8.count) { out in
            var count = 0
            for byte in label.utf8 {
                switch byte {
                case UInt8(ascii: ":"):
                    return count
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    out[count] = byte
                    count += 1
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    out[count] = byte | 0x20
                    count += 1
                default:
                    continue
                }
            }
            return count
        }
    }

    /// Keeps attacker-chosen labels away from iconv's suffix syntax (`//TRANSLIT`) and from the names
    /// that mean "the current locale".
    private static func isPlausibleIconvName(_ label: String) -> Bool {
        guard !label.isEmpty, label.utf8.count <= 40 else { return false }
        let allowed = label.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: ":"):
                true
            default:
                false
            }
        }
        return allowed && !["char", "wchart", "internal"].contains(key(label))
    }
}

/// Label keys (see `Charset.key`) to decoders. Built once; immutable, so shared freely across threads.
private let charsetTable: [String: Charset] = {
    var table: [String: Charset] = [:]
    func add(_ charset: Charset, _ keys: String...) {
        for key in keys { table[key] = charset }
    }
    func iconv(_ name: String, _ iconvName: String) -> Charset {
        let asciiSuperset = !["UTF-7", "UTF-16", "UTF-32"].contains { iconvName.hasPrefix($0) }
        return Charset(name: name, engine: .iconv(iconvName, asciiSuperset: asciiSuperset))
    }

    add(.utf8, "utf8", "unicode11utf8", "unicode20utf8", "xunicode20utf8")
    add(
        .usASCII, "usascii", "ascii", "us", "ansix341968", "ansix341986", "iso646us", "isoir6", "cp367",
        "ibm367", "csascii", "646")
    add(
        .windows1252, "iso88591", "latin1", "l1", "isoir100", "cp819", "ibm819",
        "csisolatin1", "windows1252", "cp1252", "xcp1252", "win1252")
    add(.unknown8Bit, "", "unknown8bit", "xunknown", "unknown")

    let latinNames = [
        2: "latin2", 3: "latin3", 4: "latin4", 10: "latin6", 13: "latin7", 14: "latin8",
        15: "latin9", 16: "latin10",
    ]
    for part in [2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16] {
        let charset = iconv("iso-8859-\(part)", "ISO-8859-\(part)")
        add(charset, "iso8859\(part)", "isoir8859\(part)", "8859\(part)")
        if let latin = latinNames[part] { add(charset, latin) }
    }
    add(iconv("iso-8859-5", "ISO-8859-5"), "cyrillic")
    add(iconv("iso-8859-6", "ISO-8859-6"), "arabic", "iso88596e", "iso88596i")
    add(iconv("iso-8859-7", "ISO-8859-7"), "greek", "greek8")
    add(
        iconv("iso-8859-8", "ISO-8859-8"), "hebrew", "iso88598e", "iso88598i", "visual",
        "logical")
    add(iconv("windows-874", "CP874"), "windows874", "cp874", "dos874", "tis620", "iso885911", "iso885911e")

    for codepage in 1250...1258 where codepage != 1252 {
        add(
            iconv("windows-\(codepage)", "CP\(codepage)"), "windows\(codepage)", "cp\(codepage)",
            "xcp\(codepage)", "win\(codepage)")
    }
    add(iconv("windows-1254", "CP1254"), "iso88599", "latin5", "l5", "isoir148")

    add(iconv("koi8-r", "KOI8-R"), "koi8r", "koi8", "cskoi8r")
    add(iconv("koi8-u", "KOI8-U"), "koi8u", "koi8ru")
    add(iconv("ibm866", "IBM866"), "ibm866", "cp866", "866", "csibm866")
    add(iconv("macintosh", "MACINTOSH"), "macintosh", "mac", "macroman", "xmacroman", "csmacintosh")

    add(
        iconv("gbk", "GB18030"), "gbk", "gb2312", "gb231280", "cp936", "ms936", "windows936", "xgbk",
        "csgb2312", "chinese", "euccn", "xeuccn", "isoir58")
    add(iconv("gb18030", "GB18030"), "gb18030")
    add(
        iconv("big5", "BIG5-HKSCS"), "big5", "big5hkscs", "cnbig5", "xxbig5", "csbig5", "cp950",
        "windows950")
    add(
        iconv("shift_jis", "CP932"), "shiftjis", "sjis", "xsjis", "mskanji", "csshiftjis", "cp932",
        "ms932", "windows31j", "cswindows31j", "ibm943")
    add(iconv("euc-jp", "EUC-JP-MS"), "eucjp", "xeucjp", "cseucpkdfmtjapanese", "eucjpms")
    add(Charset(name: "iso-2022-jp", engine: .iso2022jp), "iso2022jp", "csiso2022jp")
    add(
        iconv("euc-kr", "CP949"), "euckr", "cseuckr", "ksc5601", "ksc56011987", "ksc56011989", "korean",
        "isoir149", "cp949", "uhc", "windows949")
    add(iconv("iso-2022-kr", "ISO-2022-KR"), "iso2022kr", "csiso2022kr")

    add(iconv("utf-16", "UTF-16"), "utf16", "unicode", "ucs2")
    add(iconv("utf-16le", "UTF-16LE"), "utf16le")
    add(iconv("utf-16be", "UTF-16BE"), "utf16be")
    add(iconv("utf-32", "UTF-32"), "utf32")
    add(iconv("utf-32le", "UTF-32LE"), "utf32le")
    add(iconv("utf-32be", "UTF-32BE"), "utf32be")
    add(iconv("utf-7", "UTF-7"), "utf7", "unicode11utf7", "csunicode11utf7")
    return table
}()

enum UTF8Decoding {
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        return high < 0x80
    }

    /// ASCII without the shift bytes (SO, SI, ESC) that switch ISO-2022 charsets out of ASCII.
    static func isPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 < 0x80 && $0 != 0x0E && $0 != 0x0F && $0 != 0x1B }
    }

    /// Replaces each maximal invalid subpart with U+FFFD (Unicode §3.9, as WHATWG does).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> (text: String, invalid: Int) {
        // ASCII is valid UTF-8, and far quicker to recognise than running the general validation.
        if isASCII(bytes) { return (String(decoding: bytes, as: UTF8.self), 0) }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, 0) }
        var text = ""
        text.reserveCapacity(bytes.count + 16)
        var invalid = 0
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                text.unicodeScalars.append(Unicode.UTF8.decode(encoded))
            case .error:
                text.unicodeScalars.append("\u{FFFD}")
                invalid += 1
            case .emptyInput:
                return (text, invalid)
            }
        }
    }
}

/// windows-1252 as WHATWG defines it: every byte maps, the five holes to the C1 controls.
enum Windows1252 {
    private static let c1: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        c1.withUnsafeBufferPointer { c1 in decode(bytes, c1: c1) }
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, c1: UnsafeBufferPointer<UInt16>) -> String {
        var length = bytes.count
        for byte in bytes where byte >= 0x80 {
            length += byte < 0xA0 && c1[Int(byte &- 0x80)] >= 0x800 ? 2 : 1
        }
        return String(unsafeUninitializedCapacity: length) { out in
            var index = 0
            for byte in bytes {
                if byte < 0x80 {
                    out[index] = byte
                    index += 1
                    continue
                }
                let scalar = byte < 0xA0 ? c1[Int(byte &- 0x80)] : UInt16(byte)
                if scalar < 0x80 {
                    out[index] = UInt8(scalar)
                    index += 1
                } else if scalar < 0x800 {
                    out[index] = UInt8(0xC0 | (scalar >> 6))
                    out[index + 1] = UInt8(0x80 | (scalar & 0x3F))
                    index += 2
                } else {
                    out[index] = UInt8(0xE0 | (scalar >> 12))
                    out[index + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                    out[index + 2] = UInt8(0x80 | (scalar & 0x3F))
                    index += 3
                }
            }
            return index
        }
    }
}

/// ISO-2022-JP (RFC 1468) rewritten to EUC-JP: the same JIS X 0208/0212 code points with the high bit
/// set. Going through EUC-JP-MS lets NEC row 13 and IBM extensions, which Japanese Windows mailers put
/// in ISO-2022-JP (CP50220/CP50221), decode; glibc's own ISO-2022-JP rejects them.
/// JIS X 0201 Roman (`ESC ( J`) is read as ASCII. Bytes that cannot occur become `0xFF`, which EUC-JP
/// rejects, so they are counted and replaced like any other invalid sequence.
enum ISO2022JP {
    private enum Mode { case ascii, jis0208, jis0212, katakana }
    private static let esc: UInt8 = 0x1B
    private static let invalid: UInt8 = 0xFF

    static func toEUCJP(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var mode = Mode.ascii
        var index = 0
        let count = bytes.count
        func at(_ offset: Int) -> UInt8? { index + offset < count ? bytes[index + offset] : nil }

        while index < count {
            let byte = bytes[index]
            if byte == esc {
                switch (at(1), at(2), at(3)) {
                case (0x28, 0x42, _), (0x28, 0x4A, _):
                    mode = .ascii
                    index += 3
                case (0x28, 0x49, _):
                    mode = .katakana
                    index += 3
                case (0x24, 0x40, _), (0x24, 0x42, _):
                    mode = .jis0208
                    index += 3
                case (0x24, 0x28, 0x44):
                    mode = .jis0212
                    index += 4
                default:
                    out.append(invalid)
                    index += 1
                }
                continue
            }
            // Line ends and stray whitespace pass through in any mode rather than poisoning a pair.
            if mode == .ascii || byte < 0x21 || byte >= 0x7F {
                out.append(byte < 0x80 ? byte : invalid)
                index += 1
            } else if mode == .katakana {
                if byte <= 0x5F { out.append(contentsOf: [0x8E, byte | 0x80]) } else { out.append(invalid) }
                index += 1
            } else if let trail = at(1), trail >= 0x21, trail <= 0x7E {
                if mode == .jis0212 { out.append(0x8F) }
                out.append(contentsOf: [byte | 0x80, trail | 0x80])
                index += 2
            } else {
                out.append(invalid)
                index += 1
            }
        }
        return out
    }
}

/// One iconv conversion to UTF-8. A descriptor is opened and closed per call, so calls never share
/// state and are safe from any thread.
enum Iconv {
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    static func open(from name: String) -> iconv_t? {
        let cd = iconv_open("UTF-8", name)
        return Int(bitPattern: cd) == -1 ? nil : cd
    }

    static func isAvailable(_ name: String) -> Bool {
        guard let cd = open(from: name) else { return false }
        iconv_close(cd)
        return true
    }

    /// Decodes with U+FFFD for each invalid byte or code unit (skipping it and resuming) and for a truncated
    /// sequence at the end. Nil if iconv has no converter for `name`.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, from name: String) -> (text: String, invalid: Int)? {
        guard let cd = open(from: name) else { return nil }
        defer { iconv_close(cd) }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return ("", 0) }

        // Enough for most text (Latin, Cyrillic, CJK); Thai and other 3-byte scripts grow once.
        var capacity = bytes.count * 2 + 16
        var out = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { out.deallocate() }
        var written = 0
        var invalid = 0

        func grow() {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: out, count: written)
            out.deallocate()
            out = bigger
            capacity *= 2
        }
        func appendReplacement() {
            if capacity - written < replacement.count { grow() }
            for byte in replacement {
                out[written] = byte
                written += 1
            }
        }

        // Skipping less than a code unit would misalign every later UTF-16 or UTF-32 unit.
        let upper = name.uppercased()
        let unit =
            upper.hasPrefix("UTF-32") || upper.hasPrefix("UCS-4")
            ? 4
            : upper.hasPrefix("UTF-16") || upper.hasPrefix("UCS-2") ? 2 : 1
        var input: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base)
            .assumingMemoryBound(to: CChar.self)
        var inputLeft = bytes.count
        var flushing = false
        conversion: while true {
            var output: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out + written)
                .assumingMemoryBound(to: CChar.self)
            var outputLeft = capacity - written
            // A nil input flushes stateful decoders (ISO-2022-KR, CP1258's pending base letter).
            let result =
                flushing
                ? iconv(cd, nil, nil, &output, &outputLeft)
                : iconv(cd, &input, &inputLeft, &output, &outputLeft)
            let failure = result == -1 ? errno : 0
            written = capacity - outputLeft

            if result != -1 {
                if flushing { break conversion }
                flushing = true
                continue
            }
            switch failure {
            case E2BIG:
                grow()
            case EINVAL:
                // Truncated sequence at the end of the input.
                appendReplacement()
                invalid += 1
                inputLeft = 0
                flushing = true
            default:
                // EILSEQ: skip one byte (one code unit) and resume, so one bad byte costs one character.
                appendReplacement()
                invalid += 1
                if flushing { break conversion }
                let skip = min(unit, inputLeft)
                input = input.map { $0 + skip }
                inputLeft -= skip
                if inputLeft == 0 { flushing = true }
            }
        }
        return (String(decoding: UnsafeBufferPointer(start: out, count: written), as: UTF8.self), invalid)
    }
}
