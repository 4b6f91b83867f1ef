import Foundation
import SluiceChecking
import SluiceDiagnostics
import SluiceMessage
import SluiceSyntax

/// A parsed case file (`NAME.expect`, grammar/sluice-tests.md): the settings that say how to
/// decide a message, then one block of expectations per recipient; or, for a policy that must
/// fail to check, the diagnostics it must report. Every line is kept, so `--update` can rewrite
/// values in place and leave comments where they were.
public struct CaseFile: Sendable {
    /// One line as written, and what it holds.
    public struct Line: Sendable {
        public var text: String
        /// The byte offset of the line's start in the file.
        public var offset: Int
        /// Nil for blank lines, comments and malformed lines.
        public var entry: Entry?
    }

    public struct Entry: Sendable {
        public var key: CaseKey
        /// The value, trimmed; canonical spelling for closed sets (`inbox` reads as `Inbox`).
        public var value: String
        public var valueSpan: SourceSpan
    }

    /// The expectations for one recipient, from its `recipient:` line to the next.
    public struct Block: Sendable {
        public var recipient: String
        /// Index in `lines` of the `recipient:` line.
        public var start: Int
        /// Index in `lines` of the last line holding a key of this block.
        public var lastEntry: Int
        public var expectations: [CaseKey: Entry] = [:]
    }

    /// An expected diagnostic: `check.invalid-url-entry at broken.sluice:3:7`.
    public struct ExpectedDiagnostic: Sendable, CustomStringConvertible {
        public var code: String
        /// The file, resolved against the case file's folder.
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var written: String
        public var description: String { written }
    }

    public enum Kind: Sendable { case message, check }

    /// The path the case file was found at.
    public var path: String
    public var source: SourceFile
    public var lines: [Line] = []
    public var kind: Kind = .message
    /// The policy file, resolved against the case file's folder.
    public var policy: String?
    /// The message file: `message:`, else `NAME.eml` beside the case file.
    public var message: String
    public var now: CalendarDate?
    public var envelope = EnvelopeInput()
    public var trustedAuthservIDs: [String] = []
    public var trustedHosts: [String] = []
    public var blocks: [Block] = []
    public var expectedDiagnostics: [ExpectedDiagnostic] = []
    /// Errors in the case file itself; a case with problems does not run.
    public var problems: [Diagnostic] = []
    /// The span of each setting given, for pointing at it when what it names cannot be read.
    public var settingSpans: [CaseKey: SourceSpan] = [:]

    /// The folder relative paths in the file are resolved against.
    public var directory: String { CasePaths.directory(of: path) }

    public init(path: String, text: String) {
        self.path = path
        source = SourceFile(path: path, text: text)
        message = CasePaths.replacingExtension(of: path, with: "eml")
        parse()
    }

    /// Reads and parses the case file at `path`; nil when it cannot be read.
    public static func read(_ path: String) -> CaseFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return CaseFile(path: path, text: String(decoding: data, as: UTF8.self))
    }

    private mutating func parse() {
        var seenInHeader: Set<CaseKey> = []
        var seenInBlock: Set<CaseKey> = []
        let bytes = source.bytes
        var start = 0
        // Lines end at LF; a CR before it is not part of the line.
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let contentEnd = end > start && bytes[end - 1] == 0x0D ? end - 1 : end
            parseLine(String(decoding: bytes[start..<contentEnd], as: UTF8.self), offset: start, &seenInHeader, &seenInBlock)
            start = end + 1
        }
        finish()
    }

    private mutating func parseLine(_ lineText: String, offset: Int, _ seenInHeader: inout Set<CaseKey>, _ seenInBlock: inout Set<CaseKey>) {
        let index = lines.count
        lines.append(Line(text: lineText, offset: offset))
        let trimmed = lineText.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return }
        let leading = lineText.utf8.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.count
        guard let colon = lineText.utf8.firstIndex(of: UInt8(ascii: ":")) else {
            problem("test.malformed-line", "expected `key: value`, found `\(trimmed)`", at: offset + leading..<offset + lineText.utf8.count,
                    help: "each line is a key, a colon and a value; comments start with `#`")
            return
        }
        let keyEnd = lineText.utf8.distance(from: lineText.utf8.startIndex, to: colon)
        let keyText = lineText[..<colon].trimmingCharacters(in: .whitespaces)
        let afterColon = lineText[lineText.utf8.index(after: colon)...]
        let valueLeading = afterColon.utf8.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.count
        let value = afterColon.trimmingCharacters(in: .whitespaces)
        let valueStart = offset + keyEnd + 1 + valueLeading
        let valueSpan = source.span(valueStart..<valueStart + value.utf8.count)
        let keySpan = source.span(offset + leading..<offset + keyEnd)
        guard let key = CaseKey(rawValue: keyText.lowercased()) else {
            let suggestion = Suggestions.closest(to: keyText, in: CaseKey.allCases.map(\.rawValue))
            problem("test.unknown-key", "unknown key `\(keyText)`", at: keySpan.range,
                    help: suggestion.map { "did you mean `\($0)`?" } ?? "keys are " + CaseKey.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))
            return
        }
        guard !value.isEmpty else {
            problem("test.missing-value", "`\(key.rawValue)` has no value", at: keySpan.range, help: "write the value after the colon")
            return
        }
        read(key, value, valueSpan: valueSpan, keySpan: keySpan, line: index, seenInHeader: &seenInHeader, seenInBlock: &seenInBlock)
    }

    private mutating func read(_ key: CaseKey, _ value: String, valueSpan: SourceSpan, keySpan: SourceSpan, line: Int,
                               seenInHeader: inout Set<CaseKey>, seenInBlock: inout Set<CaseKey>) {
        switch key.role {
        case .setting:
            guard blocks.isEmpty else {
                problem("test.setting-after-recipient", "`\(key.rawValue)` is a setting of the whole case, but comes after a `recipient:` line",
                        at: keySpan.range, help: "move it above the first `recipient:` line")
                return
            }
            guard key.isRepeatable || seenInHeader.insert(key).inserted else {
                problem("test.duplicate-key", "`\(key.rawValue)` is given twice", at: keySpan.range, help: "keep one")
                return
            }
            setting(key, value, valueSpan: valueSpan)
            lines[line].entry = Entry(key: key, value: value, valueSpan: valueSpan)
        case .recipient:
            guard case .success(let address) = EmailAddress.parse(value) else {
                problem("test.invalid-value", "`\(value)` is not an email address", at: valueSpan.range, help: "write the recipient as `user@domain`")
                return
            }
            blocks.append(Block(recipient: address.description.lowercased(), start: line, lastEntry: line))
            seenInBlock = []
            lines[line].entry = Entry(key: key, value: value, valueSpan: valueSpan)
        case .expectation:
            guard !blocks.isEmpty else {
                problem("test.expectation-before-recipient", "`\(key.rawValue)` must belong to a recipient",
                        at: keySpan.range, help: "write a `recipient: ADDRESS` line above the expectations for that recipient")
                return
            }
            guard seenInBlock.insert(key).inserted else {
                problem("test.duplicate-key", "`\(key.rawValue)` is given twice for `\(blocks[blocks.count - 1].recipient)`", at: keySpan.range, help: "keep one")
                return
            }
            guard let canonical = key.canonical(value) else {
                problem("test.invalid-value", "`\(value)` is not a value of `\(key.rawValue)`", at: valueSpan.range,
                        help: "one of " + (key.allowedValues ?? []).map { "`\($0)`" }.joined(separator: ", "))
                return
            }
            if key == .decidingAt && canonical != "none" && CasePaths.place(canonical) == nil {
                problem("test.invalid-value", "`\(value)` is not a place in a file", at: valueSpan.range,
                        help: "write `FILE:LINE` or `FILE:LINE:COLUMN`, the file relative to this case file, or `none`")
                return
            }
            let entry = Entry(key: key, value: canonical, valueSpan: valueSpan)
            blocks[blocks.count - 1].expectations[key] = entry
            blocks[blocks.count - 1].lastEntry = line
            lines[line].entry = entry
        case .diagnostic:
            guard let expected = expectedDiagnostic(value) else {
                problem("test.invalid-value", "`\(value)` is not an expected diagnostic", at: valueSpan.range,
                        help: "write `CODE` or `CODE at FILE:LINE[:COLUMN]`, the file relative to this case file")
                return
            }
            expectedDiagnostics.append(expected)
            lines[line].entry = Entry(key: key, value: value, valueSpan: valueSpan)
        }
    }

    private mutating func setting(_ key: CaseKey, _ value: String, valueSpan: SourceSpan) {
        settingSpans[key] = settingSpans[key] ?? valueSpan
        switch key {
        case .policy: policy = CasePaths.resolve(value, from: directory)
        case .message: message = CasePaths.resolve(value, from: directory)
        case .now:
            switch CalendarDate.parse(value) {
            case .success(let date): now = date
            case .failure(let problem): self.problem("test.invalid-value", problem.message, at: valueSpan.range, help: "write the date as YYYY-MM-DD")
            }
        case .mailFrom: envelope.mailFrom = value
        case .rcptTo: envelope.rcptTo = (envelope.rcptTo ?? []) + [value]
        case .clientIP: envelope.clientIP = value
        case .helo: envelope.helo = value
        case .ptr: envelope.ptr = value
        case .trustAuthserv: trustedAuthservIDs.append(value.lowercased())
        case .trustHost: trustedHosts.append(value.lowercased())
        default: break
        }
    }

    /// `CODE` or `CODE at FILE:LINE[:COLUMN]`.
    private func expectedDiagnostic(_ value: String) -> ExpectedDiagnostic? {
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard let code = parts.first, code.utf8.contains(UInt8(ascii: ".")) else { return nil }
        if parts.count == 1 { return ExpectedDiagnostic(code: String(code), written: value) }
        guard parts.count == 3, parts[1] == "at", let place = CasePaths.place(String(parts[2])) else { return nil }
        return ExpectedDiagnostic(code: String(code), file: CasePaths.resolve(place.file, from: directory), line: place.line,
                                  column: place.column, written: value)
    }

    private mutating func finish() {
        if !expectedDiagnostics.isEmpty {
            kind = .check
            if let block = blocks.first {
                problem("test.mixed-case", "a case file either expects diagnostics or decisions, not both",
                        at: lines[block.start].entry!.valueSpan.range, help: "put the message case in a file of its own")
            }
        } else if problems.isEmpty && blocks.isEmpty {
            problem("test.missing-recipient", "the case has no `recipient:` line", at: 0..<0,
                    help: "add `recipient: ADDRESS` followed by the expectations for that recipient (or run `sluice test --update`)")
        }
        if policy == nil {
            problem("test.missing-policy", "the case names no policy", at: 0..<0, help: "add `policy: PATH`, relative to this case file")
        }
    }

    private mutating func problem(_ code: DiagnosticCode, _ message: String, at range: Range<Int>, help: String) {
        problems.append(Diagnostic(code, .error, message, at: .source(source.span(range)), help: help))
    }
}

/// Paths in case files are relative to the case file's folder; spans in decisions name files
/// as the policy loader keyed them. Both are compared after textual normalization.
public enum CasePaths {
    public static func directory(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    public static func resolve(_ relative: String, from directory: String) -> String {
        PolicyLoader.normalized(relative.hasPrefix("/") ? relative : directory + "/" + relative)
    }

    static func replacingExtension(of path: String, with pathExtension: String) -> String {
        ((path as NSString).deletingPathExtension as NSString).appendingPathExtension(pathExtension) ?? path
    }

    /// `path` written relative to `directory`, for writing back into a case file.
    public static func relative(_ path: String, from directory: String) -> String {
        let target = absolute(path).split(separator: "/"), base = absolute(directory).split(separator: "/")
        let common = zip(target, base).prefix { $0 == $1 }.count
        let parts = Array(repeating: "..", count: base.count - common) + target[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    static func absolute(_ path: String) -> String {
        PolicyLoader.normalized(path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// Whether two paths name the same file, however each was written.
    static func same(_ a: String, _ b: String) -> Bool { absolute(a) == absolute(b) }

    /// `FILE:LINE` or `FILE:LINE:COLUMN`.
    static func place(_ text: String) -> (file: String, line: Int, column: Int?)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]), line > 0, column > 0 {
            return (parts.dropLast(2).joined(separator: ":"), line, column)
        }
        if parts.count >= 2, let line = Int(parts[parts.count - 1]), line > 0, !parts.dropLast().joined(separator: ":").isEmpty {
            return (parts.dropLast().joined(separator: ":"), line, nil)
        }
        return nil
    }
}
