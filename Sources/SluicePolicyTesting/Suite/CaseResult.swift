import SluiceDiagnostics
import SluiceEngine

/// The outcome of one case: a recipient of a message case, or a whole check case.
public struct CaseResult: Sendable {
    public enum Status: Sendable {
        case passed
        /// What was stated and what happened differ.
        case failed([Mismatch])
        /// The case could not run: its file, message or policy is broken or unreadable.
        case error([Diagnostic])
    }

    public struct Mismatch: Sendable, Equatable {
        public var key: String
        public var expected: String
        public var actual: String

        public init(key: String, expected: String, actual: String) {
            self.key = key
            self.expected = expected
            self.actual = actual
        }
    }

    public var file: String
    /// Nil for check cases and for case files that could not run at all.
    public var recipient: String?
    public var status: Status
    /// The policy the case ran under (its normalized path), for coverage.
    public var policy: String?
    /// The decision, for message cases that ran.
    public var decision: Decision?
    /// Every key the case knows, with the decision's value: what `--update` writes.
    public var actual: [CaseKey: String] = [:]
    /// For check cases: the policy's error diagnostics as `--update` writes them.
    public var actualDiagnostics: [String] = []
    /// The explanation of the actual decision, for failed message cases.
    public var explanation: Explanation?
    /// The files diagnostics of this result point into (the case file, the policy's sources).
    public var sources: [String: SourceFile] = [:]

    public var passed: Bool {
        if case .passed = status { return true }
        return false
    }

    public var isError: Bool {
        if case .error = status { return true }
        return false
    }
}
