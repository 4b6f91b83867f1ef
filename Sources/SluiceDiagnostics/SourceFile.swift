/// A policy source file held in memory, with a line table for turning byte offsets into
/// 1-based lines and columns (columns count characters, as an editor shows them).
public struct SourceFile: Sendable {
    public let path: String
    public let text: String
    /// The text's UTF-8 bytes, which offsets count.
    public let bytes: [UInt8]
    private let lineStarts: [Int]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        bytes = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        lineStarts = starts
    }

    /// The 1-based line and column of a byte offset.
    public func position(of offset: Int) -> (line: Int, column: Int) {
        let clamped = min(max(0, offset), bytes.count)
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= clamped { low = middle } else { high = middle - 1 }
        }
        let prefix = bytes[lineStarts[low]..<clamped]
        return (low + 1, String(decoding: prefix, as: UTF8.self).count + 1)
    }

    /// The text of a 1-based line, without its line break.
    public func line(_ number: Int) -> String {
        guard number >= 1 && number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] : bytes.count
        while end > start && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    public func span(_ range: Range<Int>) -> SourceSpan {
        let (line, column) = position(of: range.lowerBound)
        return SourceSpan(file: path, range: range, line: line, column: column)
    }
}

/// A range of bytes in a policy file, with the line and column of its start.
public struct SourceSpan: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var start: Int
    public var end: Int
    public var line: Int
    public var column: Int

    public init(file: String, range: Range<Int>, line: Int, column: Int) {
        self.file = file
        start = range.lowerBound
        end = range.upperBound
        self.line = line
        self.column = column
    }

    public var range: Range<Int> { start..<end }
    public var description: String { "\(file):\(line):\(column)" }
}

/// Encoded as its path and text; the line table is rebuilt on decoding.
extension SourceFile: Codable {
    private enum CodingKeys: String, CodingKey { case path, text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(path: try container.decode(String.self, forKey: .path), text: try container.decode(String.self, forKey: .text))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(text, forKey: .text)
    }
}
