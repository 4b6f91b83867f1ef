import Crypto
import Foundation

/// Generates policies and messages for the benchmark and the differential tests: tenant
/// entries of every kind, custom rules with regexes, and realistic multipart messages that hit
/// some of the entries. Everything comes from one seed, so a failure or a figure reproduces.
public struct WorkloadGenerator {
    public var random: SeededGenerator
    /// Keys the generated entries use, so messages can be made to hit them.
    public private(set) var senders: [String] = []
    public private(set) var domains: [String] = []
    public private(set) var hosts: [String] = []
    public private(set) var hashes: [String] = []
    public private(set) var ipv4s: [String] = []
    public private(set) var ipv6s: [String] = []
    public let recipients = ["alice@contoso.example", "bob@contoso.example", "carol@contoso.example", "cfo@contoso.example"]
    public static let trustedHost = "mx1.contoso.example"

    /// Attachment contents messages draw from; file entries name some of their hashes.
    private var payloads: [[UInt8]] = []

    public init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
        for _ in 0..<64 {
            let count = number(200...900)
            payloads.append((0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    private mutating func pick<T>(_ values: [T]) -> T { random.pick(values) }
    private mutating func chance(_ percent: Int) -> Bool { Int(random.next() % 100) < percent }
    private mutating func number(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }

    private static let words = [
        "invoice", "meeting", "report", "payment", "update", "account", "offer", "delivery", "password", "review",
        "quarterly", "urgent", "schedule", "contract", "newsletter", "security", "order", "shipping", "project", "team",
    ]

    // MARK: - Policies

    /// A policy with `entries` tenant list entries of mixed kinds (plus connection-filter ranges,
    /// user lists and a scoped policy) and `rules` custom rules with PCRE2 regexes. Entry keys
    /// are unique per index, so a million entries are a million distinct keys.
    public mutating func policy(entries: Int, rules: Int) -> String {
        var lines = [
            "organization {",
            "  accepted-domains contoso.example",
            "  trust authentication-results from \(Self.trustedHost)",
            "}",
            "upstream {",
            "  trust X-Microsoft-Antispam from \(Self.trustedHost)",
            "  trust X-Forefront-Antispam-Report from \(Self.trustedHost)",
            "}",
            "quarantine-policy \"Limited\" {",
            "  permissions view-headers, preview, request-release, delete",
            "  notify yes",
            "}",
            "group \"Finance\" {",
            "  members cfo@contoso.example, bob@contoso.example",
            "}",
            "anti-spam \"Finance\" {",
            "  priority 0",
            "  applies-to groups \"Finance\"",
            "  spam action quarantine \"Limited\"",
            "  bulk-threshold 4",
            "}",
            "user-lists alice@contoso.example {",
            "  safe-senders partner@fabrikam.example, @litware.example",
            "  blocked-senders pest@adatum.example",
            "}",
        ]
        var allowIPs: [String] = [], blockIPs: [String] = []
        for index in 0..<entries {
            let action = chance(35) ? "allow" : "block"
            let tail = chance(50) ? " expires never" : " expires 2027-0\(number(1...9))-1\(number(0...9))"
            switch index % 8 {
            case 0:
                let sender = "user\(index)@d\(index % 997).example"
                senders.append(sender)
                lines.append("\(action) sender \(sender)\(tail)")
            case 1:
                let domain = "d\(index).example"
                domains.append(domain)
                lines.append("\(action) domain \(chance(30) ? "*." : "")\(domain)\(tail)")
            case 2:
                let host = "h\(index).example"
                hosts.append(host)
                let form = action == "allow"
                    ? pick([host, "\(host)/p/*"]) : pick([host, "*.\(host)", "\(host)/p/*", "~\(host)~", "~\(host)"])
                lines.append("\(action) url \(form)\(tail)")
            case 3:
                // The first file entries name the payloads messages really carry, each once: with
                // a payload named by a share of all entries, a million-entry policy would name
                // each payload hundreds of times and every attachment would match that many
                // entries, measuring the matches rather than the lookups.
                let hash = index / 8 < payloads.count ? Self.sha256(payloads[index / 8]) : (0..<4).map { _ in
                    let text = String(random.next(), radix: 16)
                    return String(repeating: "0", count: 16 - text.count) + text
                }.joined()
                hashes.append(hash)
                lines.append(action == "allow" ? "allow file sha256:\(hash) from-submission\(tail)" : "block file sha256:\(hash)\(tail)")
            case 4:
                let network = "2001:db8:\(String(index % 65536, radix: 16)):\(String(index / 65536, radix: 16))::"
                ipv6s.append(network + "1")
                lines.append("\(action) ip \(network)/64\(tail)")
            case 5:
                let domain = "s\(index).example"
                domains.append(domain)
                lines.append("\(action) spoof \(domain) via \(pick(["*", "relay\(index).example", "dkim:signer\(index).example"]))")
            case 6:
                let address = "198.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)"
                ipv4s.append(address)
                if action == "allow" { allowIPs.append(address) } else { blockIPs.append(address) }
            default:
                let sender = "news\(index)@d\(index % 991).example"
                senders.append(sender)
                lines.append("allow sender \(sender) expires 45 days after last use note \"generated\"")
            }
        }
        if !allowIPs.isEmpty || !blockIPs.isEmpty {
            lines.append("connection-filter {")
            for chunk in stride(from: 0, to: allowIPs.count, by: 100) {
                lines.append("  allow ip " + allowIPs[chunk..<min(chunk + 100, allowIPs.count)].joined(separator: ", "))
            }
            for chunk in stride(from: 0, to: blockIPs.count, by: 100) {
                lines.append("  block ip " + blockIPs[chunk..<min(chunk + 100, blockIPs.count)].joined(separator: ", "))
            }
            lines.append("}")
        }
        for index in 0..<rules {
            let word = pick(Self.words)
            let condition = switch index % 5 {
            case 0: "subject matches /\\b\(word)\\s*#?\\d{\(number(2...5)),}/i"
            case 1: "any attachment.name matches /\\.(html?|js|\(word.prefix(3)))$/i"
            case 2: "body matches /\(word) (now|today|immediately)/i and not from.domain is contoso.example"
            case 3: "any url.host matches /(^|\\.)\(word)\\d+\\.example$/"
            default: "header \"X-Mailer\" matches /\(word)/i or subject contains \"[\(word)]\""
            }
            let action = pick(["mark spam", "mark phish", "set-scl 6", "junk", "set-scl 9, stop", "prepend-subject \"[\(word)]\""])
            lines += ["rule \"generated \(index)\" {", "  when \(condition)", "  then \(action)", "}"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Messages

    /// A realistic multipart message of about `size` bytes: trace headers from the trusted MX,
    /// authentication results, text and HTML alternatives with links, sometimes an attachment.
    /// Senders, links, hashes and client IPs come from the generated entries' keys often
    /// enough that entries match.
    public mutating func message(size: Int) -> (bytes: [UInt8], clientIP: String, recipient: String) {
        let from: String
        if !senders.isEmpty && chance(30) {
            from = pick(senders)
        } else if !domains.isEmpty && chance(30) {
            from = "\(pick(["info", "billing", "noreply"]))@\(chance(30) ? "mail." : "")\(pick(domains))"
        } else {
            from = pick(["partner@fabrikam.example", "pest@adatum.example", "someone@litware.example", "ceo@contoso.example", "news@tailspin.example"])
        }
        let fromDomain = String(from.split(separator: "@").last!)
        let clientIP = !ipv4s.isEmpty && chance(25) ? pick(ipv4s) : (!ipv6s.isEmpty && chance(15) ? pick(ipv6s) : "203.0.113.\(number(1...254))")
        let recipient = pick(recipients)
        var links: [String] = []
        for _ in 0..<number(1...4) {
            let host = !hosts.isEmpty && chance(40) ? "\(chance(30) ? "www." : "")\(pick(hosts))" : "\(pick(Self.words))\(number(1...99)).example"
            let inner = hosts.isEmpty ? "x.example" : pick(hosts)
            links.append("https://\(host)\(pick(["", "/", "/p/x", "/p/", "/a?q=1", "/redirect/\(inner)"]))")
        }
        let subject = "\(pick(Self.words).capitalized) \(pick(Self.words)) #\(number(10...99999))" + (chance(10) ? " [\(pick(Self.words))]" : "")
        let spf = pick(["pass", "pass", "fail", "softfail", "none"])
        let dkim = pick(["pass", "pass", "fail", "none"])
        let dmarc = spf == "pass" || dkim == "pass" ? "pass" : pick(["fail", "none"])
        let policy = pick(["none", "quarantine", "reject"])
        var headers = [
            "X-Microsoft-Antispam: BCL:\(number(0...9));",
            "Authentication-Results: \(Self.trustedHost);",
            "\tspf=\(spf) smtp.mailfrom=\(fromDomain);",
            "\tdkim=\(dkim) header.d=\(fromDomain);",
            "\tdmarc=\(dmarc) (p=\(policy) dis=none) header.from=\(fromDomain)",
            "Received: from mail.\(fromDomain) (mail.\(fromDomain) [\(clientIP)])",
            "\tby \(Self.trustedHost) (Postfix) with ESMTPS id \(String(random.next() % 0xFFFFFF, radix: 16))",
            "\tfor <\(recipient)>; Tue, 17 Nov 2026 09:14:03 +0000",
            "From: \"\(pick(Self.words).capitalized) Team\" <\(from)>",
            "To: <\(recipient)>",
            "Subject: \(subject)",
            "Date: Tue, 17 Nov 2026 10:13:58 +0100",
            "Message-ID: <\(random.next())@\(fromDomain)>",
            "MIME-Version: 1.0",
        ]
        if chance(20) { headers.append("X-Mailer: \(pick(Self.words)) mailer 2.1") }
        var filler = ""
        while filler.utf8.count < max(0, size - 2200) {
            filler += (0..<12).map { _ in pick(Self.words) }.joined(separator: " ") + ".\r\n"
        }
        let text = "Hello,\r\n\r\n\(filler)\r\n" + links.map { "See \($0)\r\n" }.joined()
        let html = "<html><body><p>Hello,</p><p>\(filler.prefix(600))</p>" + links.map { "<a href=\"\($0)\">\($0)</a><br>" }.joined() + "</body></html>"
        var body = [
            "--outer", "Content-Type: multipart/alternative; boundary=\"alt\"", "",
            "--alt", "Content-Type: text/plain; charset=utf-8", "", text,
            "--alt", "Content-Type: text/html; charset=utf-8", "", html, "--alt--",
        ]
        if chance(35) {
            let name = pick(["invoice.pdf", "report.html", "setup.exe", "notes.txt", "scan.zip"])
            let content = pick(payloads)
            body += [
                "--outer", "Content-Type: application/octet-stream; name=\"\(name)\"", "Content-Disposition: attachment; filename=\"\(name)\"",
                "Content-Transfer-Encoding: base64", "", Data(content).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]),
            ]
        }
        body.append("--outer--")
        headers.append("Content-Type: multipart/mixed; boundary=\"outer\"")
        let message = headers.joined(separator: "\r\n") + "\r\n\r\n" + body.joined(separator: "\r\n") + "\r\n"
        return (Array(message.utf8), clientIP, recipient)
    }
}
