/// The artefact's byte-level encoding: LEB128 integers, length-prefixed UTF-8 strings. The
/// reader checks every bound and throws on damage, so a corrupt file can never crash a load.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func int(_ value: Int) {
        // Zig-zag so negative numbers (SCL −1) stay short.
        var encoded = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        repeat {
            var next = UInt8(encoded & 0x7F)
            encoded >>= 7
            if encoded != 0 { next |= 0x80 }
            bytes.append(next)
        } while encoded != 0
    }

    mutating func string(_ value: String) {
        int(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func optionalString(_ value: String?) {
        byte(value == nil ? 0 : 1)
        if let value { string(value) }
    }

    mutating func raw(_ value: [UInt8]) {
        int(value.count)
        bytes.append(contentsOf: value)
    }
}

struct BinaryReader {
    struct Damaged: Error {
        var offset: Int
        var reason: String
    }

    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func byte() throws(Damaged) -> UInt8 {
        guard offset < bytes.count else { throw Damaged(offset: offset, reason: "ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func int() throws(Damaged) -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Damaged(offset: offset, reason: "number too long") }
            result |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { break }
            shift += 7
        }
        let value = Int64(bitPattern: result)
        return Int((value >> 1) ^ -(value & 1))
    }

    mutating func count(limit: Int = Int(Int32.max)) throws(Damaged) -> Int {
        let value = try int()
        guard value >= 0, value <= limit else { throw Damaged(offset: offset, reason: "count \(value) out of range") }
        return value
    }

    mutating func raw() throws(Damaged) -> ArraySlice<UInt8> {
        let length = try count()
        guard length <= bytes.count - offset else { throw Damaged(offset: offset, reason: "length \(length) past the end") }
        defer { offset += length }
        return bytes[offset..<offset + length]
    }

    mutating func string() throws(Damaged) -> String {
        let slice = try raw()
        guard let text = String(validating: slice, as: UTF8.self) else { throw Damaged(offset: offset, reason: "text is not UTF-8") }
        return text
    }

    mutating func optionalString() throws(Damaged) -> String? {
        try byte() == 0 ? nil : try string()
    }
}
