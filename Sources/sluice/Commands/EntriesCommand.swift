import ArgumentParser
import Foundation
import SluiceChecking
import SluiceEngine
import SluiceQuarantine

struct EntriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entries",
        abstract: "Allow/block entries with their hits and last use from the quarantine store, and which expire when.",
        discussion: """
            Every decision made with a store (`sluice eval --quarantine-store`) records the entries \
            it matched. An entry that expires `N days after last use` ends N days after its last \
            recorded use (or after its `created` date when never used). --stale lists only entries \
            expired, expiring within 14 days, or never used; --fix removes the expired ones from \
            their policy files through the formatter. Exit status: 0 done; 2 usage or input error.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "The policy file.")
    var policy: String

    @Flag(help: "Only entries expired, expiring within 14 days, or never used.")
    var stale = false

    @Flag(help: "Remove the expired entries from the policy files.")
    var fix = false

    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    struct Row: Encodable {
        var entry: String
        var location: String
        var hits: Int
        var lastUsed: String?
        /// The last day the entry applies, nil when it never expires.
        var lastDay: String?
        /// `active`, `expiring` (within 14 days), `expired`.
        var state: String
        var neverUsed: Bool
    }

    func run() throws {
        let opened = try store.open()
        let today = try store.moment().day
        let checked = try PolicyInput.checked(policy)
        let usage = try storeAction { () throws(QuarantineError) in try opened.entryUsage() }
        var rows: [Row] = []
        var expired: [ListEntry] = []
        for entry in checked.entries {
            let used = usage[entry.usageKey]
            let lastDay = entry.lastDay(lastUsed: used?.lastUsed.day)
            let state = lastDay.map { $0 < today ? "expired" : $0.dayNumber - today.dayNumber <= 14 ? "expiring" : "active" } ?? "active"
            if state == "expired" { expired.append(entry) }
            let row = Row(entry: entry.summary, location: "\(entry.span.file):\(entry.span.line)",
                          hits: used?.hits ?? 0, lastUsed: used.map { "\($0.lastUsed)" }, lastDay: lastDay.map { "\($0)" }, state: state,
                          neverUsed: used == nil)
            if !stale || state != "active" || row.neverUsed { rows.append(row) }
        }
        switch format {
        case .json: print(try JSONOutput.string(rows, pretty: true))
        case .text:
            if rows.isEmpty { print(stale ? "no stale entries" : "no entries") }
            for row in rows {
                let use = row.neverUsed ? "never used" : "\(row.hits) hit\(row.hits == 1 ? "" : "s"), last \(row.lastUsed!)"
                let end = row.lastDay.map { row.state == "expired" ? "expired after \($0)" : "until \($0)" } ?? "no expiry"
                print("\(row.location)  \(row.entry)  — \(use); \(end)\(row.state == "expiring" ? " (expiring soon)" : "")")
            }
        }
        if fix { try removeExpired(expired) }
    }

    private func removeExpired(_ entries: [ListEntry]) throws {
        // With --format json, standard output is the JSON document alone.
        let report: (String) -> Void = format == .json ? { Terminal.writeError($0) } : { print($0) }
        guard !entries.isEmpty else { report("no expired entries to remove"); return }
        for (path, inFile) in Dictionary(grouping: entries, by: \.span.file) {
            guard let data = FileManager.default.contents(atPath: path) else {
                Terminal.writeError("error: cannot read `\(path)`")
                throw ExitStatus.usageOrInput
            }
            guard let (text, applied) = PolicyEdit.replacing(inFile.map { (range: $0.span.range, replacement: "") }, in: [UInt8](data), path: path) else {
                Terminal.writeError("error: removing the expired entries of `\(path)` would break its syntax; left unchanged")
                throw ExitStatus.failure
            }
            try PolicyFileEdit.write(text, to: path)
            report("removed \(applied.count) expired entr\(applied.count == 1 ? "y" : "ies") from \(path)")
        }
    }
}
