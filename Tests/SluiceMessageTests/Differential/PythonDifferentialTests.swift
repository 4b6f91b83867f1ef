import Foundation
import SluiceMessage
import Testing

/// Compares Sluice's reading of every corpus message with Python's standard `email` package
/// (policy.default): the From address, the decoded Subject, and the leaf parts with their decoded
/// size and SHA-256. Where the two disagree and Sluice is right, `known-differences.json` records
/// the case and why; an entry that no longer differs fails the test too, so the list stays true.
@Suite("Differential: Sluice versus Python's email package")
struct PythonDifferentialTests {
    struct PythonView: Decodable {
        var from: String?
        var subject: String?
        var leaves: [Leaf]
    }

    struct Leaf: Decodable, Equatable, CustomStringConvertible {
        var contentType: String
        var size: Int
        var sha256: String
        var description: String { "\(contentType) \(size) \(sha256.prefix(12))" }
    }

    struct KnownDifference: Decodable {
        var file: String
        var field: String
        var reason: String
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    static func pythonViews() throws -> [String: PythonView] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", directory.appendingPathComponent("python_email_dump.py").path]
            + Fixtures.corpusMessages
        process.currentDirectoryURL = Fixtures.corpus
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 failed")
        do {
            return try JSONDecoder().decode([String: PythonView].self, from: data)
        } catch {
            Issue.record("python3 printed no readable JSON: \(String(decoding: data.prefix(300), as: UTF8.self))")
            throw error
        }
    }

    @Test("every corpus message reads as Python reads it, or the difference is recorded")
    func corpusAgreesWithPython() throws {
        let python = try Self.pythonViews()
        let known = try JSONDecoder().decode(
            [KnownDifference].self,
            from: Data(contentsOf: Self.directory.appendingPathComponent("known-differences.json")))
        var expected = Set(known.map { "\($0.file) \($0.field)" })
        #expect(expected.count == known.count, "known-differences.json lists a case twice")
        #expect(python.count == Fixtures.corpusMessages.count)

        for file in Fixtures.corpusMessages {
            let view = try #require(python[file])
            let message = try Fixtures.message(file)
            let leaves = message.root.leaves.map {
                Leaf(contentType: $0.contentType, size: $0.content?.size ?? -1, sha256: $0.content?.sha256 ?? "")
            }
            let comparisons: [(field: String, same: Bool, detail: String)] = [
                ("from", message.author.map(\.address) == view.from,
                 "sluice \(message.author?.address ?? "nil") python \(view.from ?? "nil")"),
                ("subject", message.subject == view.subject,
                 "sluice \(message.subject.debugDescription) python \(view.subject.debugDescription)"),
                ("leaves", leaves == view.leaves, "sluice \(leaves) python \(view.leaves)"),
            ]
            for comparison in comparisons {
                let key = "\(file) \(comparison.field)"
                if comparison.same {
                    #expect(!expected.contains(key), "\(key) is listed as a known difference but now agrees")
                } else {
                    #expect(expected.contains(key), "\(key) differs and is not explained: \(comparison.detail)")
                }
                expected.remove(key)
            }
        }
        #expect(expected.isEmpty, "known differences name files not in the corpus: \(expected.sorted())")
    }
}
