import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceEngine
import SluiceMessage

/// Runs case files: decides each message under its policy for each recipient and compares what
/// the case states (unstated keys are not compared), or checks a policy that must fail and
/// compares its diagnostics. Policies are loaded and compiled once however many cases use them.
public struct SuiteRunner {
    /// A policy as loaded for the cases that name it.
    public struct LoadedPolicy: Sendable {
        public var path: String
        public var policy: CheckedPolicy
        public var diagnostics: [Diagnostic]
        public var sources: [String: SourceFile]
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        /// Nil when the policy does not check.
        public var evaluator: Evaluator?
    }

    /// The date cases without `now:` are decided on.
    public let defaultDate: CalendarDate
    /// Every policy loaded so far, by normalized path.
    public private(set) var policies: [String: LoadedPolicy] = [:]
    private let reader = MessageReader()

    public init(defaultDate: CalendarDate) {
        self.defaultDate = defaultDate
    }

    /// Reads and runs the case file at `path`; the file is nil when it cannot be read.
    public mutating func run(path: String) -> (file: CaseFile?, results: [CaseResult]) {
        guard let file = CaseFile.read(path) else {
            let problem = Diagnostic("test.unreadable-case", .error, "cannot read the case file `\(path)`")
            return (nil, [CaseResult(file: path, status: .error([problem]))])
        }
        return (file, run(file))
    }

    public mutating func run(_ file: CaseFile) -> [CaseResult] {
        let caseSources = [file.path: file.source]
        guard file.problems.isEmpty, let policyPath = file.policy else {
            return [CaseResult(file: file.path, status: .error(file.problems), sources: caseSources)]
        }
        guard FileManager.default.isReadableFile(atPath: policyPath) else {
            let problem = Diagnostic("test.unreadable-policy", .error, "cannot read the policy `\(policyPath)`",
                                     at: file.settingSpans[.policy].map(Location.source), help: "the path is relative to the case file")
            return [CaseResult(file: file.path, status: .error([problem]), sources: caseSources)]
        }
        let loaded = policy(policyPath)
        switch file.kind {
        case .check: return [check(file, loaded)]
        case .message: return decide(file, loaded)
        }
    }

    public mutating func policy(_ path: String) -> LoadedPolicy {
        if let known = policies[path] { return known }
        let (policy, diagnostics, loader) = PolicyChecker.load(path)
        var loaded = LoadedPolicy(path: path, policy: policy, diagnostics: diagnostics, sources: loader.sources)
        if loaded.errors.isEmpty { loaded.evaluator = Evaluator.compiled(policy) }
        policies[path] = loaded
        return loaded
    }

    // MARK: - Message cases

    private func decide(_ file: CaseFile, _ loaded: LoadedPolicy) -> [CaseResult] {
        var sources = loaded.sources
        sources[file.path] = file.source
        let policySpan = file.settingSpans[.policy] ?? file.source.span(0..<0)
        guard let evaluator = loaded.evaluator else {
            let problem = Diagnostic("test.policy-does-not-check", .error, "the policy `\(loaded.path)` does not check", at: .source(policySpan),
                                     notes: loaded.errors.map { "\($0.location.map(Self.place) ?? loaded.path): \($0.message) [\($0.code)]" },
                                     help: "fix it first (`sluice check \(loaded.path)`), or make this a check case with `diagnostic:` lines")
            return [CaseResult(file: file.path, status: .error([problem]), policy: loaded.path, sources: sources)]
        }
        guard let data = FileManager.default.contents(atPath: file.message) else {
            let span = file.settingSpans[.message] ?? file.source.span(0..<0)
            let problem = Diagnostic("test.unreadable-message", .error, "cannot read the message `\(file.message)`", at: .source(span),
                                     help: file.settingSpans[.message] == nil
                                         ? "put the message beside the case file with the same name, or name it with `message: PATH`"
                                         : "the path is relative to the case file")
            return [CaseResult(file: file.path, status: .error([problem]), policy: loaded.path, sources: sources)]
        }
        let bytes = [UInt8](data)
        let message = reader.read(bytes)
        let date = file.now ?? defaultDate
        let receivingHosts = Set(file.trustedHosts + file.trustedAuthservIDs)
        let (envelope, _) = Envelope.resolve(given: file.envelope, givenBy: "case file \(file.path)", message: message,
                                             trustedHosts: receivingHosts.union(loaded.policy.organization.trustedAuthservIDs.map(\.value)))
        return file.blocks.map { block in
            let decision = evaluator.evaluate(message, envelope: envelope, recipient: block.recipient, on: date,
                                              trustedAuthservIDs: Set(file.trustedAuthservIDs))
            let actual = Self.actualValues(decision, message: message, caseDirectory: file.directory)
            var mismatches: [CaseResult.Mismatch] = []
            for key in CaseKey.expectations {
                guard let expected = block.expectations[key], let value = actual[key] else { continue }
                if !Self.matches(key, expected: expected.value, actual: value, decision: decision, caseDirectory: file.directory) {
                    mismatches.append(.init(key: key.rawValue, expected: expected.value, actual: value))
                }
            }
            var result = CaseResult(file: file.path, recipient: block.recipient, status: mismatches.isEmpty ? .passed : .failed(mismatches),
                                    policy: loaded.path, decision: decision, actual: actual, sources: sources)
            if !mismatches.isEmpty {
                result.explanation = Explainer(policy: loaded.policy, date: date, trustedAuthservIDs: Set(file.trustedAuthservIDs))
                    .explain(bytes: bytes, file: file.message, envelope: file.envelope, givenBy: "case file \(file.path)",
                             recipient: block.recipient, trustedHosts: receivingHosts)
            }
            return result
        }
    }

    /// Every expectation key with the decision's value (`none` where the decision has nothing).
    static func actualValues(_ decision: Decision, message: Message, caseDirectory: String) -> [CaseKey: String] {
        [
            .action: decision.action.name,
            .location: decision.location.rawValue,
            .verdict: decision.verdict?.rawValue ?? "none",
            .category: decision.category,
            .decidedBy: decision.decidedBy.kind.rawValue,
            .deciding: decision.decidedBy.description,
            .decidingAt: decision.decidedBy.span.map { "\(CasePaths.relative($0.file, from: caseDirectory)):\($0.line)" } ?? "none",
            .result: Explainer.result(decision, message: message).0,
            .quarantinePolicy: decision.quarantine?.policy ?? "none",
        ]
    }

    /// `deciding-at` compares the place, however its path is written; the rest compare as text.
    static func matches(_ key: CaseKey, expected: String, actual: String, decision: Decision, caseDirectory: String) -> Bool {
        guard key == .decidingAt, expected != "none" else { return expected == actual }
        guard let span = decision.decidedBy.span, let place = CasePaths.place(expected) else { return false }
        return CasePaths.same(CasePaths.resolve(place.file, from: caseDirectory), span.file) && place.line == span.line
            && (place.column == nil || place.column == span.column)
    }

    // MARK: - Check cases

    /// A must-fail policy: it has errors, every expected diagnostic is reported, and every error
    /// reported is expected.
    private func check(_ file: CaseFile, _ loaded: LoadedPolicy) -> CaseResult {
        var sources = loaded.sources
        sources[file.path] = file.source
        var unmatched = loaded.errors
        var mismatches: [CaseResult.Mismatch] = []
        for expected in file.expectedDiagnostics {
            if let found = unmatched.firstIndex(where: { Self.matches(expected, $0) }) {
                unmatched.remove(at: found)
            } else {
                mismatches.append(.init(key: "diagnostic", expected: expected.written, actual: "not reported"))
            }
        }
        for diagnostic in unmatched {
            mismatches.append(.init(key: "diagnostic", expected: "not expected", actual: Self.written(diagnostic, caseDirectory: file.directory)))
        }
        if loaded.errors.isEmpty {
            mismatches.append(.init(key: "check", expected: "fails", actual: "the policy checks without errors"))
        }
        return CaseResult(file: file.path, status: mismatches.isEmpty ? .passed : .failed(mismatches), policy: loaded.path,
                          actualDiagnostics: loaded.errors.map { Self.written($0, caseDirectory: file.directory) }, sources: sources)
    }

    static func matches(_ expected: CaseFile.ExpectedDiagnostic, _ diagnostic: Diagnostic) -> Bool {
        guard expected.code == diagnostic.code.rawValue else { return false }
        guard let file = expected.file else { return true }
        guard case .source(let span)? = diagnostic.location else { return false }
        return CasePaths.same(file, span.file) && expected.line == span.line && (expected.column == nil || expected.column == span.column)
    }

    /// `CODE at FILE:LINE:COLUMN`, the file relative to the case file.
    static func written(_ diagnostic: Diagnostic, caseDirectory: String) -> String {
        guard case .source(let span)? = diagnostic.location else { return diagnostic.code.rawValue }
        return "\(diagnostic.code) at \(CasePaths.relative(span.file, from: caseDirectory)):\(span.line):\(span.column)"
    }

    private static func place(_ location: Location) -> String {
        switch location {
        case .source(let span): span.description
        case .message(let place): place.description
        }
    }
}
