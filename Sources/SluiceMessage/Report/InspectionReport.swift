import Foundation

/// The JSON document `sluice inspect --format json` prints for one message: the stable,
/// documented shape (docs/inspect-json.md) that tools and the rest of Sluice read.
public struct InspectionReport: Sendable, Codable {
    public static let schema = "sluice.inspect/1"

    public var schema: String
    public var file: String
    public var message: Message
    public var envelope: Envelope

    public init(file: String, message: Message, envelope: Envelope) {
        schema = Self.schema
        self.file = file
        self.message = message
        self.envelope = envelope
    }

}
