/// Marked source: `1️⃣` marks where a diagnostic must point; the marker is removed before parsing.
public struct MarkedSource {
    public var text: String
    /// Byte offsets of the markers in `text`.
    public var markers: [String: Int] = [:]

    public init(_ marked: String) {
        var text = ""
        var offset = 0
        var markers: [String: Int] = [:]
        for character in marked {
            if ["1️⃣", "2️⃣", "3️⃣", "4️⃣"].contains(String(character)) {
                markers[String(character)] = offset
                continue
            }
            text.append(character)
            offset += String(character).utf8.count
        }
        self.text = text
        self.markers = markers
    }
}
