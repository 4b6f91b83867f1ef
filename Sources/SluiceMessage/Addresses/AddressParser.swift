import SluiceDiagnostics

/// Parses address headers (`From`, `Sender`, `Reply-To`, `To`, `Cc`, `Bcc`, `Return-Path`) per
/// RFC 5322 §3.4 and the obsolete forms of §4.4: display names, quoted local parts, comments,
/// groups, routes (`<@relay:user@host>`) and CFWS around dots. Nothing malformed is dropped: a
/// mailbox that can be salvaged is kept and the damage is reported.
public enum AddressParser {
    public struct Result: Sendable, Hashable {
        public var mailboxes: [Mailbox]
        public var problems: [Diagnostic]
    }

    public static func parseList(_ value: String, header: String = "address") -> Result {
        if let mailbox = SimpleAddress.mailbox(value) { return Result(mailboxes: [mailbox], problems: []) }
        return parseTokens(value, header: header)
    }

    /// The general reading, for any value: what `SimpleAddress` must agree with.
    static func parseTokens(_ value: String, header: String) -> Result {
        let lexed = AddressTokenizer.tokenize(value)
        var problems = lexed.unterminated.map {
            Diagnostic("address.unterminated", .warning, "`\(header)` has an unterminated \($0)")
        }
        var mailboxes: [Mailbox] = []
        var tokens = lexed.tokens[...]
        let spaced = lexed.spaced

        while !tokens.isEmpty {
            if tokens.first == .special(",") {
                tokens.removeFirst()
                continue
            }
            let (piece, isGroup) = takeAddress(&tokens)
            if isGroup {
                let colon = piece.firstIndex(of: .special(":"))!
                let name = phrase(piece[..<colon], spaced: spaced)
                var members = piece[piece.index(after: colon)...]
                if members.last == .special(";") {
                    members.removeLast()
                } else {
                    problems.append(Diagnostic(
                        "address.unterminated-group", .warning,
                        "`\(header)` group `\(name)` has no closing `;`; it runs to the end"))
                }
                while !members.isEmpty {
                    if members.first == .special(",") {
                        members.removeFirst()
                        continue
                    }
                    let member = takeMailboxTokens(&members)
                    if var mailbox = mailbox(member, spaced: spaced, header: header, problems: &problems) {
                        mailbox.group = name
                        mailboxes.append(mailbox)
                    }
                }
            } else if let mailbox = mailbox(piece, spaced: spaced, header: header, problems: &problems) {
                mailboxes.append(mailbox)
            }
        }
        return Result(mailboxes: mailboxes, problems: problems)
    }

    /// Takes tokens up to the next top-level comma; a colon outside angle brackets makes a group,
    /// which runs to its semicolon.
    private static func takeAddress(_ tokens: inout ArraySlice<AddressTokenizer.Token>)
        -> (ArraySlice<AddressTokenizer.Token>, isGroup: Bool)
    {
        var angleDepth = 0
        var index = tokens.startIndex
        var isGroup = false
        while index < tokens.endIndex {
            switch tokens[index] {
            case .special("<"): angleDepth += 1
            case .special(">"): angleDepth = max(0, angleDepth - 1)
            case .special(":") where angleDepth == 0 && !isGroup: isGroup = true
            case .special(";") where isGroup && angleDepth == 0:
                let piece = tokens[tokens.startIndex...index]
                tokens = tokens[tokens.index(after: index)...]
                return (piece, true)
            case .special(",") where angleDepth == 0 && !isGroup:
                let piece = tokens[tokens.startIndex..<index]
                tokens = tokens[index...]
                return (piece, false)
            default: break
            }
            index += 1
        }
        let piece = tokens
        tokens = tokens[tokens.endIndex...]
        return (piece, isGroup)
    }

    private static func takeMailboxTokens(_ tokens: inout ArraySlice<AddressTokenizer.Token>)
        -> ArraySlice<AddressTokenizer.Token>
    {
        var angleDepth = 0
        var index = tokens.startIndex
        while index < tokens.endIndex {
            switch tokens[index] {
            case .special("<"): angleDepth += 1
            case .special(">"): angleDepth = max(0, angleDepth - 1)
            case .special(",") where angleDepth == 0:
                let piece = tokens[tokens.startIndex..<index]
                tokens = tokens[index...]
                return piece
            default: break
            }
            index += 1
        }
        let piece = tokens
        tokens = tokens[tokens.endIndex...]
        return piece
    }

    private static func mailbox(
        _ tokens: ArraySlice<AddressTokenizer.Token>, spaced: [Bool], header: String, problems: inout [Diagnostic]
    ) -> Mailbox? {
        if !tokens.contains(where: \.isMeaningful) { return nil }

        if let open = tokens.firstIndex(of: .special("<")) {
            let name = phrase(tokens[..<open], spaced: spaced)
            var inner = tokens[tokens.index(after: open)...]
            if let close = inner.firstIndex(of: .special(">")) {
                if inner[inner.index(after: close)...].contains(where: \.isMeaningful) {
                    problems.append(Diagnostic(
                        "address.trailing-text", .warning,
                        "`\(header)` has text after `>` that is not part of any address"))
                }
                inner = inner[..<close]
            } else {
                problems.append(Diagnostic(
                    "address.unclosed-angle", .warning, "`\(header)` has `<` without a matching `>`"))
            }
            // Obsolete route (RFC 5322 §4.4): `@relay1,@relay2:` before the address.
            if let colon = inner.firstIndex(of: .special(":")), inner.first == .special("@") {
                inner = inner[inner.index(after: colon)...]
            }
            if !inner.contains(where: \.isMeaningful) {
                problems.append(Diagnostic("address.empty", .warning, "`\(header)` has an empty address `<>`"))
                return nil
            }
            var result = addrSpec(inner, spaced: spaced, header: header, problems: &problems)
            result.displayName = name.isEmpty ? nil : name
            return result
        }

        var result = addrSpec(tokens, spaced: spaced, header: header, problems: &problems)
        let lastComment = tokens.lazy.compactMap { if case .comment(let text) = $0 { text } else { nil } }.last
        if let comment = lastComment.map(ASCII.trimmed), !comment.isEmpty {
            result.displayName = EncodedWords.decode(comment).text
        }
        return result
    }

    private static func addrSpec(
        _ tokens: ArraySlice<AddressTokenizer.Token>, spaced: [Bool], header: String, problems: inout [Diagnostic]
    ) -> Mailbox {
        var parts: [AddressTokenizer.Token] = []
        parts.reserveCapacity(tokens.count)
        for token in tokens where token.isMeaningful { parts.append(token) }
        guard let at = parts.lastIndex(of: .special("@")) else {
            let local = join(parts[...])
            problems.append(Diagnostic(
                "address.no-domain", .warning, "`\(header)` address `\(local)` has no domain"))
            return Mailbox(localPart: local, domain: "")
        }
        let local = join(parts[..<at])
        let domain = ASCII.unicodeLowercased(join(parts[(at + 1)...]))
        if local.isEmpty {
            problems.append(Diagnostic(
                "address.no-local-part", .warning, "`\(header)` address `@\(domain)` has no local part"))
        }
        if domain.isEmpty {
            problems.append(Diagnostic(
                "address.no-domain", .warning, "`\(header)` address `\(local)@` has no domain"))
        }
        if let stray = stray(tokens, spaced: spaced) {
            problems.append(Diagnostic(
                "address.malformed", .warning,
                "`\(header)` address `\(local)@\(domain)` is malformed: \(stray)"))
        }
        return Mailbox(localPart: local, domain: domain)
    }

    /// What keeps an addr-spec's tokens from being one address (RFC 5322 §3.4.1, §4.4): two words
    /// with only white space or a comment between them (`a@b.example c@d.example`, said first as
    /// the likelier cause), or a special other than the dots and the last `@` (`a@b@c.example`,
    /// `a@b.example;`). Joined as they are, such tokens make an address nobody wrote.
    private static func stray(_ tokens: ArraySlice<AddressTokenizer.Token>, spaced: [Bool]) -> String? {
        let separator = tokens.lastIndex(of: .special("@"))
        var straySpecial: Unicode.Scalar?
        var afterWord = false
        var gap = false
        for index in tokens.indices {
            switch tokens[index] {
            case .comment:
                gap = true
                continue
            case .atom(let text), .quoted(let text), .domainLiteral(let text):
                if afterWord && (gap || spaced[index]) {
                    return "`\(text)` follows white space; a `,` or `<>` may be missing"
                }
                afterWord = true
            case .special("."):
                afterWord = false
            case .special(let scalar):
                if index != separator && straySpecial == nil { straySpecial = scalar }
                afterWord = false
            }
            gap = false
        }
        return straySpecial.map { "it has a stray `\($0)`" }
    }

    /// Joins tokens of a local part or domain exactly (dots and atoms with no spaces).
    private static func join(_ tokens: ArraySlice<AddressTokenizer.Token>) -> String {
        // A lone atom, the usual local part, is its own text.
        if tokens.count == 1, case .atom(let text) = tokens[tokens.startIndex] { return text }
        var out = ""
        for token in tokens {
            switch token {
            case .atom(let text), .quoted(let text): out += text
            case .domainLiteral(let text): out += "[\(text)]"
            case .special(let scalar): out.unicodeScalars.append(scalar)
            case .comment: break
            }
        }
        return out
    }

    /// A display-name phrase: words kept with the spacing they were written with (white space
    /// folded to one space), quotes removed, encoded words decoded (RFC 2047 §5), including the
    /// common but non-standard encoded words inside quotes.
    private static func phrase(_ tokens: ArraySlice<AddressTokenizer.Token>, spaced: [Bool]) -> String {
        var text = ""
        for index in tokens.indices {
            let piece: String
            switch tokens[index] {
            case .atom(let word), .quoted(let word): piece = word
            case .special(let scalar): piece = String(scalar)
            case .domainLiteral(let literal): piece = "[\(literal)]"
            case .comment: continue
            }
            if !text.isEmpty && spaced[index] { text += " " }
            text += piece
        }
        return ASCII.trimmed(EncodedWords.decode(text).text)
    }
}
