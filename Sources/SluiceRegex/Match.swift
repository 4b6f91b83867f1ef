extension PCRERegex {
    /// One successful match. All ranges are UTF-8 byte offsets from the start of the
    /// subject that was searched (for an `ArraySlice`, from its first element, not index 0).
    public struct Match: Sendable {
        /// The bytes matched by the whole pattern.
        public let range: Range<Int>
        /// Capture ranges indexed by group number; element 0 is the whole match, and a
        /// group that did not take part in the match is nil.
        public let groups: [Range<Int>?]
        /// Kept for named-group lookup; compiled code is immutable, so this is cheap to share.
        private let regex: PCRERegex

        init(range: Range<Int>, groups: [Range<Int>?], regex: PCRERegex) {
            self.range = range
            self.groups = groups
            self.regex = regex
        }

        /// The range of group `number`, or nil if it did not participate or does not exist.
        public subscript(number: Int) -> Range<Int>? {
            groups.indices.contains(number) ? groups[number] : nil
        }

        /// The range of the group called `name`, or nil if unset or there is no such group.
        public subscript(name: String) -> Range<Int>? {
            regex.groupNumber(named: name).flatMap { self[$0] }
        }

        /// The text of group `number` (0 for the whole match) inside `string`, which must be
        /// the string that was searched. Nil if the group is unset, or if its byte range does
        /// not fall on Unicode scalar boundaries of `string` (possible with `.bytes`).
        public func substring(_ number: Int, in string: String) -> Substring? {
            guard let range = self[number], range.upperBound <= string.utf8.count else { return nil }
            let utf8 = string.utf8
            let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let upper = utf8.index(lower, offsetBy: range.count)
            let scalars = string.unicodeScalars
            guard lower.samePosition(in: scalars) != nil, upper.samePosition(in: scalars) != nil
            else { return nil }
            return string[lower..<upper]
        }

        /// The text of the group called `name` inside the searched `string`; see
        /// `substring(_:in:)`.
        public func substring(named name: String, in string: String) -> Substring? {
            regex.groupNumber(named: name).flatMap { substring($0, in: string) }
        }
    }
}
