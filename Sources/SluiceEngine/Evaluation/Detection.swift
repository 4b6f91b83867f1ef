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
    var description: String
    var span: SourceSpan?
    /// The common attachments filter: no file allow or rule rescues it (§2.3).
    var isFileTypeFilter = false

    /// The detection stage's step for it.
    var traceStep: TraceStep { TraceStep(verdict.displayName, .matched, description, span: span) }

    var isTenantBlock: Bool {
        if case .tenantBlock = origin { return true }
        return false
    }
}
