import Foundation
import SluiceChecking
import SluiceEngine
import SluiceQuarantine

/// Writes recommended entries into a policy file: the first verified addition of an
/// explanation, appended and formatted by `PolicyEdit` (what `explain --apply`, an admin release
/// with --allow and a resolved submission all do).
enum PolicyFileEdit {
    /// The policy text of the explanation's first verified step that adds an entry (one that
    /// starts with `prefix`: `allow ` or `block `), or an error naming the manual step.
    static func firstAddition(_ explanation: Explanation, startingWith prefix: String = "") throws -> String {
        guard let text = explanation.recommendations.lazy
            .filter({ $0.kind == .addEntry && $0.verified }).compactMap(\.policyText).first(where: { $0.hasPrefix(prefix) })
        else {
            let manual = explanation.recommendations.first { $0.verified }
            Terminal.writeError("error: no recommended step adds an entry that Sluice can write for you"
                + (manual.map { "; by hand: \($0.summary)" + ($0.target.map { " at \($0)" } ?? "") } ?? ""))
            throw ExitStatus.failure
        }
        return text
    }

    /// The policy file's text before and after appending `line` (formatted); nothing written.
    static func appended(_ line: String, to path: String, date: CalendarDate) throws -> (original: String, formatted: String) {
        guard let original = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            Terminal.writeError("error: cannot read `\(path)`")
            throw ExitStatus.usageOrInput
        }
        guard let formatted = PolicyEdit.appending(line, to: original, path: path, date: date) else {
            Terminal.writeError("error: the policy would not parse after the change; nothing written")
            throw ExitStatus.failure
        }
        return (original, formatted)
    }

    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            Terminal.writeError("error: cannot write `\(path)`: \(error.localizedDescription)")
            throw ExitStatus.usageOrInput
        }
    }

    /// The first verified recommended entry starting with `prefix` for stored message `id` and
    /// `recipient` under the policy at `path`; nothing written.
    static func recommendedEntry(for id: Int64, recipient: String, store: QuarantineStore, policy path: String, date: CalendarDate,
                                 startingWith prefix: String = "") throws -> String {
        let explanation = try explainStored(id, recipient: recipient, store: store, policy: PolicyInput.checked(path), date: date)
        return try firstAddition(explanation, startingWith: prefix)
    }

    /// Appends `entry` to the policy file (formatted) unless the file already says it.
    static func add(_ entry: String, to path: String, date: CalendarDate) throws {
        let (original, formatted) = try appended(entry, to: path, date: date)
        if original.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces) == entry }) {
            print("\(path) already has: \(entry)")
            return
        }
        try write(formatted, to: path)
        print("added to \(path): \(entry)")
    }

    /// `sluice explain` on a stored message, with the envelope and trust it was decided with.
    static func explainStored(_ id: Int64, recipient: String, store: QuarantineStore, policy: CheckedPolicy, date: CalendarDate) throws -> Explanation {
        let stored = try storeAction { () throws(QuarantineError) in try store.message(id) }
        return Explainer(policy: policy, date: date, trustedAuthservIDs: stored.trustedAuthservIDs)
            .explain(bytes: stored.raw, file: "message \(id)", envelope: stored.envelopeInput, givenBy: "stored envelope",
                     recipient: recipient, trustedHosts: [])
    }
}
