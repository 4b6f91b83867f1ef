import Foundation
import SluiceDiagnostics

/// Reads policy files and, transitively, the files they `include`, parsing each once. Include
/// cycles and over-deep include chains are reported at the `include` that closes them.
public struct PolicyLoader {
    public static let maxIncludeDepth = 16

    public private(set) var sources: [String: SourceFile] = [:]
    public private(set) var files: [String: PolicyFile] = [:]
    public private(set) var diagnostics: [Diagnostic] = []
    /// Whether a file named by the caller (not an include) could not be read.
    public private(set) var unreadable = false

    public init() {}

    /// The key (standardized path) under which the file an `include "target"` in file `key`
    /// names is loaded: relative names count from the including file's directory.
    public static func resolve(_ target: String, from key: String) -> String {
        let path = target.hasPrefix("/") ? target : ((key as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
        return normalized(path)
    }

    /// Removes `.` and resolves `..` textually, for relative paths too (which Foundation's
    /// `standardizingPath` leaves alone on Linux), so each file has one key.
    public static func normalized(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == "..", let last = components.last, last != ".." {
                components.removeLast()
            } else if component == ".." && path.hasPrefix("/") {
                continue
            } else {
                components.append(component)
            }
        }
        let joined = components.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// The key under which a path given by the caller is loaded.
    public static func key(for path: String) -> String {
        path == "-" ? "<stdin>" : normalized(path)
    }

    /// Reads `path` (`-` is standard input) and everything it includes.
    public mutating func load(_ path: String) {
        load(path, chain: [], from: nil)
    }

    /// Takes `text` as the file at `path` (tests, editors); its includes are read from disk.
    public mutating func load(_ path: String, text: String) {
        load(path, chain: [], from: nil, text: text)
    }

    private mutating func load(_ path: String, chain: [String], from include: SourceSpan?, text given: String? = nil) {
        let key = Self.key(for: path)
        if chain.contains(key) {
            diagnostics.append(Diagnostic(
                "check.include-cycle", .error, "`\(path)` includes itself through \(chain.count) file\(chain.count == 1 ? "" : "s")",
                at: include.map { .source($0) }, notes: ["the chain is " + (chain + [key]).map { "`\($0)`" }.joined(separator: " → ")]))
            return
        }
        if chain.count >= Self.maxIncludeDepth {
            diagnostics.append(Diagnostic(
                "check.include-too-deep", .error, "includes are nested more than \(Self.maxIncludeDepth) deep",
                at: include.map { .source($0) }))
            return
        }
        if files[key] != nil { return }
        let text: String
        if let given {
            text = given
        } else if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else if let data = FileManager.default.contents(atPath: path) {
            text = String(decoding: data, as: UTF8.self)
        } else {
            if include == nil { unreadable = true }
            diagnostics.append(Diagnostic(
                include == nil ? "io.unreadable" : "check.include-not-found", .error,
                include == nil ? "cannot read `\(path)`" : "included file `\(path)` cannot be read",
                at: include.map { .source($0) }))
            return
        }
        var parser = Parser(source: SourceFile(path: key, text: text))
        let file = parser.parsePolicy()
        sources[key] = file.source
        files[key] = file
        diagnostics += parser.diagnostics
        for statement in file.statements where statement.keyword.text == "include" {
            guard case .string(let target)? = statement.arguments.first, statement.arguments.count == 1 else {
                diagnostics.append(Diagnostic(
                    "check.include-form", .error, "`include` takes one quoted file name",
                    at: .source(file.source.span(statement.range)), help: "write `include \"presets/standard.sluice\"`"))
                continue
            }
            load(Self.resolve(target.value, from: key), chain: chain + [key], from: file.source.span(target.range))
        }
    }
}
