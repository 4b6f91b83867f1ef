extension StringProtocol {
    /// The last non-empty piece between `separator`s: what `split(separator:).last` gives
    /// (`a@b` → `b`, `a@` → `a`, `@` → nil), without building the pieces.
    func lastComponent(separatedBy separator: Character) -> SubSequence? {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == separator { end = index(before: end) }
        guard end > startIndex else { return nil }
        let head = self[..<end]
        return head.lastIndex(of: separator).map { head[head.index(after: $0)...] } ?? head
    }
}
