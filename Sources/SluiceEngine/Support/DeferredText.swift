/// Text, or what makes it when it is read: most decisions are acted on without their trace or
/// non-deciding detections being read, so an evaluation need not build all their texts. A maker
/// must give the same text whenever it is called: it captures values, never variables that
/// change afterwards.
enum DeferredText: Sendable {
    case made(String)
    case deferred(@Sendable () -> String)

    var text: String {
        switch self {
        case .made(let text): text
        case .deferred(let make): make()
        }
    }
}
