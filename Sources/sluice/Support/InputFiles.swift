import Foundation

/// Reads the inputs named on the command line: files, directories (walked in name order), or
/// `-` for standard input.
enum InputFiles {
    struct Input {
        var name: String
        var bytes: [UInt8]
    }

    enum Failure: Error, CustomStringConvertible {
        case unreadable(String, String)
        var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read `\(path)`: \(reason)"
            }
        }
    }

    /// Expands directories into the regular files below them, skipping hidden ones and, when
    /// `pathExtension` is given, files without it (files named on the command line are kept).
    static func expand(_ paths: [String], pathExtension: String? = nil) -> [String] {
        var result: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard path != "-", manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                result.append(path)
                continue
            }
            var found: [String] = []
            if let walker = manager.enumerator(atPath: path) {
                while let relative = walker.nextObject() as? String {
                    if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                    if let pathExtension, (relative as NSString).pathExtension != pathExtension { continue }
                    let full = (path as NSString).appendingPathComponent(relative)
                    var childIsDirectory: ObjCBool = false
                    if manager.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                        found.append(full)
                    }
                }
            }
            result += found.sorted()
        }
        return result
    }

    /// The one input a command works on; unreadable, it is reported and the command exits 2.
    static func readOne(_ path: String) throws -> Input {
        switch read(path) {
        case .success(let input): return input
        case .failure(let failure):
            Terminal.writeError("error: \(failure)")
            throw ExitStatus.usageOrInput
        }
    }

    static func read(_ path: String) -> Result<Input, Failure> {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return .success(Input(name: "<stdin>", bytes: [UInt8](data)))
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return .success(Input(name: path, bytes: [UInt8](data)))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? "no such file or not readable"
            return .failure(.unreadable(path, reason.lowercased()))
        }
    }
}
