import SluiceMessage

/// Sender-keyed matching shared by the engine and the lint rules: tenant sender and domain
/// entries, anti-spam policy lists, Outlook-style user lists and spoof pairs all key on the
/// `5322.From` address.
extension EmailAddress {
    public func matches(_ mailbox: Mailbox) -> Bool {
        mailbox.domain == domain && mailbox.localPart.lowercased() == localPart
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
