/// A file entry's SHA-256, written `sha256:` and 64 hex digits (or the 64 digits alone), kept
/// in lower case to compare with the reader's attachment hashes.
public struct FileHash: Sendable, Codable, Hashable, CustomStringConvertible {
    public var hex: String

    /// `hex` is 64 lower-case hex digits (use `parse` for text from a user).
    public init(hex: String) { self.hex = hex }

    public static func parse(_ text: String) -> Result<FileHash, ValueProblem> {
        let prefix = text.lowercased().hasPrefix("sha256:") ? 7 : 0
        let digits = String(text.dropFirst(prefix))
        if let bad = digits.utf8.firstIndex(where: { !($0 >= 0x30 && $0 <= 0x39) && !(($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x66) }) {
            let position = prefix + digits.utf8.distance(from: digits.utf8.startIndex, to: bad)
            return .failure(ValueProblem(
                "a SHA-256 is written in hex digits only", help: "copy the hash from `sluice inspect` or `sha256sum`",
                range: position..<position + 1))
        }
        guard digits.utf8.count == 64 else {
            return .failure(ValueProblem(
                "a SHA-256 has 64 hex digits, this one has \(digits.utf8.count)",
                help: "other hashes (MD5, SHA-1) are not supported by file entries"))
        }
        return .success(FileHash(hex: digits.lowercased()))
    }

    public var description: String { "sha256:\(hex)" }
}
