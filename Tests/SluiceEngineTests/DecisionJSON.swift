import Foundation
import SluiceEngine

/// Decisions as canonical JSON, to compare two of them field by field.
enum DecisionJSON {
    static func text(_ decision: Decision) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(decision), as: UTF8.self)
    }
}
