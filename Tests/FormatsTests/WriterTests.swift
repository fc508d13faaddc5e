import Foundation
import Testing

@testable import Formats

private func sample(_ turns: [(Role, String)], metadata: [String: String] = [:]) -> Conversation {
    Conversation(
        id: "s:f:1", source: "s", turns: turns.map { Turn($0.0, $0.1) }, metadata: metadata,
        origin: RecordOrigin(file: "f", line: 1, ordinal: 1))
}

@Suite struct WriterTests {
    @Test func jsonlShareGPTEscapes() throws {
        var out: [UInt8] = []
        JSONLEncoder().encode(
            sample([(.human, "a\"b\\c\n\t\u{01}"), (.gpt, "好\u{2028}")], metadata: ["z": "1", "a": "2"]), into: &out)
        let line = String(decoding: out, as: UTF8.self)
        #expect(
            line
                == #"{"id":"s:f:1","source":"s","conversations":[{"from":"human","value":"a\"b\\c\n\t\u0001"},{"from":"gpt","value":"好"#
                + "\u{2028}" + #""}],"metadata":"{\"a\":\"2\",\"z\":\"1\"}"}"# + "\n")
        let parsed = try JSONSerialization.jsonObject(with: Data(out.dropLast())) as? [String: Any]
        let turns = parsed?["conversations"] as? [[String: String]]
        #expect(turns?[0]["value"] == "a\"b\\c\n\t\u{01}")
    }

    /// The escaper reads sixteen bytes at a time and a chunk of bytes per buffer: every byte
    /// that needs an escape is escaped at every offset, in texts longer than a chunk too, and
    /// what it writes parses back to the text.
    @Test func jsonEscapingAtEveryOffsetAndAcrossChunks() throws {
        func reference(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            for b in bytes {
                switch b {
                case 0x22: out += Array(#"\""#.utf8)
                case 0x5C: out += Array(#"\\"#.utf8)
                case 0x0A: out += Array(#"\n"#.utf8)
                case 0x0D: out += Array(#"\r"#.utf8)
                case 0x09: out += Array(#"\t"#.utf8)
                case ..<0x20: out += Array(String(format: "\\u%04x", b).utf8)
                default: out.append(b)
                }
            }
            return out
        }
        let specials: [UInt8] = [0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x00, 0x01, 0x08, 0x0C, 0x1F]
        let plain = Array("好a\u{7F}".utf8)  // a CJK character, a letter, DEL (never escaped)
        var texts: [[UInt8]] = []
        for length in [0, 1, 15, 16, 17, 31, 32, 33, 47] {
            let base = (0..<length).map { plain[$0 % plain.count] }
            texts.append(base)
            for offset in 0..<length {
                for special in specials {
                    var t = base
                    t[offset] = special
                    texts.append(t)
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let length = Int(rng.next() % UInt64(3 * JSONString.escapeChunk))
            var text: [UInt8] = []
            while text.count < length {
                switch rng.next() % 8 {
                case 0: text.append(specials[Int(rng.next() % UInt64(specials.count))])
                case 1, 2: text += plain[0..<3]
                default: text.append(plain[3])
                }
            }
            texts.append(text)
        }
        for text in texts {
            var out: [UInt8] = [0x2A]  // appended after what is there
            text.withUnsafeBufferPointer { JSONString.appendEscaped(bytes: $0, to: &out) }
            #expect(out == [0x2A] + reference(text), "\(text)")
            // A special over a byte of 好 leaves bytes that are no UTF-8: escaped all the same.
            guard String(bytes: text, encoding: .utf8) != nil else { continue }
            if let decoded = try JSONSerialization.jsonObject(
                with: Data([0x22] + out.dropFirst() + [0x22]), options: .fragmentsAllowed) as? String
            {
                #expect(Array(decoded.utf8) == text)
            } else {
                Issue.record("not a JSON string: \(text)")
            }
        }
    }

    /// Decimals of every width: each power of ten and its neighbours, the extremes, and random
    /// numbers, as Swift spells their magnitude.
    @Test func decimalsOfEveryWidth() {
        var numbers: [Int] = [0, 1, 9, Int.max, Int.min, Int.min + 1, -1]
        var power = 1
        for _ in 1...18 {
            power *= 10
            numbers += [power - 1, power, power + 1, -power]
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            numbers.append(Int.random(in: Int.min...Int.max, using: &rng) >> Int.random(in: 0..<63, using: &rng))
        }
        var digits = [UInt8](repeating: 0, count: 20)
        for n in numbers {
            let count = digits.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.map { JSONString.writeDecimal(n, to: $0) } ?? 0
            }
            #expect(String(decoding: digits[0..<count], as: UTF8.self) == String(n.magnitude), "\(n)")
            var out: [UInt8] = [0x2A]
            JSONString.appendDecimal(n, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == "*" + String(n), "\(n)")
        }
    }

    /// Lines with nothing to escape, byte for byte: every layout, ordinals of every width (and a
    /// negative one), empty texts and long ones, appended after what the buffer holds.
    @Test(arguments: [ConversationLayout.sharegpt, .messages])
    func plainLinesByteForByte(_ layout: ConversationLayout) throws {
        let (human, gpt, list) =
            layout == .sharegpt
            ? (#"{"from":"human","value":""#, #"{"from":"gpt","value":""#, "conversations")
            : (#"{"role":"user","content":""#, #"{"role":"assistant","content":""#, "messages")
        var rng = SystemRandomNumberGenerator()
        for ordinal in [0, 7, 10, 99_999, 1 << 40, Int.max, -12] {
            for length in [0, 1, 15, 300, 2_100, 5_000] {
                let alphabet = Array("ab中文😀 /")
                let texts = (0..<(1 + Int.random(in: 0..<4, using: &rng))).map { _ in
                    String((0..<length).map { _ in alphabet[Int.random(in: alphabet.indices, using: &rng)] })
                }
                let c = Conversation.session(
                    source: "src", origin: RecordOrigin(file: "a.txt", line: 1, ordinal: ordinal), utterances: texts)
                var out: [UInt8] = [1, 2]  // appended after what is there
                JSONLEncoder(layout: layout).encode(c, into: &out)
                let turns = zip(c.turns.indices, c.turns).map { i, t in
                    (i > 0 ? "," : "") + (t.role == .human ? human : gpt) + t.text + "\"}"
                }
                let expected =
                    #"{"id":"src:a.txt:\#(ordinal)","source":"src",""# + list + "\":[" + turns.joined() + "]"
                    + #","metadata":"{}"}"# + "\n"
                #expect(out.prefix(2) == [1, 2])
                #expect(String(decoding: out.dropFirst(2), as: UTF8.self) == expected, "\(ordinal) \(length)")
            }
        }
    }

    /// A record of a batch written with its batch's head is the line ``JSONLEncoder`` writes for
    /// it otherwise: in one piece, or (texts to escape, metadata) the long way.
    @Test(arguments: [ConversationLayout.sharegpt, .messages])
    func batchRecordsWithTheirHeadAreTheSameLines(_ layout: ConversationLayout) {
        let encoder = JSONLEncoder(layout: layout)
        var batch = ByteBatch(source: "s\"rc", file: "dir/文件.txt", arena: TextArena())
        let texts = ["你好", "", "a\"b", "tab\there", "😀 x", String(repeating: "長", count: 3000)]
        var rng = SystemRandomNumberGenerator()
        for ordinal in [0, 1, 9, 10, 99_999, 1 << 40, Int.max, -3] {
            let n = 1 + Int.random(in: 0..<4, using: &rng)
            batch.append(
                line: 1, ordinal: ordinal, texts: (0..<n).map { _ in .owned(texts.randomElement(using: &rng) ?? "") })
            // Openings with nothing to escape and with something, other metadata.
            if ordinal == 9 { batch.setMetadata(batch.count - 1, ["opening": "開場"]) }
            if ordinal == 10 { batch.setMetadata(batch.count - 1, ["opening": "開\n場"]) }
            if ordinal == 99_999 { batch.setMetadata(batch.count - 1, ["opening": "開場", "label": "1"]) }
        }
        let head = encoder.head(of: batch)
        for r in 0..<batch.count {
            var fast: [UInt8] = [7]
            var plain: [UInt8] = [7]
            batch.withRecord(r) { encoder.encode($0, head: head, into: &fast) }
            encoder.encode(batch.byteConversation(r), into: &plain)
            #expect(fast == plain, "\(String(decoding: plain, as: UTF8.self))")
        }
    }

    /// Records written as encoded runs make the same shards as records written one by one,
    /// whatever the shard size, the runs' lengths, and the line counts (a TSV record may have
    /// none or several); the buffer fills and drains at the same places.
    @Test(arguments: [1, 2, 3, 50, 1000])
    func encodedRunsMakeTheSameShards(shardRecords: Int) throws {
        var rng = SystemRandomNumberGenerator()
        var records: [[UInt8]] = []
        var lines: [Int] = []
        for i in 0..<400 {
            let size = [10, 300, 70_000][Int.random(in: 0..<3, using: &rng)]
            records.append(Array("\(i):\(String(repeating: "x", count: size))\n".utf8))
            lines.append(Int.random(in: 0..<3, using: &rng))
        }
        func shards(_ write: (ShardWriter) throws -> Void) throws -> [(ShardInfo, [UInt8])] {
            let dir = try TempDir()
            let w = ShardWriter(
                directory: dir.path, relativeDirectory: "", prefix: "s", fileExtension: "tsv", compression: .zstd,
                level: 1, shardRecords: shardRecords)
            try write(w)
            return try w.finish().map {
                ($0, Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/\($0.path)"))))
            }
        }
        let one = try shards { w in
            for (record, n) in zip(records, lines) {
                try w.write { out in
                    out.append(contentsOf: record); return n
                }
            }
        }
        let runs = try shards { w in
            var k = 0
            while k < records.count {
                let count = min(records.count - k, Int.random(in: 1..<60, using: &rng))
                var bytes: [UInt8] = []
                var ends: [Int] = []
                let offset = 1_000  // as where a run starts in a worker's bytes
                for record in records[k..<(k + count)] {
                    bytes += record
                    ends.append(offset + bytes.count)
                }
                try bytes.withUnsafeBufferPointer { b in
                    try w.write(encoded: b, ends: ends[...], offset: offset, lines: lines[k..<(k + count)])
                }
                k += count
            }
        }
        #expect(one.map(\.0) == runs.map(\.0))
        #expect(one.map(\.1) == runs.map(\.1))
        #expect(one.count > 1 || shardRecords == 1000)
    }

    @Test func jsonlMessagesLayout() {
        var out: [UInt8] = []
        JSONLEncoder(layout: .messages).encode(sample([(.human, "q"), (.gpt, "a")]), into: &out)
        #expect(
            String(decoding: out, as: UTF8.self)
                == #"{"id":"s:f:1","source":"s","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}],"metadata":"{}"}"#
                + "\n")
    }

    @Test(arguments: [
        ("a\\b", "a\\\\b"), ("tab\there", "tab\\there"), ("l1\nl2", "l1\\nl2"), ("cr\r", "cr\\r"), ("纯文本", "纯文本"),
    ])
    func tsvEscaping(_ raw: String, _ escaped: String) {
        var out: [UInt8] = []
        let n = TSVEncoder().encode(sample([(.human, raw), (.gpt, "x")]), into: &out)
        #expect(n == 1)
        #expect(String(decoding: out, as: UTF8.self) == "\(escaped)\tx\n")
    }

    @Test func tsvPairsConsecutiveTurnsWithOpening() {
        var out: [UInt8] = []
        let c = sample([(.human, "b"), (.gpt, "c")], metadata: ["opening": "a"])
        #expect(TSVEncoder().encode(c, into: &out) == 2)
        #expect(String(decoding: out, as: UTF8.self) == "a\tb\nb\tc\n")
    }

    /// Through `finish()`, or its two halves: `complete()` gives the shards' sizes and digests
    /// at once, and once `waitUntilRenamed()` returns they are under their final names with
    /// those very bytes.
    @Test(arguments: [false, true])
    func shardsRotateAndRecordDigests(inTwoHalves: Bool) throws {
        let dir = try TempDir()
        let w = ShardWriter(
            directory: dir.path, relativeDirectory: "src", prefix: "src", fileExtension: "jsonl",
            compression: .zstd, level: 3, shardRecords: 2)
        for i in 0..<5 {
            try w.write { out in
                out.append(contentsOf: "{\"n\":\(i)}\n".utf8); return 1
            }
        }
        let shards: [ShardInfo]
        if inTwoHalves {
            shards = try w.complete()
            try w.waitUntilRenamed()
        } else {
            shards = try w.finish()
        }
        #expect(
            shards.map(\.path) == ["src/src-00000.jsonl.zst", "src/src-00001.jsonl.zst", "src/src-00002.jsonl.zst"])
        #expect(shards.map(\.records) == [2, 2, 1])
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["src-00000.jsonl.zst", "src-00001.jsonl.zst", "src-00002.jsonl.zst"])  // no .partial left
        for s in shards {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/\(s.path.dropFirst(4))")))
            #expect(UInt64(bytes.count) == s.bytes)
            #expect(try SHA256Digest.hex(of: bytes) == s.sha256)
        }
        let r = try LineReader(path: "\(dir.path)/src-00001.jsonl.zst")
        #expect(try r.next()?.text == #"{"n":2}"#)
    }

    /// Shards are synced and renamed off the writing thread; a rename that fails still fails
    /// the writer, at `finish()` at the latest.
    @Test func aShardThatCannotBeRenamedFailsTheWriter() throws {
        let dir = try TempDir()
        // The second shard's final name is taken by a folder that is not empty.
        try FileManager.default.createDirectory(
            atPath: "\(dir.path)/src-00001.jsonl/x", withIntermediateDirectories: true)
        let w = ShardWriter(
            directory: dir.path, relativeDirectory: "src", prefix: "src", fileExtension: "jsonl",
            compression: .none, level: 1, shardRecords: 1)
        var thrown: (any Error)?
        do {
            for i in 0..<3 {
                try w.write { out in
                    out.append(contentsOf: "{\"n\":\(i)}\n".utf8); return 1
                }
            }
            _ = try w.finish()
        } catch {
            thrown = error
        }
        guard case .renameFailed(_, let to, _)? = thrown as? FormatsError else {
            Issue.record("expected a rename failure, got \(String(describing: thrown))")
            return
        }
        #expect(to.hasSuffix("/src-00001.jsonl"))
        // The shard before it was renamed as usual.
        #expect(FileManager.default.fileExists(atPath: "\(dir.path)/src-00000.jsonl"))
    }

    /// A file many times longer than the stretch after which a background sync starts is
    /// written whole, in order, with its digest: the syncs change nothing written.
    @Test func aLongFileIsWrittenWholeAcrossBackgroundSyncs() throws {
        let dir = try TempDir()
        let path = "\(dir.path)/long.bin"
        let out = try FileOutput(path: path)
        var x: UInt32 = 1
        let source = (0..<(6 << 20)).map { _ -> UInt8 in
            x = x &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: x >> 24)
        }
        var expected: [UInt8] = []
        // Pieces of uneven sizes and offsets, some larger than the writer's buffer.
        var at = 0
        for size in [1, 999_999, 1 << 20, 3 << 20, 12_345, 5 << 20] + Array(repeating: 777_777, count: 20) {
            at = (at + 4_099) % (1 << 20)
            let piece = source[at..<(at + size)]
            expected += piece
            try out.write(Array(piece))
        }
        #expect(expected.count > 20 * FileOutput.earlySyncBytes)
        let sha = try out.close()
        let written = Array(try #require(FileManager.default.contents(atPath: path)))
        #expect(written == expected)
        #expect(sha == (try SHA256Digest.hex(of: expected)))
    }

    /// A background sync that fails fails the file when it is closed; one that succeeds does not.
    ///
    /// The last `fsync` succeeds either way (it may, for bytes a failed sync lost). Bytes reach
    /// the kernel 256 KiB at a time here, so a background sync starts.
    @Test(arguments: [true, false])
    func aFailedBackgroundSyncFailsTheFile(fails: Bool) throws {
        let dir = try TempDir()
        let path = "\(dir.path)/synced.bin"
        let out = try FileOutput(path: path) { _ in fails ? EIO : nil }
        for _ in 0..<8 { try out.write([UInt8](repeating: 7, count: FileOutput.earlySyncBytes / 2)) }
        if fails {
            #expect(throws: FormatsError.writeFailed(path: path, errno: EIO)) { _ = try out.close() }
        } else {
            _ = try out.close()
            #expect(try #require(FileManager.default.contents(atPath: path)).count == 4 * FileOutput.earlySyncBytes)
        }
    }

    @Test func sha256KnownVector() throws {
        #expect(
            try SHA256Digest.hex(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
