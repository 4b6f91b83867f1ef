/// What a file's first bytes say it is, whatever its name and declared type claim. The common
/// attachments filter and lure detection care about the difference (an `invoice.pdf` that is a
/// Windows executable).
public enum FileType: String, Sendable, Hashable, Codable {
    case windowsExecutable = "exe"
    case elf
    case zip
    case rar
    case sevenZip = "7z"
    case gzip
    case pdf
    case oleCompound = "ole"  // legacy Office documents, .msg files
    case rtf
    case png
    case jpeg
    case gif
    case html
    case iso

    /// Magic numbers, tried in order; the first that matches names the type.
    private static let signatures: [(magic: [UInt8], type: FileType)] = [
        ([0x4D, 0x5A], .windowsExecutable),
        ([0x7F, 0x45, 0x4C, 0x46], .elf),
        ([0x50, 0x4B, 0x03, 0x04], .zip), ([0x50, 0x4B, 0x05, 0x06], .zip),
        (Array("Rar!".utf8), .rar),
        ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], .sevenZip),
        ([0x1F, 0x8B], .gzip),
        (Array("%PDF-".utf8), .pdf),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], .oleCompound),
        (Array("{\\rtf".utf8), .rtf),
        ([0x89, 0x50, 0x4E, 0x47], .png),
        ([0xFF, 0xD8, 0xFF], .jpeg),
        (Array("GIF8".utf8), .gif),
    ]
    /// Whether a signature starts with the byte: text starts with none of most of them, and then
    /// the list need not be tried.
    private static let startsASignature: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for signature in signatures { table[Int(signature.magic[0])] = true }
        return table
    }()
    private static let htmlStarts = [Array("<!doctype html".utf8), Array("<html".utf8)]

    /// Sniffs the first bytes; nil when nothing known matches.
    public static func sniff(_ bytes: ArraySlice<UInt8>) -> FileType? {
        if let first = bytes.first, startsASignature[Int(first)],
            let known = signatures.first(where: { bytes.starts(with: $0.magic) })
        {
            return known.type
        }
        if bytes.count > 0x8005, bytes.dropFirst(0x8001).starts(with: "CD001".utf8) { return .iso }
        let head = bytes.prefix(512).drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        // Both HTML starts begin with `<`, compared as below: most text is ruled out here.
        guard let first = head.first, first | 0x20 == UInt8(ascii: "<") else { return nil }
        // Compared with 0x20 set on every byte, which lower-cases letters (and folds a few
        // controls onto punctuation, as it always has).
        let isHTML = htmlStarts.contains { start in
            head.count >= start.count && Swift.zip(head, start).allSatisfy { $0 | 0x20 == $1 }
        }
        return isHTML ? .html : nil
    }
}
