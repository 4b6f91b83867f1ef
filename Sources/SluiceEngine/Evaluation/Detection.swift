import SluiceChecking
import SluiceDiagnostics

/// One thing the filtering stack found. Several may fire; the processing order (§2.1) picks
/// the verdict, and `origin` says whether an organization block decided it.
struct Detection {
    enum Origin: Equatable {
        case filter
        case upstream(header: String, host: String)
        /// A tenant block entry: the organization decided (override grid rows "TABL block").
        case tenantBlock(EntryTarget)
        /// The anti-spam policy's blocked senders or domains.
        case antiSpamBlock
        case rule(String)
    }

    var verdict: ThreatVerdict
    var origin: Origin
    var span: SourceSpan?
    /// The common attachments filter: no file allow or rule rescues it (§2.3).
    var isFileTypeFilter = false
    /// The description, or what makes it: only the deciding detection's is needed by the
    /// decision itself, the others' only when the trace is read.
    private let text: Text

    private enum Text {
        case made(String)
        case deferred(@Sendable () -> String)
    }

    init(verdict: ThreatVerdict, origin: Origin, description: String, span: SourceSpan? = nil) {
        (self.verdict, self.origin, self.span, text) = (verdict, origin, span, .made(description))
    }

    /// `description` must give the same text whenever it is called (it captures values only).
    init(verdict: ThreatVerdict, origin: Origin, span: SourceSpan? = nil, description: @escaping @Sendable () -> String) {
        (self.verdict, self.origin, self.span, text) = (verdict, origin, span, .deferred(description))
    }

    var description: String {
        switch text {
        case .made(let description): description
        case .deferred(let make): make()
        }
    }

    /// The detection stage's step for it.
    var traceStep: TraceStep {
        switch text {
        case .made(let description): TraceStep(verdict.displayName, .matched, description, span: span)
        case .deferred(let make): TraceStep(verdict.displayName, .matched, span: span, detail: make)
        }
    }

    var isTenantBlock: Bool {
        if case .tenantBlock = origin { return true }
        return false
    }
}
