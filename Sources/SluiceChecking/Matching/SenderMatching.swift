import Foundation
import SluiceMessage

/// Sender-keyed matching shared by the engine and the lint rules: tenant sender and domain
/// entries, anti-spam policy lists, Outlook-style user lists and spoof pairs all key on the
/// `5322.From` address.
extension EmailAddress {
    /// Entries write unusual local parts percent-encoded (`%22bad%2B%20attacker%22`, §1.6);
    /// they match the address as written in the message (`"bad+ attacker"`).
    public func matches(_ mailbox: Mailbox) -> Bool {
        mailbox.domain == domain && mailbox.localPart.lowercased() == unescapedLocalPart
    }

    /// The local part as a message writes it: percent escapes decoded, surrounding quotes
    /// dropped (as `Mailbox.localPart` drops them).
    public var unescapedLocalPart: String {
        guard localPart.utf8.contains(UInt8(ascii: "%")), let decoded = localPart.removingPercentEncoding else { return localPart }
        return decoded.count >= 2 && decoded.hasPrefix("\"") && decoded.hasSuffix("\"") ? String(decoded.dropFirst().dropLast()) : decoded
    }
}

extension SenderKey {
    /// Address entries match the address; domain entries match the From domain itself.
    public func matches(_ mailbox: Mailbox) -> Bool {
        switch self {
        case .address(let address): address.matches(mailbox)
        case .domain(let domain): mailbox.domain == domain
        }
    }
}

extension SpoofPair {
    /// Whether this pair describes a message from `from`, sent by infrastructure with PTR
    /// `ptr`, from `clientIP`, DKIM-signed by `dkimDomains`. `organizationalDomain` maps a PTR
    /// to its organizational domain (the recommended infrastructure value, §1.6).
    public func matches(from: Mailbox, ptr: String?, clientIP: IPAddress?, dkimDomains: [String],
                        organizationalDomain: (String) -> String) -> Bool {
        let userMatches: Bool = switch spoofedUser {
        case .any: true
        case .address(let address): address.matches(from)
        case .domain(let domain): from.domain == domain
        }
        guard userMatches else { return false }
        switch infrastructure {
        case .any: return true
        case .domain(let domain):
            guard let ptr = ptr?.lowercased() else { return false }
            return DomainName.host(ptr, isWithin: domain) || organizationalDomain(ptr) == domain
        case .network(let range): return clientIP.map(range.contains) ?? false
        case .dkim(let domain): return dkimDomains.contains(domain)
        }
    }
}
