import Foundation
import GRDB
import SluiceChecking
import SluiceEngine
import SluiceMessage
@testable import SluiceQuarantine

/// A fresh store in a temporary directory, the fixture policy copied beside it, and a way to
/// push real RFC 5322 messages through the evaluator into the store.
struct QuarantineFixture {
    let directory: URL
    let store: QuarantineStore
    let policyPath: String
    var policy: CheckedPolicy

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    init(policyText: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-quarantine-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["tenant.sluice", "user-lists.json", "user-lists.csv"] {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        policyPath = directory.appendingPathComponent("tenant.sluice").path
        if let policyText { try Data(policyText.utf8).write(to: URL(fileURLWithPath: policyPath)) }
        let (checked, diagnostics, _) = PolicyChecker.load(policyPath)
        precondition(diagnostics.allSatisfy { $0.severity != .error }, "fixture policy does not check: \(diagnostics)")
        policy = checked
        store = try QuarantineStore(path: directory.appendingPathComponent("q.sqlite").path)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    static func message(from: String = "sender@northwind.example", to: [String] = ["alice@contoso.example"], subject: String,
                        body: String = "Hello,\r\nplease see https://northwind.example/offer for details.\r\n") -> [UInt8] {
        Array("""
            From: Sender <\(from)>\r
            To: \(to.joined(separator: ", "))\r
            Subject: \(subject)\r
            Date: Sun, 29 Nov 2026 09:00:00 +0000\r
            Message-ID: <\(UUID())@northwind.example>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(body)
            """.utf8)
    }

    /// Decides `bytes` for its To recipients and ingests it at `time`.
    @discardableResult
    func ingest(_ bytes: [UInt8], at time: Timestamp, evaluator: Evaluator? = nil) throws -> (IngestOutcome, [Decision]) {
        let message = MessageReader().read(bytes)
        let envelope = Envelope()
        let evaluator = evaluator ?? Evaluator.compiled(policy)
        let decisions = message.to.map { evaluator.evaluate(message, envelope: envelope, recipient: $0.address.lowercased(), on: time.day) }
        let outcome = try store.ingest(IngestRequest(bytes: bytes, message: message, envelope: envelope, decisions: decisions,
                                                     source: nil, arrival: time), policy: policy)
        return (outcome, decisions)
    }

    /// The store read with plain SQL, as any SQLite client would.
    func rows(_ sql: String) throws -> [Row] {
        let queue = try DatabaseQueue(path: store.path)
        return try queue.read { try Row.fetchAll($0, sql: sql) }
    }

    static let day0 = Timestamp.parse("2026-11-30T00:00:00Z")!  // a Monday
}

extension IngestOutcome {
    var messageID: Int64? {
        switch self {
        case .stored(let id, _), .alreadyStored(let id): id
        case .notQuarantined: nil
        }
    }
}
