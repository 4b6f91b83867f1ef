import SluiceDiagnostics

/// An allow entry with neither a note nor a ticket: nobody will know later why it exists, or
/// whether it can go.
public struct AllowWithoutNote: LintRule {
    public static let id = "allow-without-note"
    public static let severity = Severity.warning
    public static let summary = "an allow entry without a note or ticket"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.policy.entries.compactMap { entry in
            guard entry.action == .allow, entry.note == nil, entry.ticket == nil else { return nil }
            return finding("`allow \(entry.target.kind) \(entry.target.key)` says neither why nor for whom", at: entry.keySpan,
                           help: "add `note \"…\"` or `ticket \"…\"`")
        }
    }
}
