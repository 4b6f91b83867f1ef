/// Why a written value (a domain, URL entry, address, date…) is not valid. `range` is a byte
/// range inside the value's text when one part is to blame (the `*` of `contoso.com/ab*`).
public struct ValueProblem: Error, Sendable, Hashable {
    public var message: String
    public var help: String?
    public var range: Range<Int>?

    public init(_ message: String, help: String? = nil, range: Range<Int>? = nil) {
        self.message = message
        self.help = help
        self.range = range
    }
}
