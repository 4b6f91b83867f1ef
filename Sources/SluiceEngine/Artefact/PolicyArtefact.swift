import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceMessage

/// A compiled policy on disk (`sluice compile -o`): loads without parsing or checking.
///
/// Layout: the magic `SLUICEPA`, the format version, the compiler that wrote it, the policy's
/// content hash; the source files (spans point into them, so explanations can show lines); the
/// tenant entries in a compact binary form (the bulk of a large policy); everything else as
/// JSON. Loading checks the version and recomputes the hash from the sources, so a stale or
/// damaged artefact is refused rather than believed.
public enum PolicyArtefact {
    public static let formatVersion = 1
    public static let compilerVersion = "sluice 0.1.0"
    private static let magic = Array("SLUICEPA".utf8)

    public enum LoadError: Error, CustomStringConvertible {
        case notAnArtefact
        case version(found: Int, writtenBy: String)
        case damaged(offset: Int, reason: String)
        case hashMismatch(recorded: String, computed: String)

        public var description: String {
            switch self {
            case .notAnArtefact: "not a compiled Sluice policy (no `SLUICEPA` header)"
            case .version(let found, let writer):
                "artefact format \(found) written by \(writer); this is \(compilerVersion), format \(formatVersion): compile the policy again"
            case .damaged(let offset, let reason): "the artefact is damaged at byte \(offset): \(reason)"
            case .hashMismatch(let recorded, let computed):
                "the artefact's sources hash to \(computed.prefix(12))…, not the recorded \(recorded.prefix(12))…: it is damaged"
            }
        }
    }

    public static func encode(_ policy: CheckedPolicy) throws -> [UInt8] {
        var writer = BinaryWriter()
        for byte in magic { writer.byte(byte) }
        writer.int(formatVersion)
        writer.string(compilerVersion)
        writer.string(PolicyHash.of(policy))
        let paths = policy.sources.keys.sorted()
        let fileIndex = Dictionary(uniqueKeysWithValues: paths.enumerated().map { ($1, $0) })
        writer.int(paths.count)
        for path in paths {
            writer.string(path)
            writer.raw(policy.sources[path]!.bytes)
        }
        writer.int(policy.entries.count)
        for entry in policy.entries { EntryCoding.write(entry, to: &writer, files: fileIndex) }
        var rest = policy
        rest.entries = []
        rest.sources = [:]
        writer.raw(Array(try JSONEncoder().encode(rest)))
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(LoadError) -> CheckedPolicy {
        guard bytes.starts(with: magic) else { throw .notAnArtefact }
        var reader = BinaryReader(bytes, offset: magic.count)
        do {
            let version = try reader.int()
            let writer = try reader.string()
            guard version == formatVersion else { throw LoadError.version(found: version, writtenBy: writer) }
            let recordedHash = try reader.string()
            var sources: [String: SourceFile] = [:]
            var paths: [String] = []
            for _ in 0..<(try reader.count(limit: 100_000)) {
                let path = try reader.string()
                let text = try reader.raw()
                sources[path] = SourceFile(path: path, text: String(decoding: text, as: UTF8.self))
                paths.append(path)
            }
            let entryCount = try reader.count()
            var entries: [ListEntry] = []
            entries.reserveCapacity(min(entryCount, 10_000_000))
            for _ in 0..<entryCount { entries.append(try EntryCoding.read(from: &reader, files: paths)) }
            var policy = try JSONDecoder().decode(CheckedPolicy.self, from: Data(try reader.raw()))
            policy.entries = entries
            policy.sources = sources
            let computed = PolicyHash.of(policy)
            guard computed == recordedHash else { throw LoadError.hashMismatch(recorded: recordedHash, computed: computed) }
            return policy
        } catch let error as LoadError {
            throw error
        } catch let damage as BinaryReader.Damaged {
            throw .damaged(offset: damage.offset, reason: damage.reason)
        } catch {
            throw .damaged(offset: reader.offset, reason: "\(error)")
        }
    }
}
