import Foundation
import SluiceMessage

/// Test fixtures under `Tests/Fixtures`, found from this file's path so tests run from any
/// working directory without resource bundles.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static let corpus = root.appendingPathComponent("corpus")

    /// Every message file of the corpus (READMEs left out), sorted, as paths relative to `corpus`.
    static let corpusMessages: [String] = {
        let enumerator = FileManager.default.enumerator(atPath: corpus.path)!
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = corpus.appendingPathComponent(relative).path
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                !relative.hasSuffix("README.md")
            else { continue }
            found.append(relative)
        }
        return found.sorted()
    }()

    static func bytes(_ corpusPath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: corpus.appendingPathComponent(corpusPath)))
    }

    static func message(_ corpusPath: String, options: ReadOptions = ReadOptions()) throws -> Message {
        MessageReader(options: options).read(try bytes(corpusPath))
    }

    /// Reads a message written inline in a test; `\n` line ends become CRLF when asked.
    static func message(text: String, crlf: Bool = false, options: ReadOptions = ReadOptions()) -> Message {
        let normalized = crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
        return MessageReader(options: options).read(Array(normalized.utf8))
    }
}
