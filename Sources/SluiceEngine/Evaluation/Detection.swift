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
    /// Only the deciding detection's description is needed by the decision itself, the others'
    /// only when the trace is read.
    private let text: DeferredText

    init(verdict: ThreatVerdict, origin: Origin, description: String, span: SourceSpan? = nil) {
        (self.verdict, self.origin, self.span, text) = (verdict, origin, span, .made(description))
    }

    /// `description` is made when read (see `DeferredText`).
    init(verdict: ThreatVerdict, origin: Origin, span: SourceSpan? = nil, description: @escaping @Sendable () -> String) {
        (self.verdict, self.origin, self.span, text) = (verdict, origin, span, .deferred(description))
    }

    var description: String { text.text }

    /// The detection stage's step for it.
    var traceStep: TraceStep { TraceStep(verdict.displayName, .matched, span: span, detail: text) }

    var isTenantBlock: Bool {
        if case .tenantBlock = origin { return true }
        return false
    }
}
