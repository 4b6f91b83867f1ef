import SluiceDiagnostics

/// What one stage checked and found, in order; explain prints it, tests read it.
public struct TraceStage: Sendable, Codable {
    public var name: String

    public var steps: [TraceStep] {
        get {
            guard !runs.isEmpty else { return appended }
            var steps: [TraceStep] = []
            steps.reserveCapacity(appended.count + runs.reduce(0) { $0 + $1.steps.count })
            var next = 0
            for run in runs {
                steps += appended[next..<run.at]
                steps += run.steps
                next = run.at
            }
            return steps + appended[next...]
        }
        set {
            appended = newValue
            runs = []
        }
        // Appending in place, as a stored array would: only a stage with runs is flattened first.
        _modify {
            if !runs.isEmpty {
                appended = steps
                runs = []
            }
            yield &appended
        }
    }

    /// The steps appended one by one, without the runs.
    private var appended: [TraceStep]
    /// Runs of prebuilt steps shared with their source (the custom rules that do not hold, the
    /// same for most messages): each is one reference rather than one per step, to count when
    /// made and when the decision is destroyed. A run goes before `appended[at]`, in order.
    private var runs: [(at: Int, steps: ArraySlice<TraceStep>)] = []

    public init(name: String, steps: [TraceStep] = []) {
        self.name = name
        appended = steps
    }

    /// Reserves room for `count` steps appended one by one.
    mutating func reserveCapacity(_ count: Int) { appended.reserveCapacity(count) }

    mutating func append(_ step: TraceStep) { appended.append(step) }

    /// Appends `run` as shared steps.
    mutating func append(run: ArraySlice<TraceStep>) {
        guard !run.isEmpty else { return }
        // A stage with runs has a few (one before each rule that holds): room made once.
        if runs.isEmpty { runs.reserveCapacity(8) }
        runs.append((appended.count, run))
    }

    // The coding the compiler would synthesize for a stored `steps`.
    private enum CodingKeys: String, CodingKey { case name, steps }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name), steps: try container.decode([TraceStep].self, forKey: .steps))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(steps, forKey: .steps)
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

    /// The fields, shared by copies: a prebuilt step (each custom rule's "condition does not
    /// hold") goes into every message's trace for one reference count, not a copy of its strings.
    private final class Fields: Sendable {
        let check: String
        let outcome: Outcome
        let detail: DeferredText
        let span: SourceSpan?

        init(_ check: String, _ outcome: Outcome, _ detail: DeferredText, _ span: SourceSpan?) {
            self.check = check
            self.outcome = outcome
            self.detail = detail
            self.span = span
        }
    }

    private var fields: Fields

    public var check: String {
        get { fields.check }
        set { fields = Fields(newValue, outcome, fields.detail, span) }
    }
    public var outcome: Outcome {
        get { fields.outcome }
        set { fields = Fields(check, newValue, fields.detail, span) }
    }
    public var detail: String {
        get { fields.detail.text }
        set { fields = Fields(check, outcome, .made(newValue), span) }
    }
    public var span: SourceSpan? {
        get { fields.span }
        set { fields = Fields(check, outcome, fields.detail, newValue) }
    }

    public init(_ check: String, _ outcome: Outcome, _ detail: String, span: SourceSpan? = nil) {
        fields = Fields(check, outcome, .made(detail), span)
    }

    /// A step whose detail is made when it is read (see `DeferredText`).
    init(_ check: String, _ outcome: Outcome, span: SourceSpan? = nil, detail: @escaping @Sendable () -> String) {
        self.init(check, outcome, span: span, detail: .deferred(detail))
    }

    init(_ check: String, _ outcome: Outcome, span: SourceSpan?, detail: DeferredText) {
        fields = Fields(check, outcome, detail, span)
    }

    // The coding the compiler would synthesize for the four fields.
    private enum CodingKeys: String, CodingKey { case check, outcome, detail, span }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try container.decode(String.self, forKey: .check), try container.decode(Outcome.self, forKey: .outcome),
                  try container.decode(String.self, forKey: .detail), span: try container.decodeIfPresent(SourceSpan.self, forKey: .span))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(check, forKey: .check)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(detail, forKey: .detail)
        try container.encodeIfPresent(span, forKey: .span)
    }
}
