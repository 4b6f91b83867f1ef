import Testing

@testable import SluiceMessage

private func sniff(_ bytes: [UInt8]) -> FileType? { FileType.sniff(bytes[...]) }
private func sniff(_ text: String) -> FileType? { FileType.sniff(Array(text.utf8)[...]) }

@Suite("File type sniffing (magic numbers)")
struct MIMEFileTypeTests {
    @Test(
        "File signatures: each known magic number is recognised whatever follows",
        arguments: [
            ([0x4D, 0x5A, 0x90, 0x00], FileType.windowsExecutable),
            ([0x7F, 0x45, 0x4C, 0x46, 0x02], .elf),
            ([0x50, 0x4B, 0x03, 0x04, 0x14], .zip),
            ([0x50, 0x4B, 0x05, 0x06], .zip),
            (Array("Rar!\u{1A}\u{07}\u{00}".utf8), .rar),
            ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00], .sevenZip),
            ([0x1F, 0x8B, 0x08], .gzip),
            (Array("%PDF-1.7\n".utf8), .pdf),
            ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00], .oleCompound),
            (Array(#"{\rtf1\ansi"#.utf8), .rtf),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .png),
            ([0xFF, 0xD8, 0xFF, 0xE0], .jpeg),
            (Array("GIF89a".utf8), .gif),
            (Array("GIF87a".utf8), .gif),
        ] as [([UInt8], FileType)])
    func signatures(bytes: [UInt8], expected: FileType) {
        #expect(sniff(bytes) == expected)
    }

    @Test(
        "File signatures: near misses and truncated magic numbers are not recognised",
        arguments: [
            [], [0x4D], [0x5A, 0x4D], [0x7F, 0x45, 0x4C], [0x50, 0x4B, 0x03], [0x50, 0x4B, 0x07, 0x08],
            Array("%PDF".utf8), Array(" %PDF-1.4".utf8), [0x1F], [0xFF, 0xD8], Array("GIF7".utf8), Array("rar!".utf8),
            Array("{rtf".utf8), Array("Hello, world".utf8),
        ] as [[UInt8]])
    func nearMisses(bytes: [UInt8]) {
        #expect(sniff(bytes) == nil)
    }

    @Test(
        "MIME Sniffing §7.1: HTML is recognised by its doctype or html tag after white space and a BOM",
        arguments: [
            "<!DOCTYPE html>\n<html>", "<html><body>", "<HTML>", "\r\n  \t<HtMl lang=en>", "\u{FEFF}<!doctype HTML>",
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">",
        ])
    func html(text: String) {
        #expect(sniff(text) == .html)
    }

    @Test(
        "MIME Sniffing §7.1: text that merely contains markup later is not sniffed as HTML",
        arguments: ["<head><title>x</title>", "hello <html>", "<!-- c --><html>", "<htm", "<!doctype xml>"])
    func notHTML(text: String) {
        #expect(sniff(text) == nil)
    }

    @Test("ECMA-119 §8.4: an ISO 9660 image has `CD001` at offset 0x8001")
    func isoImage() {
        var image = [UInt8](repeating: 0, count: 0x8800)
        image.replaceSubrange(0x8001..<0x8006, with: Array("CD001".utf8))
        #expect(sniff(image) == .iso)

        var shifted = [UInt8](repeating: 0, count: 0x8800)
        shifted.replaceSubrange(0x8000..<0x8005, with: Array("CD001".utf8))
        #expect(sniff(shifted) == nil)

        // Just long enough to hold the signature.
        #expect(sniff(Array(image.prefix(0x8006))) == .iso)
        #expect(sniff(Array(image.prefix(0x8005))) == nil)
    }

    @Test("File signatures: a slice that does not start at index 0 is sniffed from its own start")
    func sliceOffset() {
        let bytes = Array("junk%PDF-1.4".utf8)
        #expect(FileType.sniff(bytes[4...]) == .pdf)
        #expect(FileType.sniff(bytes[0...]) == nil)
    }
}
