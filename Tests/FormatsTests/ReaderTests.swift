import Foundation
import Testing

@testable import Formats

private func lines(_ path: String) throws -> [Line] {
    let r = try LineReader(path: path)
    var out: [Line] = []
    while let l = try r.next() { out.append(l) }
    return out
}

private func zstd(_ data: [UInt8], in dir: TempDir, name: String, level: Int = 3) throws -> String {
    let path = "\(dir.path)/\(name)"
    let out = try FileOutput(path: path)
    let enc = try ZstdEncoder(sink: out, level: level)
    try data.withUnsafeBytes { try enc.write($0) }
    try enc.finish()
    _ = try out.close()
    return path
}

@Suite struct ReaderTests {
    @Test func splitsOnLFOnlyAndAcceptsCRLF() throws {
        let dir = try TempDir()
        let text = "a\r\nb\u{2028}c\rd\u{85}e\n\nlast"
        let got = try lines(dir.file("t.txt", Array(text.utf8)))
        #expect(got.map(\.text) == ["a", "b\u{2028}c\rd\u{85}e", "", "last"])
        #expect(got.map(\.number) == [1, 2, 3, 4])
        #expect(
            got.map(\.offset) == [0, 3, UInt64(3 + "b\u{2028}c\rd\u{85}e\n".utf8.count), UInt64(text.utf8.count - 4)])
    }

    @Test func invalidUTF8SpoilsOnlyItsLine() throws {
        let dir = try TempDir()
        let bytes: [UInt8] =
            Array("好\n".utf8) + [0xE5, 0xA5, 0x0A] + Array("坏".utf8) + [0xFF, 0x0A] + Array("ok".utf8)
        let got = try lines(dir.file("t.txt", bytes))
        #expect(got.count == 4)
        #expect(got[0].text == "好")
        #expect(got[1].text == nil)
        #expect(got[1].bytes == [0xE5, 0xA5])
        #expect(got[2].text == nil)
        #expect(got[3].text == "ok")
    }

    @Test func byteOrderMarkIsSkippedOnlyAtTheStart() throws {
        let dir = try TempDir()
        let got = try lines(dir.file("t.txt", [0xEF, 0xBB, 0xBF] + Array("a\n\u{FEFF}b\n".utf8)))
        #expect(got.map(\.text) == ["a", "\u{FEFF}b"])
    }

    @Test func emptyFileHasNoLines() throws {
        let dir = try TempDir()
        #expect(try lines(dir.file("e.txt", [])).isEmpty)
    }

    @Test func longLinesGrowTheBuffer() throws {
        let dir = try TempDir()
        let long = String(repeating: "哈", count: 100_000)
        let path = dir.file("l.txt", Array("\(long)\nx\n".utf8))
        let r = LineReader(source: try InputFile.open(path), bufferSize: 1024)
        #expect(try r.next()?.text == long)
        #expect(try r.next()?.text == "x")
        #expect(try r.next() == nil)
    }

    @Test func zstdRoundTripByMagicNotName() throws {
        let dir = try TempDir()
        var text = ""
        for i in 0..<50_000 { text += "第\(i)行\tline \(i)\r\n" }
        let path = try zstd(Array(text.utf8), in: dir, name: "plain-name.conv")
        let got = try lines(path)
        #expect(got.count == 50_000)
        #expect(got[12345].text == "第12345行\tline 12345")
        #expect(got.last?.text == "第49999行\tline 49999")
    }

    @Test func concatenatedZstdFrames() throws {
        let dir = try TempDir()
        let a = try zstd(Array("one\n".utf8), in: dir, name: "a.zst")
        let b = try zstd(Array("two\n".utf8), in: dir, name: "b.zst")
        let both = try Data(contentsOf: URL(fileURLWithPath: a)) + Data(contentsOf: URL(fileURLWithPath: b))
        let path = dir.file("ab.zst", Array(both))
        #expect(try lines(path).map(\.text) == ["one", "two"])
    }

    @Test func truncatedZstdNamesTheFile() throws {
        let dir = try TempDir()
        var text = ""
        for i in 0..<20_000 { text += "行\(i)\n" }
        let full = try zstd(Array(text.utf8), in: dir, name: "full.zst")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: full)))
        let cut = dir.file("cut.conv.zst", Array(bytes.prefix(bytes.count / 2)))
        #expect {
            _ = try lines(cut)
        } throws: { error in
            guard case FormatsError.zstdTruncated(let path, let offset) = error else { return false }
            return path == cut && offset == UInt64(bytes.count / 2)
                && "\(error)".contains("cut.conv.zst") && "\(error)".contains("truncated")
        }
    }

    @Test func corruptZstdIsATypedError() throws {
        let dir = try TempDir()
        let path = dir.file("bad.zst", [0x28, 0xB5, 0x2F, 0xFD] + Array(repeating: 0xAB, count: 64))
        #expect {
            _ = try lines(path)
        } throws: { error in
            guard case FormatsError.zstdCorrupt(let p, _, let status) = error else { return false }
            return p == path && !status.isEmpty
        }
    }

    @Test func missingFileIsATypedError() throws {
        #expect(throws: FormatsError.cannotOpen(path: "/nonexistent/x", errno: ENOENT)) {
            _ = try InputFile.open("/nonexistent/x")
        }
    }
}
