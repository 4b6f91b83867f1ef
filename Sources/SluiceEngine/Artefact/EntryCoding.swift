import SluiceChecking
import SluiceDiagnostics
import SluiceMessage

/// Tenant entries in binary: a large policy is mostly entries, and this form loads an order of
/// magnitude faster than parsing and checking their text (BENCHMARKS.md).
enum EntryCoding {
    static func write(_ entry: ListEntry, to writer: inout BinaryWriter, files: [String: Int]) {
        writer.byte(entry.action == .allow ? 0 : 1)
        switch entry.target {
        case .sender(let address):
            writer.byte(0)
            writer.string(address.localPart)
            writer.string(address.domain)
        case .domain(let pattern):
            writer.byte(1)
            writer.byte(pattern.kind == .exact ? 0 : 1)
            writer.string(pattern.domain)
        case .url(let pattern):
            writer.byte(2)
            let form: UInt8 = switch pattern.hostForm {
            case .exact: 0
            case .subdomains: 1
            case .domainAndSubdomains: 2
            case .anywhere: 3
            }
            writer.byte(form)
            writer.string(pattern.host)
            writer.byte((pattern.isIPAddress ? 1 : 0) | (pattern.pathWildcard ? 2 : 0))
            writer.optionalString(pattern.path)
        case .file(let hash):
            writer.byte(3)
            writer.string(hash.hex)
        case .ip(let range):
            writer.byte(4)
            writeRange(range, to: &writer)
        case .spoof(let pair):
            writer.byte(5)
            switch pair.spoofedUser {
            case .any: writer.byte(0)
            case .address(let address):
                writer.byte(1)
                writer.string(address.localPart)
                writer.string(address.domain)
            case .domain(let domain):
                writer.byte(2)
                writer.string(domain)
            }
            switch pair.infrastructure {
            case .any: writer.byte(0)
            case .domain(let domain):
                writer.byte(1)
                writer.string(domain)
            case .network(let range):
                writer.byte(2)
                writeRange(range, to: &writer)
            case .dkim(let domain):
                writer.byte(3)
                writer.string(domain)
            }
        }
        switch entry.expiry {
        case .never: writer.byte(0)
        case .on(let date):
            writer.byte(1)
            writer.int(date.dayNumber)
        case .days(let days):
            writer.byte(2)
            writer.int(days)
        case .afterLastUse(let days):
            writer.byte(3)
            writer.int(days)
        }
        writer.optionalString(entry.note)
        writer.optionalString(entry.ticket)
        writer.optionalString(entry.owner)
        writer.byte(entry.created == nil ? 0 : 1)
        if let created = entry.created { writer.int(created.dayNumber) }
        writer.byte(entry.fromSubmission ? 1 : 0)
        writeSpan(entry.span, to: &writer, files: files)
        writeSpan(entry.keySpan, to: &writer, files: files)
    }

    static func read(from reader: inout BinaryReader, files: [String]) throws(BinaryReader.Damaged) -> ListEntry {
        let action: ListEntry.Action = try reader.byte() == 0 ? .allow : .block
        let target: EntryTarget
        switch try reader.byte() {
        case 0: target = .sender(EmailAddress(localPart: try reader.string(), domain: try reader.string()))
        case 1:
            let kind: DomainPattern.Kind = try reader.byte() == 0 ? .exact : .subdomains
            target = .domain(DomainPattern(kind: kind, domain: try reader.string()))
        case 2:
            let form: URLPattern.HostForm = switch try reader.byte() {
            case 0: .exact
            case 1: .subdomains
            case 2: .domainAndSubdomains
            default: .anywhere
            }
            let host = try reader.string()
            let flags = try reader.byte()
            target = .url(URLPattern(hostForm: form, host: host, isIPAddress: flags & 1 != 0, path: try reader.optionalString(), pathWildcard: flags & 2 != 0))
        case 3: target = .file(FileHash(hex: try reader.string()))
        case 4: target = .ip(try readRange(from: &reader))
        case 5:
            let user: SpoofPair.SpoofedUser = switch try reader.byte() {
            case 0: .any
            case 1: .address(EmailAddress(localPart: try reader.string(), domain: try reader.string()))
            default: .domain(try reader.string())
            }
            let infrastructure: SpoofPair.Infrastructure = switch try reader.byte() {
            case 0: .any
            case 1: .domain(try reader.string())
            case 2: .network(try readRange(from: &reader))
            default: .dkim(try reader.string())
            }
            target = .spoof(SpoofPair(spoofedUser: user, infrastructure: infrastructure))
        case let kind: throw BinaryReader.Damaged(offset: reader.offset, reason: "unknown entry kind \(kind)")
        }
        let expiry: Expiry = switch try reader.byte() {
        case 0: .never
        case 1: .on(CalendarDate(dayNumber: try reader.int()))
        case 2: .days(try reader.int())
        default: .afterLastUse(try reader.int())
        }
        let note = try reader.optionalString(), ticket = try reader.optionalString(), owner = try reader.optionalString()
        let created = try reader.byte() == 0 ? nil : CalendarDate(dayNumber: try reader.int())
        let fromSubmission = try reader.byte() != 0
        return ListEntry(
            action: action, target: target, expiry: expiry, note: note, ticket: ticket, owner: owner, created: created,
            fromSubmission: fromSubmission, span: try readSpan(from: &reader, files: files), keySpan: try readSpan(from: &reader, files: files))
    }

    private static func writeRange(_ range: IPRange, to writer: inout BinaryWriter) {
        writer.raw(range.network.bytes)
        writer.int(range.prefixLength)
    }

    private static func readRange(from reader: inout BinaryReader) throws(BinaryReader.Damaged) -> IPRange {
        guard let address = IPAddress(bytes: Array(try reader.raw())) else { throw BinaryReader.Damaged(offset: reader.offset, reason: "bad IP address") }
        return IPRange(network: address, prefixLength: try reader.count(limit: 128))
    }

    private static func writeSpan(_ span: SourceSpan, to writer: inout BinaryWriter, files: [String: Int]) {
        writer.int(files[span.file] ?? -1)
        writer.int(span.start)
        writer.int(span.end - span.start)
        writer.int(span.line)
        writer.int(span.column)
    }

    private static func readSpan(from reader: inout BinaryReader, files: [String]) throws(BinaryReader.Damaged) -> SourceSpan {
        let index = try reader.int()
        guard index >= -1, index < files.count else { throw BinaryReader.Damaged(offset: reader.offset, reason: "span names file \(index)") }
        let start = try reader.count()
        let length = try reader.count()
        return SourceSpan(file: index < 0 ? "" : files[index], range: start..<start + length, line: try reader.count(), column: try reader.count())
    }
}
