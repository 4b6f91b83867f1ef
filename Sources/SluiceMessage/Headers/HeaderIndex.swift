/// Where the top-level fields the reader interprets stand in the header list, found in one pass
/// over it: each is then read without looking through the whole list again, and a message is
/// looked up for two dozen names.
struct HeaderIndex {
    enum Name: Int {
        case from, sender, replyTo, to, cc, bcc, subject, date, messageID, returnPath
        case received, authenticationResults, arcAuthenticationResults, receivedSPF
        case forefront, microsoftAntispam, spamStatus, spamScore, spamFlag, spamLevel
        case spamdResult, rspamdScore, rspamdAction
    }

    let headers: HeaderList
    /// For each name, at `2 * rawValue`: the index of its first field (-1 when none) and, after
    /// it, how many fields have the name.
    private var slots: [Int]

    init(_ headers: HeaderList) {
        self.headers = headers
        var slots = [Int](repeating: -1, count: 2 * (Name.rspamdAction.rawValue + 1))
        // By index: iterating the fields would copy (retain and release) every one of them.
        let fields = headers.fields
        for index in fields.indices {
            guard let name = Self.name(ofKey: fields[index].key) else { continue }
            let slot = 2 * name.rawValue
            if slots[slot] < 0 {
                slots[slot] = index
                slots[slot + 1] = 1
            } else {
                slots[slot + 1] += 1
            }
        }
        self.slots = slots
    }

    /// How many fields have this name.
    func count(_ name: Name) -> Int { max(slots[2 * name.rawValue + 1], 0) }

    /// The index of the first field with this name.
    func firstIndex(_ name: Name) -> Int? {
        let index = slots[2 * name.rawValue]
        return index < 0 ? nil : index
    }

    /// The first field with this name.
    func first(_ name: Name) -> HeaderField? {
        firstIndex(name).map { headers.fields[$0] }
    }

    /// The index of the second field with this name.
    func secondIndex(_ name: Name) -> Int? {
        guard count(name) > 1, let first = firstIndex(name) else { return nil }
        let fields = headers.fields
        return (first + 1..<fields.count).first { Self.name(ofKey: fields[$0].key) == name }
    }

    /// Each field with this name, in message order, transformed.
    func map<T>(_ name: Name, _ transform: (HeaderField) -> T) -> [T] {
        guard let first = firstIndex(name) else { return [] }
        let fields = headers.fields
        let count = count(name)
        if count == 1 { return [transform(fields[first])] }
        var result: [T] = []
        result.reserveCapacity(count)
        for index in first..<fields.count where Self.name(ofKey: fields[index].key) == name {
            result.append(transform(fields[index]))
        }
        return result
    }

    /// The name a lower-case field name stands for. Lengths first: that tells most names apart,
    /// and the keys of common fields are the very literals compared here, equal at once.
    private static func name(ofKey key: String) -> Name? {
        switch key.utf8.count {
        case 2: key == "to" ? .to : key == "cc" ? .cc : nil
        case 3: key == "bcc" ? .bcc : nil
        case 4: key == "from" ? .from : key == "date" ? .date : nil
        case 6: key == "sender" ? .sender : nil
        case 7: key == "subject" ? .subject : nil
        case 8: key == "received" ? .received : key == "reply-to" ? .replyTo : nil
        case 10: key == "message-id" ? .messageID : nil
        case 11: key == "return-path" ? .returnPath : key == "x-spam-flag" ? .spamFlag : nil
        case 12:
            key == "received-spf" ? .receivedSPF : key == "x-spam-score" ? .spamScore
                : key == "x-spam-level" ? .spamLevel : nil
        case 13: key == "x-spam-status" ? .spamStatus : nil
        case 14: key == "x-spamd-result" ? .spamdResult : key == "x-rspamd-score" ? .rspamdScore : nil
        case 15: key == "x-rspamd-action" ? .rspamdAction : nil
        case 20: key == "x-microsoft-antispam" ? .microsoftAntispam : nil
        case 22: key == "authentication-results" ? .authenticationResults : nil
        case 26: key == "arc-authentication-results" ? .arcAuthenticationResults : nil
        case 27: key == "x-forefront-antispam-report" ? .forefront : nil
        default: nil
        }
    }
}
