import Foundation
import Testing

@testable import Formats

private func lines(_ path: String) throws -> [Line] {
    let r = try LineReader(path: path)
    var out: [Line] = []
    while let l = try r.next() { out.append(l) }
    return out
}

private func zstd(
    _ data: [UInt8], in dir: TempDir, name: String, level: Int = 3, workers: Int = 0, jobBytes: Int32? = nil
) throws -> String {
    let path = "\(dir.path)/\(name)"
    let out = try FileOutput(path: path)
    let enc = try ZstdEncoder(sink: out, level: level, workers: workers, jobBytes: jobBytes)
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

    /// Progress counts bytes of the file, as the input's size does: for a zstd file the
    /// compressed ones (decompressed, a file of repeated lines went 40 times past its size).
    @Test func bytesReadCountTheFileNotTheDecompressedText() throws {
        let dir = try TempDir()
        let text = Array(String(repeating: "重复的一行\n", count: 20_000).utf8)
        let compressed = try zstd(text, in: dir, name: "x.conv.zst")
        let size = UInt64(try Data(contentsOf: URL(fileURLWithPath: compressed)).count)
        #expect(size * 10 < UInt64(text.count))
        for (path, expected) in [(compressed, size), (dir.file("x.conv", text), UInt64(text.count))] {
            let r = LineReader(source: try InputFile.open(path))
            var n = 0
            while try r.next() != nil { n += 1 }
            #expect(n == 20_000)
            #expect(r.bytesRead == expected, "\(path)")
            let j = try JSONRecordReader(path: path)
            while try j.next(parsing: false) != nil {}
            #expect(j.bytesRead == expected, "\(path)")
        }
    }

    /// Input of several zstd jobs compresses to the same bytes with one worker or two.
    ///
    /// Each is one frame that reads back whole; without workers too. At level 1 a small
    /// stream's jobs are 1 MiB (and the bytes differ from zstd's own job size); at level 3 zstd
    /// chooses.
    @Test(arguments: [1, 3])
    func zstdWorkersDoNotChangeTheBytes(level: Int) throws {
        let dir = try TempDir()
        var text = ""
        var x: UInt32 = 7
        for i in 0..<120_000 {
            x = x &* 1_664_525 &+ 1_013_904_223
            text += "{\"n\":\(i),\"v\":\"第\(x >> 20)句\(x % 977)\"}\n"
        }
        let data = Array(text.utf8)
        let jobBytes = ZstdEncoder.jobBytes(level: level, inputBytes: UInt64(data.count))
        #expect((jobBytes != nil) == (level == 1))
        #expect(data.count > 3 * Int(jobBytes ?? 1 << 20))
        #expect(ZstdEncoder.jobBytes(level: level, inputBytes: ZstdEncoder.smallInputBytes) == nil)
        let paths = try [0, 1, 2].map {
            try zstd(data, in: dir, name: "w\($0).zst", level: level, workers: $0, jobBytes: jobBytes)
        }
        if level == 1 {
            // zstd's own job size (2 MiB) cuts the stream elsewhere: other bytes, same text.
            let own = try zstd(data, in: dir, name: "own.zst", level: level, workers: 2)
            let ownBytes = try Data(contentsOf: URL(fileURLWithPath: own))
            let differ = try ownBytes != Data(contentsOf: URL(fileURLWithPath: paths[2]))
            #expect(differ)
        }
        let bytes = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        // Compared as booleans: a failed `==` of two large collections makes the test library
        // diff them, which takes hours.
        let sameForOneAndTwo = bytes[1] == bytes[2]
        #expect(sameForOneAndTwo)
        for (path, file) in zip(paths, bytes) {
            let readsBack = try InputFile.readAll(path) == data
            #expect(readsBack, "\(path)")
            // One frame: its magic number appears once, at the start.
            #expect(file.starts(with: InputFile.zstdMagic))
            #expect(file.dropFirst().firstRange(of: Data(InputFile.zstdMagic)) == nil, "\(path)")
        }
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

@Suite struct LineChunkTests {
    /// A line as ``LineReader/nextRaw(_:)`` or ``LineChunk/forEachLine(_:)`` gives it.
    struct Seen: Equatable {
        var number: Int
        var offset: UInt64
        var bytes: [UInt8]
    }

    static func direct(_ path: String, bufferSize: Int) throws -> [Seen] {
        let r = LineReader(source: try InputFile.open(path), bufferSize: bufferSize)
        var out: [Seen] = []
        while try r.nextRaw({ out.append(Seen(number: $0.number, offset: $0.offset, bytes: Array($0.bytes))) }) {}
        return out
    }

    /// Random lines with CRLF, empty lines, a byte-order mark, invalid UTF-8 and no final
    /// newline: chunks of any size, through a small buffer that refills mid-chunk, give the
    /// same lines, numbers and offsets as reading line by line, and `scan` sees each line once.
    @Test(arguments: [1, 7, 64, 1 << 20])
    func chunksGiveTheSameLines(minBytes: Int) throws {
        var rng = SystemRandomNumberGenerator()
        let dir = try TempDir()
        for trial in 0..<20 {
            var bytes: [UInt8] = trial % 2 == 0 ? [0xEF, 0xBB, 0xBF] : []
            for _ in 0..<Int.random(in: 0...60, using: &rng) {
                let pieces: [[UInt8]] = [Array("问".utf8), Array("ab".utf8), [0x0D], [0xFF], [0x20]]
                for _ in 0..<Int.random(in: 0...12, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
                bytes += Bool.random(using: &rng) ? [0x0A] : [0x0D, 0x0A]
            }
            if trial % 3 == 0 { bytes += Array("末行".utf8) }
            let path = dir.file("t\(trial)", bytes)
            let expected = try Self.direct(path, bufferSize: 16)
            let r = LineReader(source: try InputFile.open(path), bufferSize: 16)
            var got: [Seen] = []
            var scanned: [Int] = []
            var chunks = 0
            while let chunk = try r.nextChunk(minBytes: minBytes, scan: { scanned.append($0.number) }) {
                chunks += 1
                var n = 0
                chunk.forEachLine {
                    got.append(Seen(number: $0.number, offset: $0.offset, bytes: Array($0.bytes)))
                    n += 1
                }
                #expect(n == chunk.lineCount)
            }
            #expect(got == expected)
            #expect(scanned == expected.map(\.number))
            #expect(r.linesRead == expected.count)
            if minBytes == 1 { #expect(chunks == expected.count) }
        }
    }

    /// A chunk checked whole for UTF-8 tells each line what checking the line, or a part of it
    /// cut next to an ASCII byte, would: at once when the chunk is valid, line by line when
    /// one of its lines is not (a lone lead byte, a stray continuation byte, a cut sequence).
    @Test(arguments: [1, 64, 1 << 20])
    func checkingAChunkWholeGivesEachLinesValidity(minBytes: Int) throws {
        var rng = SystemRandomNumberGenerator()
        let dir = try TempDir()
        var knownLines = 0
        for trial in 0..<30 {
            var bytes: [UInt8] = trial % 2 == 0 ? [0xEF, 0xBB, 0xBF] : []
            let dirty = trial % 3 == 0
            for _ in 0..<Int.random(in: 0...40, using: &rng) {
                var pieces: [[UInt8]] = [Array("问".utf8), Array("ab".utf8), [0x0D], [0x20], Array("😀".utf8)]
                if dirty { pieces += [[0xE9], [0x80], [0xF0, 0x9F]] }
                for _ in 0..<Int.random(in: 0...12, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
                bytes += Bool.random(using: &rng) ? [0x0A] : [0x0D, 0x0A]
            }
            let path = dir.file("u\(trial)", bytes)
            let r = LineReader(source: try InputFile.open(path), bufferSize: 16)
            while let chunk = try r.nextChunk(minBytes: minBytes) {
                let chunkValid = chunk.bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
                chunk.forEachLine(checkingUTF8: true) { line in
                    #expect(line.knownValidUTF8 == chunkValid)
                    if line.knownValidUTF8 { knownLines += 1 }
                    let b = line.bytes
                    #expect(line.isValidUTF8(b) == UTF8Validation.isValid(b))
                    #expect((line.text != nil) == UTF8Validation.isValid(b))
                    if let cut = b.firstIndex(of: UInt8(ascii: "a")) {
                        let part = UnsafeBufferPointer(rebasing: b[(cut + 1)...])
                        #expect(line.isValidUTF8(part) == UTF8Validation.isValid(part))
                    }
                }
                chunk.forEachLine { #expect(!$0.knownValidUTF8) }  // not asked: nothing known
            }
        }
        #expect(knownLines > 0)
    }

    /// A line longer than the reader's limit stops the file with an error naming the file and
    /// the line, line by line and in chunks alike; the lines before it are read, and a line one
    /// byte shorter than the limit is not an error.
    @Test func aLineLongerThanTheLimitStopsTheFile() throws {
        let dir = try TempDir()
        let lines = ["short", String(repeating: "x", count: 63), "ok", String(repeating: "长", count: 30), "never"]
        let path = dir.file("long.txt", Array(lines.joined(separator: "\n").utf8))
        let direct = LineReader(source: try InputFile.open(path), bufferSize: 16, maxLineBytes: 64)
        var seen: [String] = []
        #expect(throws: FormatsError.lineTooLong(path: path, line: 4, limit: 64)) {
            while try direct.nextRaw({ seen.append(String(decoding: $0.bytes, as: UTF8.self)) }) {}
        }
        #expect(seen == Array(lines.prefix(3)))
        // In chunks the error comes as the long line is reached (the source then fails whole,
        // so the lines of the unfinished chunk before it do not matter).
        let chunked = LineReader(source: try InputFile.open(path), bufferSize: 16, maxLineBytes: 64)
        #expect(throws: FormatsError.lineTooLong(path: path, line: 4, limit: 64)) {
            while try chunked.nextChunk(minBytes: 1) != nil {}
        }
        #expect(FormatsError.lineTooLong(path: path, line: 4, limit: 64).description.contains("Line 4 of \(path)"))
    }

    /// A chunk that finds no place to end within the limit (a `.conv` session with no `E` line
    /// after it) stops the file with an error naming the line its chunk starts at, rather than
    /// growing with the file; sessions up to the limit, and one long line after a short start,
    /// are read as usual.
    @Test func aChunkWithNoPlaceToEndStopsTheFile() throws {
        let dir = try TempDir()
        let isE: (RawLine) -> Bool = { $0.bytes.first == UInt8(ascii: "E") }
        // Sessions of 20 bytes, then one that never ends.
        let text = "E\nM aaaa\nM bbbb\nE\nM cc\n" + String(repeating: "M dddd\n", count: 40)
        let path = dir.file("s.conv", Array(text.utf8))
        let reader = LineReader(source: try InputFile.open(path), bufferSize: 16, maxLineBytes: 64)
        var firstLines: [Int] = []
        #expect(throws: FormatsError.recordTooLong(path: path, line: 4, limit: 64)) {
            while let chunk = try reader.nextChunk(minBytes: 8, cutBefore: isE) { firstLines.append(chunk.firstLine) }
        }
        #expect(firstLines == [1])
        // Within the limit, the same layout is read whole.
        let short = dir.file("t.conv", Array(("E\nM aaaa\nE\n" + String(repeating: "M d\n", count: 10)).utf8))
        let ok = LineReader(source: try InputFile.open(short), bufferSize: 16, maxLineBytes: 64)
        var lines = 0
        while let chunk = try ok.nextChunk(minBytes: 8, cutBefore: isE) { lines += chunk.lineCount }
        #expect(lines == 13)
        // A line nearly as long as the limit after a few short ones is no error.
        let long = dir.file("u.txt", Array(("a\nb\n" + String(repeating: "x", count: 60) + "\n").utf8))
        let fine = LineReader(source: try InputFile.open(long), bufferSize: 16, maxLineBytes: 64)
        lines = 0
        while let chunk = try fine.nextChunk(minBytes: 8, cutBefore: isE) { lines += chunk.lineCount }
        #expect(lines == 3)
        #expect(
            FormatsError.recordTooLong(path: path, line: 4, limit: 64).description.contains("line 4 of \(path)"))
    }

    /// A chunk ends only before a line `cutBefore` accepts (once it holds `minBytes`), or at
    /// `maxLines` lines.
    @Test func chunksEndWhereAllowed() throws {
        let dir = try TempDir()
        let path = dir.file("s", Array("E\nM a\nM b\nE\nM c\nE\nE\nM d\n".utf8))
        let r = try LineReader(path: path)
        var firsts: [String] = []
        while let chunk = try r.nextChunk(minBytes: 1, cutBefore: { $0.bytes.first == UInt8(ascii: "E") }) {
            var lines: [String] = []
            chunk.forEachLine { lines.append(String(decoding: $0.bytes, as: UTF8.self)) }
            firsts.append(lines.joined(separator: ","))
        }
        #expect(firsts == ["E,M a,M b", "E,M c", "E", "E,M d"])
        let limited = try LineReader(path: path)
        #expect(try limited.nextChunk(minBytes: .max, maxLines: 2)?.lineCount == 2)
        #expect(try limited.nextChunk(minBytes: .max)?.firstLine == 3)
        #expect(try limited.nextChunk(minBytes: 1) == nil)
    }
}
