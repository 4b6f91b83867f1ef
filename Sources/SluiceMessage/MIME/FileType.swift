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

    /// Sniffs the first bytes; nil when nothing known matches.
    public static func sniff(_ bytes: ArraySlice<UInt8>) -> FileType? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        if starts([0x4D, 0x5A]) { return .windowsExecutable }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return .elf }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts(Array("Rar!".utf8)) { return .rar }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .sevenZip }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .oleCompound }
        if starts(Array("{\\rtf".utf8)) { return .rtf }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF8".utf8)) { return .gif }
        if bytes.count > 0x8005, bytes.dropFirst(0x8001).starts(with: "CD001".utf8) { return .iso }
        let head = bytes.prefix(512).drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        let lowered = head.prefix(15).map { $0 | 0x20 }
        if lowered.starts(with: Array("<!doctype html".utf8)) || lowered.starts(with: Array("<html".utf8)) {
            return .html
        }
        return nil
    }
}
