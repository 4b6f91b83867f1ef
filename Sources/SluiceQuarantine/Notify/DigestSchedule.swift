/// When quarantine notifications go out (reference §4.4): digests run on fixed slots of the
/// cadence — every N hours from midnight UTC, daily at midnight UTC, weekly on Monday at
/// midnight UTC — and a message is due in the first slot after it arrived. So a message waits
/// at most one cadence (plus the gap until `notify` next runs), and one quarantined just after
/// a slot waits the longest, as the reference says of the 4-hour cadence.
public enum DigestSchedule {
    /// Monday 1970-01-05 00:00 UTC: weekly slots start on Mondays.
    static let weeklyAnchor: Int64 = 4 * 86_400

    /// The first slot strictly after `arrival` for a cadence of `hours`.
    public static func due(arrival: Timestamp, cadenceHours hours: Int) -> Timestamp {
        let period = Int64(max(1, hours)) * 3600
        let anchor = hours == 168 ? weeklyAnchor : 0
        let slot = (arrival.seconds - anchor).floorDivided(by: period) + 1
        return Timestamp(seconds: anchor + slot * period)
    }
}
