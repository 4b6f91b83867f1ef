import Foundation
import SluiceDiagnostics

/// A message as Sluice sees it: the parsed header, the MIME tree, and what the rest of Sluice
/// judges — addresses, subject, authentication results, received chain, upstream verdicts,
/// attachments, URLs — with every problem found along the way.
public struct Message: Sendable, Hashable, Codable {
    /// Size of the message in bytes, as given (before any limit cut it).
    public var size: Int
    public var headers: HeaderList
    public var from: [Mailbox]
    public var sender: Mailbox?
    public var replyTo: [Mailbox]
    public var to: [Mailbox]
    public var cc: [Mailbox]
    public var bcc: [Mailbox]
    public var returnPath: ReturnPath?
    /// The Subject, RFC 2047 decoded.
    public var subject: String?
    public var date: Date?
    public var messageID: String?
    public var root: MIMEPart
    public var attachments: [Attachment]
    public var urls: [ExtractedURL]
    public var authentication: AuthenticationHeaders
    /// Received headers, topmost (most recent) first.
    public var received: [ReceivedHeader]
    public var upstream: UpstreamVerdicts
    public var problems: [Diagnostic]

    /// The author address (RFC 5322 §3.6.2): the first From mailbox.
    public var author: Mailbox? { from.first }

    /// The decoded text of the body parts meant to be read: text leaves (and multiparts read as
    /// text because their boundary is missing) not declared as attachments, in tree order.
    public var bodyTexts: [(part: MIMEPart, text: String)] {
        var result: [(part: MIMEPart, text: String)] = []
        forEachText(bodyOnly: true) { result.append(($0, $1)) }
        return result
    }

    /// `bodyTexts` without their parts, which are not copied out of the tree: what body rules read.
    public var bodyTextContents: [String] {
        var result: [String] = []
        // Room for the usual text and HTML alternatives at once, rather than growing twice.
        result.reserveCapacity(4)
        forEachText(bodyOnly: true) { result.append($1) }
        return result
    }

    /// Every decoded text leaf, attachments included: an HTML attachment is a common carrier of
    /// phishing links, so URLs are looked for here.
    public var textParts: [(part: MIMEPart, text: String)] {
        var result: [(part: MIMEPart, text: String)] = []
        forEachText(bodyOnly: false) { result.append(($0, $1)) }
        return result
    }

    /// Visits the text leaves in one walk of the tree, leaving out attachments when `bodyOnly`.
    func forEachText(bodyOnly: Bool, _ body: (MIMEPart, String) -> Void) {
        root.forEachText(bodyOnly: bodyOnly, body)
    }
}

/// The reverse path from `Return-Path` (RFC 5321 §4.4): an address, or the null path `<>` that
/// bounces and other notifications use.
public enum ReturnPath: Sendable, Hashable, Codable {
    case null
    case address(Mailbox)

    public var address: String { if case .address(let mailbox) = self { mailbox.address } else { "" } }

    // Encoded as the mailbox, or as the string `<>` for the null path, so that "no Return-Path"
    // (the key is absent) and "the null path" stay distinct.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self), text == "<>" {
            self = .null
        } else {
            self = .address(try container.decode(Mailbox.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encode("<>")
        case .address(let mailbox): try container.encode(mailbox)
        }
    }
}

/// A leaf part that is a file: what tenant file entries, attachment rules and the common
/// attachments filter look at.
public struct Attachment: Sendable, Hashable, Codable {
    public var part: String
    public var filename: String?
    /// The declared media type.
    public var contentType: String
    public var disposition: String?
    public var size: Int?
    public var sha256: String?
    public var detectedType: FileType?

    init(_ part: MIMEPart) {
        self.part = part.path
        filename = part.filename
        contentType = part.contentType
        disposition = part.disposition
        size = part.content?.size
        sha256 = part.content?.sha256
        detectedType = part.content?.detectedType
    }
}

/// Authentication results carried by the message, each marked trusted or not.
public struct AuthenticationHeaders: Sendable, Hashable, Codable {
    /// `Authentication-Results`, topmost first.
    public var results: [AuthenticationResults]
    /// `ARC-Authentication-Results`, topmost first.
    public var arcResults: [AuthenticationResults]
    /// `Received-SPF`, topmost first.
    public var receivedSPF: [ReceivedSPF]

    /// The trusted results, topmost first.
    public var trusted: [AuthenticationResults] { results.filter(\.isTrusted) }
}
