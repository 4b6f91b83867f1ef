/// When quarantine notifications go out (reference §4.4): digests run on fixed slots of the
/// cadence — every N hours counted from each midnight UTC (a cadence that does not divide the
/// day also runs at midnight), daily at midnight UTC, longer ones counted from Monday midnight
/// UTC (weekly: every Monday) — and a message is due in the first slot after it arrived. So a message waits
/// at most one cadence (plus the gap until `notify` next runs), and one quarantined just after
/// a slot waits the longest, as the reference says of the 4-hour cadence.
public enum DigestSchedule {
    /// Monday 1970-01-05 00:00 UTC: weekly slots start on Mondays.
    static let weeklyAnchor: Int64 = 4 * 86_400

    /// The first slot strictly after `arrival` for a cadence of `hours`.
    public static func due(arrival: Timestamp, cadenceHours hours: Int) -> Timestamp {
        let period = Int64(max(1, hours)) * 3600
        if hours < 24 {
            let midnight = arrival.seconds.floorDivided(by: 86_400) * 86_400
            let slot = midnight + ((arrival.seconds - midnight) / period + 1) * period
            return Timestamp(seconds: min(slot, midnight + 86_400))
        }
        let slot = (arrival.seconds - weeklyAnchor).floorDivided(by: period) + 1
        return Timestamp(seconds: weeklyAnchor + slot * period)
    }
}
