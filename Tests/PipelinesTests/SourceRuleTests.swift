import Formats
import Foundation
import Pipelines
import Testing

/// The per-source rules of the six classic sources, on their fixtures.
@Suite struct SourceRuleTests {
    @Test func chatterbot() throws {
        let r = try Golden.run(.chatterbot)
        let c = r.manifest.counts
        #expect(c.malformed == ["invalid-yaml": 1, "unknown-layout": 1, "wrong-type": 1])
        #expect(c.rejected == ["duplicate": 1, "too-few-turns": 1])
        #expect(r.output.contains(#"{"from":"human","value":"1963"},{"from":"gpt","value":"「我知道。」"}"#))
        #expect(r.output.contains(#""value":"多行的\n块标量""#))
        #expect(r.output.contains(#""value":"-5度冷吗""#))  // no character-set stripping
        #expect(r.output.contains(#"\"categories\":\"greetings, 问候\""#))
        #expect(r.rejects.contains(#""origin":{"file":"chinese/broken.yml","line":6}"#))
    }

    @Test func chatterbotTSVPairsConsecutiveTurns() throws {
        var o = RunOptions.goldenDefaults
        o.format = .tsv
        let r = try Golden.run(.chatterbot, options: o)
        #expect(r.output.contains("早上好，你好吗?\t我挺好的，你呢\n我挺好的，你呢\t我也还不错\n我也还不错\t那很好.\n那很好.\t是啊.\n"))
    }

    @Test func douban() throws {
        let r = try Golden.run(.douban)
        let c = r.manifest.counts
        #expect(c.rejected["negative-candidate"] == 3)
        #expect(c.rejected["duplicate"] == 1)
        #expect(c.malformed == ["invalid-label": 1, "invalid-utf8": 1, "wrong-field-count": 2])
        #expect(r.output.contains(#""value":"I love you 北京！"},{"from":"gpt","value":"2010 08 30 15 49 53 见"}"#))
        #expect(r.output.contains(#""value":"正确回复一""#) && r.output.contains(#""value":"正确回复二""#))
        #expect(!r.output.contains(#"\"label\""#))  // extractor bookkeeping does not leak
        #expect(r.manifest.inputs.map(\.path) == ["dev.txt", "test.txt", "train.txt"])
    }

    @Test func ptt() throws {
        let r = try Golden.run(.ptt)
        let c = r.manifest.counts
        #expect(c.rejected == ["no-answer": 1])
        #expect(c.malformed == ["missing-separator": 1])
        // Spaces, U+3000 (as a space) and double spaces survive: the original lost these pairs.
        #expect(r.output.contains(#""value":"用了一整年 对她好一点  送专业干洗店吧""#))
        #expect(r.output.contains(#""value":"肥宅才看棒球 系垒一堆胖子""#))
        // An answer that only mentions 沒有資料 is kept.
        #expect(r.output.contains(#""value":"这篇讲的就是没有资料""#))
        #expect(r.output.contains(#""value":"「引号」怎么办？"},{"from":"gpt","value":"『双引号』也要保留""#))
        #expect(r.manifest.pipeline.contains { $0.id == "convert.t2s" })
    }

    @Test func subtitle() throws {
        let r = try Golden.run(.subtitle)
        #expect(r.output.contains(#"{"from":"human","value":"1/2 是多少"},{"from":"gpt","value":"AC/DC 乐队"}"#))
        #expect(r.output.contains(#""value":"这是哪一出啊  这是""#))
        #expect(r.output.contains(#""value":"没有结尾的E""#))  // last session, no closing E
        #expect(r.manifest.counts.malformed == ["stray-line": 1])
    }

    @Test(arguments: [
        ("畹/华/吾/侄/", "畹华吾侄"), ("1///2/", "1/2"), ("A/C///D/C/", "AC/DC"), ("a/b/c", "abc"),
        ("没有斜杠", "没有斜杠"), ("x", "x"), ("/", "/"), ("这/ / /是/", "这  是"),
    ])
    func unslash(_ input: String, _ expected: String) {
        #expect(SlashSegmentation.unslash(input) == expected)
    }

    /// The byte-level rewrite against the rule stated on characters, on random texts, segmented
    /// or not, through both entry points.
    @Test func unslashMatchesTheRuleOnRandomTexts() {
        func reference(_ text: String) -> String {
            let scalars = Array(text.unicodeScalars)
            guard scalars.count >= 2 else { return text }
            var out = String.UnicodeScalarView()
            var i = 0
            while i < scalars.count {
                out.append(scalars[i])
                if i + 1 < scalars.count, scalars[i + 1] != "/" { return text }
                i += 2
            }
            return String(out)
        }
        let characters: [String] = ["你", "a", "/", "é", "𠮷", " ", "1"]
        var rng = SystemRandomNumberGenerator()
        // The byte lane's texts go into one arena, and must all still read right at the end,
        // across the arena's many blocks.
        let arena = TextArena()
        var inputs: [[UInt8]] = []
        var lane: [(UnsafeBufferPointer<UInt8>, String)] = []
        for _ in 0..<20_000 {
            var text = ""
            let segmented = Bool.random(using: &rng)
            for _ in 0..<Int.random(in: 0..<10, using: &rng) {
                text += characters[Int.random(in: characters.indices, using: &rng)]
                if segmented, Int.random(in: 0..<20, using: &rng) > 0 { text += "/" }
            }
            #expect(SlashSegmentation.unslash(text) == reference(text), "\(text.debugDescription)")
            let joined = Array(text.utf8).withUnsafeBufferPointer { SlashSegmentation.join($0) }
            #expect(joined == reference(text))
            inputs.append(Array(text.utf8))
        }
        let big = Array(String(repeating: "字/", count: TextArena.blockBytes).utf8)  // larger than a block
        inputs.append(big)
        var unsegmented = 0
        for input in inputs {
            let expected = reference(String(decoding: input, as: UTF8.self))
            input.withUnsafeBufferPointer { bytes in
                guard case .borrowed(let b) = SlashSegmentation.joined(bytes, into: arena) else {
                    Issue.record("no text for \(input)")
                    return
                }
                if b.baseAddress == bytes.baseAddress {  // not segmented: the input's own bytes
                    #expect(String(decoding: b, as: UTF8.self) == expected)
                    unsegmented += 1
                } else {
                    lane.append((b, expected))
                }
            }
        }
        #expect(unsegmented > 1000 && lane.count > 1000)
        for (b, expected) in lane { #expect(String(decoding: b, as: UTF8.self) == expected) }
        #expect([UInt8]([0xE4, 0xBD, 0x2F]).withUnsafeBufferPointer { SlashSegmentation.join($0) } == nil)
    }

    @Test func tieba() throws {
        let r = try Golden.run(.tieba)
        #expect(r.output.contains(#""value":"有空格的 帖子"},{"from":"gpt","value":"回复 也有 空格""#))
        #expect(r.manifest.counts.malformed == ["wrong-field-count": 2])
        #expect(r.manifest.counts.rejected == ["duplicate": 1, "empty-turn": 1])
    }

    @Test func weibo() throws {
        let r = try Golden.run(.weibo)
        let c = r.manifest.counts
        #expect(c.malformed == ["invalid-utf8": 1, "unpaired-line": 1])
        #expect(c.kept == 5)
        // The uneven files are a warning in the manifest too, not only on stderr.
        #expect(
            r.manifest.warnings.contains {
                $0.contains("stc_weibo_train_post has 6 lines and stc_weibo_train_response has 7")
            })
        #expect(r.output.contains(#""value":"第四行\n有分隔符"},{"from":"gpt","value":"对齐没有错""#))
        #expect(r.output.contains(#""value":"最后一对"},{"from":"gpt","value":"最后的回复""#))
        #expect(r.output.contains(#""value":"I love you 北京！"},{"from":"gpt","value":"me too 北京""#))
    }

    /// What the Weibo extractor makes of a post and a response file, record by record.
    static func weiboRecords(post: String, response: String, chunkBytes: Int) throws -> (
        kinds: [String], warnings: [String]
    ) {
        let dir = try TempDir()
        try post.write(toFile: "\(dir.path)/stc_weibo_train_post", atomically: true, encoding: .utf8)
        try response.write(toFile: "\(dir.path)/stc_weibo_train_response", atomically: true, encoding: .utf8)
        let files = try InputResolver.files(for: .weibo, at: dir.path)
        var warnings: [String] = []
        var extractor = WeiboExtractor()
        extractor.chunkBytes = chunkBytes
        var kinds: [String] = []
        try extractor.extract(files: files, progress: { _ in }, warn: { warnings.append($0) }) { record in
            record.resolve { r in
                switch r {
                case .conversation(let c):
                    kinds.append("pair:\(c.origin.line):\(c.turns.map(\.text).joined(separator: "|"))")
                case .malformed(let i): kinds.append("\(i.kind.rawValue):\(i.file):\(i.line)")
                case .conversations(let group): kinds.append("group:\(group.count)")
                case .deferred, .chunk, .batch, .bytes: kinds.append("unresolved")
                }
            }
        }
        return (kinds, warnings)
    }

    /// Whatever the chunk size (one line per chunk, or the whole file), the pairs, the
    /// unpaired lines and the warning are the same.
    @Test(arguments: [1, 8, LineFile.chunkBytes])
    func weiboLongerPostFileWarnsAndCounts(chunkBytes: Int) throws {
        let (kinds, warnings) = try Self.weiboRecords(
            post: "一 二\n三 四\n五 六\n", response: "回 复\n", chunkBytes: chunkBytes)
        #expect(
            kinds == ["pair:1:一 二|回 复", "unpaired-line:stc_weibo_train_post:2", "unpaired-line:stc_weibo_train_post:3"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("stc_weibo_train_post has 3 lines and stc_weibo_train_response has 1") == true)
    }

    @Test(arguments: [1, 8, LineFile.chunkBytes])
    func weiboLongerResponseFileWarnsAndCounts(chunkBytes: Int) throws {
        let (kinds, warnings) = try Self.weiboRecords(
            post: "一\n二\n", response: "甲\r\n乙\n丙\n丁", chunkBytes: chunkBytes)
        #expect(
            kinds == [
                "pair:1:一|甲", "pair:2:二|乙", "unpaired-line:stc_weibo_train_response:3",
                "unpaired-line:stc_weibo_train_response:4",
            ])
        #expect(warnings.first?.contains("stc_weibo_train_post has 2 lines and stc_weibo_train_response has 4") == true)
    }

    @Test func weiboNeedsBothFiles() throws {
        let dir = try TempDir()
        try "一\n".write(toFile: "\(dir.path)/stc_weibo_train_post", atomically: true, encoding: .utf8)
        var runner = SourceRunner(
            source: .weibo, files: try InputResolver.files(for: .weibo, at: dir.path), outputRoot: dir.path + "/out",
            options: .goldenDefaults)
        runner.log = { _ in }
        let report = runner.run()
        #expect(report.failed)
        #expect(report.manifest.error?.contains("stc_weibo_train_response") == true)
    }

    /// A source that fails part-way reports the bytes it read, not its whole size, so the
    /// summary's MB/s for it is a rate: here a zstd file whose second frame is corrupt, read
    /// up to there.
    @Test func aFailedSourceReportsTheBytesItRead() throws {
        let dir = try TempDir()
        let path = dir.path + "/tieba.dialogues"
        var text = ""
        var x: UInt64 = 1
        for i in 0..<150_000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text += "问题\(i)\t回答\(x >> 40)\n"
        }
        let out = try FileOutput(path: path)
        let enc = try ZstdEncoder(sink: out, level: 3)
        try Array(text.utf8).withUnsafeBytes { try enc.write($0) }
        try enc.finish()
        _ = try out.close()
        let good = UInt64(try Data(contentsOf: URL(fileURLWithPath: path)).count)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([0x28, 0xB5, 0x2F, 0xFD] + Array(repeating: 0xAB, count: 4 << 20)))
        try handle.close()
        let total = good + 4 + (4 << 20)
        var runner = SourceRunner(
            source: .tieba, files: [InputFileRef(path: path, name: "tieba.dialogues", bytes: total)],
            outputRoot: dir.path + "/out", options: .goldenDefaults)
        runner.log = { _ in }
        let report = runner.run()
        #expect(report.failed)
        #expect(report.manifest.error?.contains("tieba.dialogues") == true)
        #expect(report.manifest.counts.read > 0)
        #expect(report.bytesIn > 0)
        #expect(report.bytesIn < good + (1 << 20), "read \(report.bytesIn) of \(total) bytes")
    }

    /// The 17 real chatterbot files (both versions) parse completely; without dedup the TSV view
    /// has Σ(turns − 1) pairs, the count FORMATS.md gives for each version.
    @Test(arguments: [("chinese", 552), ("chinese-v1.2.0", 564)])
    func chatterbotRealSamples(_ folder: String, _ pairs: Int) throws {
        let samples = Golden.fixtures.appendingPathComponent("../../../../shared/sources/samples/chatterbot/\(folder)")
            .standardized.path
        guard FileManager.default.fileExists(atPath: samples) else { return }  // ../shared absent
        let files = try FileManager.default.contentsOfDirectory(atPath: samples).filter { $0.hasSuffix(".yml") }
            .sorted()
        #expect(files.count == 17)
        let refs = files.map { InputFileRef(path: "\(samples)/\($0)", name: "chinese/\($0)", bytes: 1) }
        var o = RunOptions.goldenDefaults
        o.format = .tsv
        o.recipe.dedup = false
        let out = try TempDir()
        var runner = SourceRunner(source: .chatterbot, files: refs, outputRoot: out.path, options: o)
        runner.log = { _ in }
        let report = runner.run()
        #expect(report.manifest.counts.malformedTotal == 0)
        #expect(report.manifest.counts.rejectedTotal == 0)
        #expect(report.manifest.counts.outputLines == pairs)
    }

    /// A conversation that is a "billion laughs" of nested YAML aliases (nine levels of nine) is
    /// one malformed record whose raw bytes are its lines of the file (written out, it would be
    /// 43 million scalars), and the file's other conversations are read as usual.
    @Test func chatterbotAliasBombIsOneMalformedRecord() throws {
        let dir = try TempDir()
        var lines = [
            "categories:", "- x", "a0: &a0 [" + Array(repeating: #""lol""#, count: 9).joined(separator: ",") + "]",
        ]
        for i in 1...8 {
            lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ",") + "]")
        }
        lines += ["conversations:", "- - *a8", "  - ok", "- - 你好", "  - 你好呀"]
        let path = dir.path + "/laughs.yml"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var o = RunOptions.goldenDefaults
        o.keepRejects = true
        let out = try TempDir()
        var runner = SourceRunner(
            source: .chatterbot, files: [InputFileRef(path: path, name: "chinese/laughs.yml", bytes: 1)],
            outputRoot: out.path, options: o)
        runner.log = { _ in }
        let report = runner.run()
        #expect(report.manifest.counts.malformed == ["wrong-type": 1])
        #expect(report.manifest.counts.kept == 1)
        let rejects = Golden.read("\(out.path)/chatterbot/rejects-00000.jsonl")
        #expect(rejects.contains(#""raw":"- - *a8\n  - ok\n""#), "\(rejects)")
    }
}
