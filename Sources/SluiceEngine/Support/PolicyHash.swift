import Crypto
import SluiceChecking

/// The content hash of a policy: SHA-256 over every source file's path and text, in path
/// order, so any edit to the policy or its includes changes it.
public enum PolicyHash {
    public static func of(_ policy: CheckedPolicy) -> String {
        var hasher = SHA256()
        for path in policy.sources.keys.sorted() {
            hasher.update(data: Array(path.utf8) + [0])
            hasher.update(data: policy.sources[path]!.bytes + [0])
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
