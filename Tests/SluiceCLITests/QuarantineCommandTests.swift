import Foundation
import GRDB
import Synchronization
import Testing

/// `sluice eval --quarantine-store` and `sluice quarantine …`, run as the built binary against a
/// real SQLite file, which the tests then read with plain SQL.
@Suite("sluice quarantine")
struct QuarantineCommandTests {
    /// A temporary working directory with the quarantine tests' tenant and its user lists.
    struct Workspace {
        let root: URL
        var policy: String { root.appendingPathComponent("tenant.sluice").path }
        var store: String { root.appendingPathComponent("q.sqlite").path }
        var outbox: String { root.appendingPathComponent("outbox").path }
        var messages: URL { root.appendingPathComponent("messages") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-cli-quarantine-\(UUID())")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("messages"), withIntermediateDirectories: true)
            let fixtures = URL(fileURLWithPath: SluiceBinary.fixture("Tests/SluiceQuarantineTests/Fixtures"))
            for name in ["tenant.sluice", "user-lists.json", "user-lists.csv"] {
                try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: root.appendingPathComponent(name))
            }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }

        /// Writes a real RFC 5322 message into `messages/` and returns its path.
        @discardableResult
        func message(_ name: String, from: String = "sender@northwind.example", to: [String] = ["alice@contoso.example"],
                     subject: String, headers: [String] = []) throws -> String {
            let text = headers.map { $0 + "\r\n" }.joined() + """
                From: Sender <\(from)>\r
                To: \(to.joined(separator: ", "))\r
                Subject: \(subject)\r
                Date: Sun, 29 Nov 2026 09:00:00 +0000\r
                Message-ID: <\(name)@northwind.example>\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                Please see https://northwind.example/offer?id=\(name) today.\r

                """
            let url = messages.appendingPathComponent("\(name).eml")
            try Data(text.utf8).write(to: url)
            return url.path
        }

        func sluice(_ arguments: [String]) throws -> SluiceBinary.Result {
            try SluiceBinary.run(arguments, environment: ["SLUICE_STORE": store])
        }

        func ingest(_ paths: [String], now: String = "2026-11-30T08:00:00Z") throws -> SluiceBinary.Result {
            try sluice(["eval", "--policy", policy, "--quarantine-store", store, "--now", now] + paths)
        }

        func rows(_ sql: String) throws -> [Row] {
            try DatabaseQueue(path: store).read { try Row.fetchAll($0, sql: sql) }
        }
    }

    /// The organization's gateway calls the message spam (reference §6.1).
    static let spamVerdict = [
        "X-Forefront-Antispam-Report: CIP:192.0.2.10;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.partner.example;PTR:mail.partner.example;CAT:SPM;SFS:;DIR:INB;",
        "Received: from mail.partner.example (mail.partner.example [192.0.2.10]) by mx.contoso.example with ESMTPS id 4F2a9; Sun, 29 Nov 2026 08:59:58 +0000",
    ]

    @Test("eval keeps quarantined messages once, reports the id, and the file holds the bytes and decision")
    func ingest() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let held = try workspace.message("held", to: ["alice@contoso.example", "bob@contoso.example"], subject: "Offer [full]")
        let clean = try workspace.message("clean", subject: "Lunch")
        let first = try workspace.ingest([held, clean])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("kept in quarantine as message 1 for alice@contoso.example, bob@contoso.example"))
        let again = try workspace.sluice(["quarantine", "ingest", "--policy", workspace.policy, "--store", workspace.store, held])
        #expect(again.stdout.contains("already in quarantine as message 1"))
        let messages = try workspace.rows("SELECT raw, source FROM message")
        #expect(messages.count == 1)
        #expect(messages[0]["raw"] as Data == FileManager.default.contents(atPath: held))
        let copies = try workspace.rows("SELECT recipient, decision, status FROM quarantine ORDER BY recipient")
        #expect(copies.map { $0["recipient"] as String } == ["alice@contoso.example", "bob@contoso.example"])
        let decision = try #require(try JSONSerialization.jsonObject(with: Data((copies[0]["decision"] as String).utf8)) as? [String: Any])
        #expect(decision["location"] as? String == "Quarantine")

        let list = try workspace.sluice(["quarantine", "list", "--admin", "--format", "json"])
        #expect(list.status == 0, "\(list.stderr)")
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(listed.count == 2)
        #expect(listed.allSatisfy { $0["reason"] as? String == "Transport rule" && $0["status"] as? String == "needs-review" })
        let mine = try workspace.sluice(["quarantine", "list", "--as", "bob@contoso.example"])
        #expect(mine.stdout.split(separator: "\n").count == 2)  // the header and bob's copy
        #expect(mine.stdout.contains("bob@contoso.example") && !mine.stdout.contains("alice@contoso.example"))
    }

    @Test("show explains the stored decision; preview defangs links; both respect permissions")
    func showAndPreview() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.ingest([try workspace.message("full", subject: "Offer [full]"), try workspace.message("none", subject: "Offer [none]")])
        let show = try workspace.sluice(["quarantine", "show", "1", "--as", "alice@contoso.example", "--policy", workspace.policy])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("Result: Blocked due to organizational overrides"))
        #expect(show.stdout.contains("rule \"full\""))
        let preview = try workspace.sluice(["quarantine", "preview", "1", "--as", "alice@contoso.example"])
        #expect(preview.stdout.contains("hxxps://northwind[.]example/offer?id=full"))
        #expect(!preview.stdout.contains("https://"))
        let hidden = try workspace.sluice(["quarantine", "preview", "2", "--as", "alice@contoso.example"])
        #expect(hidden.status == 1)
        #expect(hidden.stderr.contains("no quarantined copy that `alice@contoso.example` can see"))
        let audit = try workspace.sluice(["quarantine", "audit", "--message", "1"])
        #expect(audit.stdout.contains("alice@contoso.example: previewed"))
    }

    @Test("release: the recipient within permissions, the admin to the rest, never twice; refusals exit 1")
    func release() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.ingest([try workspace.message("m", to: ["alice@contoso.example", "bob@contoso.example"], subject: "Offer [limited]")])
        let refused = try workspace.sluice(["quarantine", "release", "1", "--as", "alice@contoso.example", "--outbox", workspace.outbox])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("may not release this message: its quarantine policy `Limited` does not allow it; request release instead"))
        let requested = try workspace.sluice(["quarantine", "request-release", "1", "--as", "alice@contoso.example"])
        #expect(requested.status == 0, "\(requested.stderr)")
        let approved = try workspace.sluice(["quarantine", "approve", "1", "--outbox", workspace.outbox])
        #expect(approved.stdout.contains("approved: released message 1 to alice@contoso.example"))
        let rest = try workspace.sluice(["quarantine", "release", "1", "--admin", "--outbox", workspace.outbox])
        #expect(rest.status == 0, "\(rest.stderr)")
        #expect(rest.stdout.contains("to bob@contoso.example") && !rest.stdout.contains("to alice@contoso.example"))
        let twice = try workspace.sluice(["quarantine", "release", "1", "--admin", "--to", "bob@contoso.example", "--outbox", workspace.outbox])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("already released to `bob@contoso.example`"))
        let files = try FileManager.default.contentsOfDirectory(atPath: workspace.outbox).sorted()
        #expect(files == ["released-1-alice@contoso.example.eml", "released-1-bob@contoso.example.eml"])
        #expect(try workspace.rows("SELECT * FROM release").count == 2)
    }

    @Test("two processes releasing the same message at once release it once")
    func concurrentRelease() throws {
        for round in 0..<5 {
            let workspace = try Workspace()
            defer { workspace.remove() }
            _ = try workspace.ingest([try workspace.message("m\(round)", subject: "Offer [full]")])
            // Both processes are started before either is waited for.
            let processes = try (0..<2).map { _ in
                let process = Process()
                process.executableURL = SluiceBinary.executable
                process.arguments = ["quarantine", "release", "1", "--admin", "--outbox", workspace.outbox, "--store", workspace.store]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                return process
            }
            for process in processes { try process.run() }
            for process in processes { process.waitUntilExit() }
            let statuses = processes.map(\.terminationStatus).sorted()
            #expect(statuses == [0, 1], "round \(round): \(statuses)")
            #expect(try workspace.rows("SELECT * FROM release").count == 1)
            #expect(try workspace.rows("SELECT * FROM audit WHERE action = 'released'").count == 1)
        }
    }

    @Test("killed at random points while ingesting, the store stays consistent and keeps what it reported")
    func crashWhileIngesting() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // Two recipients each: a message half stored would show as one copy.
        let paths = try (0..<150).map {
            try workspace.message(String(format: "msg%03d", $0), to: ["alice@contoso.example", "bob@contoso.example"], subject: "Offer \($0) [full]")
        }
        let arguments = ["eval", "--policy", workspace.policy, "--quarantine-store", workspace.store, "--now", "2026-11-30T08:00:00Z",
                         workspace.messages.path]
        // How long an uninterrupted run (into a scratch store) takes, for kills at any moment of one.
        let scratch = workspace.root.appendingPathComponent("scratch.sqlite").path
        let fullRun = try timedRun(["eval", "--policy", workspace.policy, "--quarantine-store", scratch, workspace.messages.path])
        var generator = SystemRandomNumberGenerator()
        var reported: [String: Int64] = [:]
        var midway = 0
        for attempt in 0..<12 {
            let before = reported.count
            let remaining = paths.count - before
            // Every third kill lands at a random moment of a whole run (start-up, reading, deciding
            // or storing); the others right after a random number of newly stored messages, which
            // no timing on a loaded machine can make miss the store window. The first kill is of
            // the second kind, so one run surely stops midway: a kill at a random moment may come
            // after the last store and leave later runs nothing to stop in the middle of.
            let moment: KillMoment = attempt % 3 == 2 || remaining < 2
                ? .after(seconds: Double.random(in: 0...fullRun, using: &generator))
                : .afterStoring(Int.random(in: 1...max(1, remaining / 2), using: &generator))
            let (output, killed) = try runKilled(arguments, at: moment)
            reported.merge(Self.storedIDs(output)) { first, _ in first }
            let stored = try Self.storedCount(workspace)
            if killed && reported.count > before && stored < paths.count { midway += 1 }
            try Self.checkConsistent(workspace, reported: reported)
        }
        #expect(midway > 0, "no run was killed after storing some messages and before storing all")
        // A last run to completion stores the rest, each message exactly once.
        let finished = try workspace.ingest([workspace.messages.path])
        #expect(finished.status == 0, "\(finished.stderr)")
        try Self.checkConsistent(workspace, reported: reported)
        let stored = try workspace.rows("SELECT source FROM message").map { $0["source"] as String }
        #expect(stored.count == paths.count)
        #expect(Set(stored) == Set(paths))
    }

    /// The ids `eval` printed as kept, by message file.
    static func storedIDs(_ output: String) -> [String: Int64] {
        var ids: [String: Int64] = [:]
        var lastFile: String?
        for line in output.split(separator: "\n") {
            if let arrow = line.range(of: " → ") { lastFile = String(line[..<arrow.lowerBound]) }
            if line.hasPrefix("  kept in quarantine as message "), let file = lastFile {
                ids[file] = Int64(line.dropFirst("  kept in quarantine as message ".count).prefix { $0.isNumber })
            }
        }
        return ids
    }

    /// Messages in the store; none when a run was killed before it created the schema.
    static func storedCount(_ workspace: Workspace) throws -> Int {
        guard try !workspace.rows("SELECT 1 FROM sqlite_master WHERE name = 'message'").isEmpty else { return 0 }
        return try workspace.rows("SELECT count(*) FROM message").first?[0] as Int? ?? 0
    }

    static func checkConsistent(_ workspace: Workspace, reported: [String: Int64]) throws {
        #expect(try workspace.rows("PRAGMA integrity_check").first?[0] as String? == "ok")
        guard try !workspace.rows("SELECT 1 FROM sqlite_master WHERE name = 'message'").isEmpty else {
            #expect(reported.isEmpty, "ids were reported before the store had its tables")
            return
        }
        let messages = try workspace.rows("SELECT m.id, m.source, m.raw, count(q.id) AS copies FROM message m LEFT JOIN quarantine q ON q.messageId = m.id GROUP BY m.id")
        #expect(Set(messages.map { $0["source"] as String }).count == messages.count, "a message stored twice")
        for row in messages {
            #expect(row["copies"] as Int == 2, "message \(row["id"] as Int64) has \(row["copies"] as Int) copies")
            #expect(row["raw"] as Data == FileManager.default.contents(atPath: row["source"]))
        }
        let byFile = Dictionary(uniqueKeysWithValues: messages.map { ($0["source"] as String, $0["id"] as Int64) })
        for (file, id) in reported { #expect(byFile[file] == id, "`\(file)` was reported stored as \(id)") }
    }

    /// Starts the binary with its output going to a scratch file, and hands both to `body` while
    /// it runs; the file is removed afterwards.
    func withRunning<T>(_ arguments: [String], _ body: (Process, URL) throws -> T) throws -> T {
        let process = Process()
        process.executableURL = SluiceBinary.executable
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-output-\(UUID())")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        return try body(process, output)
    }

    /// Seconds an uninterrupted run takes.
    func timedRun(_ arguments: [String]) throws -> Double {
        let started = Date()
        return try withRunning(arguments) { process, _ in
            process.waitUntilExit()
            return Date().timeIntervalSince(started)
        }
    }

    enum KillMoment {
        case after(seconds: Double)
        /// Once the run has printed this many `kept in quarantine` lines (it prints one only after
        /// the message is on disk, and flushes it at once).
        case afterStoring(Int)
    }

    /// Runs the binary and kills it (SIGKILL) at `moment`, returning what it printed by then and
    /// whether it was still running when killed.
    func runKilled(_ arguments: [String], at moment: KillMoment) throws -> (String, Bool) {
        switch moment {
        case .after(let seconds):
            return try withRunning(arguments) { process, output in
                Thread.sleep(forTimeInterval: seconds)
                let running = process.isRunning
                if running { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                return (String(decoding: try Data(contentsOf: output), as: UTF8.self), running && process.terminationReason == .uncaughtSignal)
            }
        case .afterStoring(let count):
            return try runKilled(arguments, afterStoring: count)
        }
    }

    /// The binary writes into a one-page pipe that this test reads only up to the `count`th
    /// `kept in quarantine` line: once the pipe is full the binary blocks while reporting a stored
    /// message and stores no further one, so the kill lands after `count` stores and at most a
    /// page of output later, however slowly a loaded machine schedules this thread.
    private func runKilled(_ arguments: [String], afterStoring count: Int) throws -> (String, Bool) {
        let process = Process()
        process.executableURL = SluiceBinary.executable
        process.arguments = arguments
        let pipe = Pipe()
        let setPipeSize: Int32 = 1031  // F_SETPIPE_SZ (Linux), not exported to Swift
        _ = fcntl(pipe.fileHandleForWriting.fileDescriptor, setPipeSize, 4096)
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        try pipe.fileHandleForWriting.close()
        let reading = pipe.fileHandleForReading.fileDescriptor
        var printed: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        func readChunk() -> Bool {
            let got = chunk.withUnsafeMutableBytes { read(reading, $0.baseAddress, $0.count) }
            if got > 0 { printed += chunk[..<got] }
            return got > 0
        }
        while String(decoding: printed, as: UTF8.self).components(separatedBy: "kept in quarantine").count - 1 < count, readChunk() {}
        let running = process.isRunning
        if running { kill(process.processIdentifier, SIGKILL) }
        while readChunk() {}
        process.waitUntilExit()
        return (String(decoding: printed, as: UTF8.self), running && process.terminationReason == .uncaughtSignal)
    }
}
