import Crypto

/// The SHA-256 of some bytes as 64 lowercase hex digits, the form file-hash entries and
/// attachment hashes take.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    hexString(SHA256.hash(data: bytes))
}
