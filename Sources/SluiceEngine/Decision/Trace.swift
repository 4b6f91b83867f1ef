import SluiceDiagnostics

/// What one stage checked and found, in order; explain prints it, tests read it.
public struct TraceStage: Sendable, Codable {
    public var name: String
    public var steps: [TraceStep]

    public init(name: String, steps: [TraceStep] = []) {
        self.name = name
        self.steps = steps
    }
}

public struct TraceStep: Sendable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// The check found something that counts (a match, a detection, an override applied).
        case matched
        /// Checked, nothing found.
        case clear
        /// An override matched but may not change this verdict.
        case declined
        /// Information only.
        case note
    }

    public var check: String
    public var outcome: Outcome
    public var detail: String
    public var span: SourceSpan?

    public init(_ check: String, _ outcome: Outcome, _ detail: String, span: SourceSpan? = nil) {
        self.check = check
        self.outcome = outcome
        self.detail = detail
        self.span = span
    }
}
