import Foundation
import SluiceChecking
import SluiceEngine
import SluiceSyntax

/// A recipient's Outlook-style list (reference §8).
public enum SenderList: String, Sendable {
    case safeSenders = "safe-senders"
    case blockedSenders = "blocked-senders"
}

/// One file's text before and after a change.
public struct FileChange: Sendable, Equatable {
    public var path: String
    public var original: String
    public var updated: String
}

/// Adds a sender to a recipient's safe or blocked senders where those lists are written: the
/// JSON or CSV file they are loaded from, their inline `user-lists` block, or a new block
/// appended to the root policy file. Policy text goes through the formatter.
public enum UserListEdit {
    /// The change, or nil when the sender is already on that list.
    public static func adding(_ sender: String, to list: SenderList, of recipient: EmailAddress, policy: CheckedPolicy, root: String,
                              date: CalendarDate) throws(QuarantineError) -> FileChange? {
        let lists = policy.userLists[recipient]
        let present = (list == .safeSenders ? lists?.safeSenders : lists?.blockedSenders)?.contains { $0.value.description == sender } ?? false
        if present { return nil }
        guard let lists else {
            let original = try read(root)
            let block = "user-lists \(recipient) {\n  \(list.rawValue) \(sender)\n}"
            guard let updated = PolicyEdit.appending(block, to: original, path: root, date: date, by: "sluice quarantine") else {
                throw .policyEdit("the new `user-lists` block would not parse")
            }
            return FileChange(path: root, original: original, updated: updated)
        }
        let span = lists.span
        let source = try read(span.file)
        let written = String(decoding: Array(source.utf8)[span.start..<span.end], as: UTF8.self)
        if written.hasPrefix("\"") {
            let path = PolicyLoader.resolve(String(written.dropFirst().dropLast()), from: span.file)
            let original = try read(path)
            let updated = path.lowercased().hasSuffix(".csv")
                ? original + (original.hasSuffix("\n") || original.isEmpty ? "" : "\n") + "\(recipient),\(list.rawValue),\(sender)\n"
                : try addingToJSON(original, sender: sender, list: list, recipient: "\(recipient)", path: path)
            return FileChange(path: path, original: original, updated: updated)
        }
        let updatedBlock = addingToBlock(written, sender: sender, list: list)
        let bytes = Array(source.utf8)
        let updated = String(decoding: bytes[..<span.start], as: UTF8.self) + updatedBlock + String(decoding: bytes[span.end...], as: UTF8.self)
        let (file, diagnostics) = Parser.parse(updated, path: span.file)
        guard diagnostics.allSatisfy({ $0.severity != .error }) else { throw .policyEdit("the edited `user-lists` block would not parse") }
        return FileChange(path: span.file, original: source, updated: PolicyFormatter.format(file))
    }

    /// Writes the change; `verify` re-checks the whole policy afterwards, and a policy that no
    /// longer checks gets its file back as it was.
    public static func apply(_ change: FileChange, verify: () -> Bool) throws(QuarantineError) {
        try write(change.updated, to: change.path)
        if !verify() {
            try write(change.original, to: change.path)
            throw .policyEdit("the policy would not check after adding the sender; `\(change.path)` left as it was")
        }
    }

    /// `safe-senders a@b` inside the block gets `, sender` at its end; a block without that
    /// list gets a new line before its closing brace.
    static func addingToBlock(_ block: String, sender: String, list: SenderList) -> String {
        var lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(list.rawValue + " ") }) {
            let line = lines[index]
            let comment = line.range(of: " #")
            let code = comment.map { String(line[..<$0.lowerBound]) } ?? line
            lines[index] = code.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + ", \(sender)"
                + (comment.map { String(line[$0.lowerBound...]) } ?? "")
            return lines.joined(separator: "\n")
        }
        // A new line just inside the closing brace (the formatter lays the block out again).
        guard let close = block.lastIndex(of: "}") else { return block }
        return String(block[..<close]) + "\n  \(list.rawValue) \(sender)\n" + String(block[close...])
    }

    static func addingToJSON(_ text: String, sender: String, list: SenderList, recipient: String, path: String) throws(QuarantineError) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw .policyEdit("`\(path)` is not a JSON object of recipients")
        }
        let key = object.keys.first { $0.lowercased() == recipient } ?? recipient
        var lists = object[key] as? [String: Any] ?? [:]
        lists[list.rawValue] = (lists[list.rawValue] as? [Any] ?? []) + [sender]
        object[key] = lists
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            throw .policyEdit("`\(path)` could not be written back as JSON")
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func read(_ path: String) throws(QuarantineError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .policyEdit("cannot read `\(path)`") }
        return String(decoding: data, as: UTF8.self)
    }

    static func write(_ text: String, to path: String) throws(QuarantineError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .policyEdit("cannot write `\(path)`: \(error.localizedDescription)")
        }
    }
}
