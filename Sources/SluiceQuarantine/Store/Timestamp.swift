import Foundation
import SluiceChecking

/// A moment as the store keeps it: whole seconds since 1970 (UTC). Every command takes its
/// "now" as a value, so tests can run a week of arrivals and digests on a fixed clock.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    public static var current: Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }

    /// `2026-11-29T14:05:00Z` (any RFC 3339 offset) or a bare date `2026-11-29` (midnight UTC).
    public static func parse(_ text: String) -> Timestamp? {
        if case .success(let date) = CalendarDate.parse(text) { return Timestamp(seconds: Int64(date.dayNumber) * 86_400) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Timestamp(seconds: Int64(date.timeIntervalSince1970)) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text).map { Timestamp(seconds: Int64($0.timeIntervalSince1970)) }
    }

    /// The calendar day (UTC), which entry expiry and retention count in.
    public var day: CalendarDate { CalendarDate(dayNumber: Int(seconds.floorDivided(by: 86_400))) }

    public func adding(seconds delta: Int64) -> Timestamp { Timestamp(seconds: seconds + delta) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.seconds < rhs.seconds }

    /// `2026-11-29 14:05 UTC`.
    public var description: String { "\(day) \(clock.prefix(5)) UTC" }

    /// `2026-11-29T14:05:00Z`, for JSON and headers that want RFC 3339.
    public var iso8601: String { "\(day)T\(clock)Z" }

    /// The time of day, `14:05:00`.
    private var clock: String {
        let since = seconds - Int64(day.dayNumber) * 86_400
        return "\(Self.twoDigits(since / 3600)):\(Self.twoDigits(since % 3600 / 60)):\(Self.twoDigits(since % 60))"
    }

    /// RFC 5322 `Date:` form, `Sun, 29 Nov 2026 14:05:00 +0000`.
    public var rfc5322: String {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
