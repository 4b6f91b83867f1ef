import Foundation
import SluiceDiagnostics

/// Helpers for the Trace/ tests.
enum TraceTestSupport {
    /// A UTC instant built with Foundation's Calendar, independent of RFC5322Date's own arithmetic.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return calendar.date(from: components)!
    }

    static func codes(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map(\.code.rawValue)
    }
}
