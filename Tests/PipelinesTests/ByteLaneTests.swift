import Formats
import Foundation
import Normalize
import Testing

@testable import Pipelines

/// The byte lane (records whose texts stay bytes while no step changes their shape) gives what the
/// general path gives: the same output, counts and step counts.
///
/// `--keep-rejects` keeps every record on the general path, so a run with it and one without
/// compare the two.
@Suite struct ByteLaneTests {
    /// Random input in each byte-lane source's format, with what sends a record to the general
    /// path or changes its text: odd sessions, empty and blank turns, full-width letters,
    /// zero-width characters, traditional characters, segmentation spaces, repeats, PTT's
    /// no-answer marker, invalid UTF-8.
    @Test(
        arguments: [Source.tieba, .ptt, .xiaohuangji, .subtitle, .weibo, .belle, .qingyun, .douban],
        [OutputFormat.jsonl, .tsv])
    func byteLaneMatchesTheGeneralPath(_ source: Source, format: OutputFormat) throws {
        let input = try TempDir()
        var rng = SeededGenerator(seed: 7)
        try Self.writeInput(source, to: input.path, rng: &rng)
        var general = RunOptions.goldenDefaults
        general.workers = 2
        general.batchSize = 5
        general.chunkBytes = 300
        general.format = format
        var lane = general
        lane.keepRejects = false
        let a = try Golden.run(source, at: input.path, options: general)
        let b = try Golden.run(source, at: input.path, options: lane)
        #expect(a.output.split(separator: "\n").count > 50)
        #expect(a.output == b.output)
        #expect(a.manifest.counts == b.manifest.counts)
        #expect(a.manifest.steps == b.manifest.steps)
        // The lane changed texts too: the normaliser and the converter modified records.
        #expect(b.manifest.steps.contains { $0.id == "normalize.text" && $0.modified > 0 })
        #expect(b.manifest.steps.contains { $0.id == "convert.t2s" && $0.modified > 0 })
    }

    /// BELLE's byte form of a record is the conversation its general path reads from the same
    /// record, roles included, wherever it gives one; the random records take both paths.
    @Test func belleByteFormIsTheGeneralPathsConversation() throws {
        var rng = SeededGenerator(seed: 11)
        func roll(_ n: Int) -> Int { Int.random(in: 0..<n, using: &rng) }
        func utterance() -> String { ["你好", "說話", "a\"b\\c", "", "Human:", "\n多行\n", "ＡＢ"][roll(7)] + "。" }
        var lane = 0
        var general = 0
        for ordinal in 1...3000 {
            let line = Self.belleRecord(roll, utterance)
            let origin = RecordOrigin(file: "f.json", line: ordinal, ordinal: ordinal)
            line.withUnsafeBufferPointer { bytes in
                _ = SimdJSON.withRecord(bytes) { value in
                    guard let fast = BELLERecord.byteConversation(value, source: "belle", origin: origin) else {
                        general += 1
                        return
                    }
                    lane += 1
                    let expected = try? BELLERecord.conversations(value.value(), source: "belle", origin: origin).get()
                    #expect(expected == [fast.conversation()], "\(String(decoding: line, as: UTF8.self))")
                }
            }
        }
        #expect(lane > 1000 && general > 500)
    }

    /// A byte conversation is the session its extractor would have built, and encodes to the
    /// same line and the same dedup key.
    @Test func byteConversationIsTheSession() {
        let texts = ["你好", "", "a\t\"b\"\\", "最後一句"]
        for count in 1...texts.count {
            let bytes = texts[..<count].map { Array($0.utf8) }
            let pointers = bytes.map { b in b.withUnsafeBufferPointer { $0 } }
            withExtendedLifetime(bytes) {
                let origin = RecordOrigin(file: "f", line: 3, ordinal: 2)
                let record = ByteConversation(source: "s", origin: origin, texts: pointers.map { .borrowed($0) })
                let c = record.conversation()
                #expect(c == Conversation.session(source: "s", origin: origin, utterances: Array(texts[..<count])))
                var a: [UInt8] = []
                var b: [UInt8] = []
                JSONLEncoder().encode(record, into: &a)
                JSONLEncoder().encode(c, into: &b)
                #expect(a == b)
                #expect(ExactDeduplicator.key(bytes: record) == ExactDeduplicator.key(for: c))
            }
        }
    }

    /// An odd session stays on the lane: its first utterance becomes the metadata's `opening`,
    /// which the converter after the role step converts, as on the general path.
    @Test func anOddSessionKeepsItsOpeningOnTheLane() throws {
        let converter = try ChineseConverter()
        var steps: [any PipelineStep] = [RolePairingStep(), ScriptConvertStep(converter: converter)]
        let texts = ["說話", "問", "答"]
        let bytes = texts.map { Array($0.utf8) }
        let origin = RecordOrigin(file: "f", line: 1, ordinal: 1)
        bytes[0].withUnsafeBufferPointer { b0 in
            bytes[1].withUnsafeBufferPointer { b1 in
                bytes[2].withUnsafeBufferPointer { b2 in
                    var lane = ByteConversation(
                        source: "s", origin: origin, texts: [.borrowed(b0), .borrowed(b1), .borrowed(b2)])
                    var general = lane.conversation()
                    var verdicts: [String] = []
                    for i in steps.indices {
                        verdicts.append("\(steps[i].applyBytes(&lane))")
                        _ = steps[i].apply(&general)
                    }
                    #expect(verdicts == ["modified", "modified"])
                    #expect(lane.metadata == ["opening": "说话"])
                    #expect(lane.conversation() == general)
                    #expect(general.turns.map(\.text) == ["问", "答"])
                }
            }
        }
    }

    /// A text counts as changed when its bytes change, even into a canonically equivalent
    /// character (U+F9BE → U+6599), which Swift's `==` calls equal: the conversion happens.
    @Test func aConversionToACanonicalEquivalentIsKept() throws {
        let dir = try TempDir()
        let path = dir.path + "/compat.txt"
        try "\u{F9BE}\t\u{6599}\n".write(toFile: path, atomically: true, encoding: .utf8)
        var step = ScriptConvertStep(converter: try ChineseConverter(dictionaries: [path]))
        var c = Conversation.pair(source: "s", origin: RecordOrigin(file: "f", line: 1, ordinal: 1), "原\u{F9BE}", "好")
        #expect(step.apply(&c) == .modified)
        #expect(Array(c.turns[0].text.unicodeScalars.map(\.value)) == [0x539F, 0x6599])
    }

    static func writeInput(_ source: Source, to dir: String, rng: inout SeededGenerator) throws {
        func roll(_ n: Int) -> Int { Int.random(in: 0..<n, using: &rng) }
        func utterance() -> String {
            let pieces = [
                "你好", "今天天氣很好", "我們", "北 京 ！", "ＡＢＣ１２", "zero\u{200B}width", " 前后空格 ", "",
                "　", "說話", "I love you", "1/2", "a\tb", "\"quoted\"", "沒有資料", "電腦軟體", "一般",
            ]
            return (0..<roll(3)).map { _ in pieces[roll(pieces.count)] }.joined()
        }
        var lines: [[UInt8]] = []
        switch source {
        case .tieba, .ptt:
            for _ in 0..<400 {
                let q = utterance()
                let a = roll(10) == 0 ? "沒有資料" : utterance()
                lines.append(Array("\(q)\t\(a)".replacingOccurrences(of: "a\tb", with: "ab").utf8))
                if roll(20) == 0 { lines.append(lines[roll(lines.count)]) }
                if roll(40) == 0 { lines.append([0xE4, 0xBD, 0x09, 0x41]) }
            }
            let name = source == .tieba ? "tieba.dialogues" : "Gossiping-QA-Dataset.txt"
            try write(lines, to: "\(dir)/\(name)")
        case .xiaohuangji, .subtitle:
            for _ in 0..<300 {
                lines.append(Array("E".utf8))
                for _ in 0..<(1 + roll(4)) {
                    var text = utterance().replacingOccurrences(of: "\t", with: " ")
                    if source == .subtitle, roll(3) > 0 { text = text.map { "\($0)/" }.joined() }
                    lines.append(Array("M \(text)".utf8))
                }
                if roll(40) == 0 { lines.append([0x4D, 0x20, 0xE4, 0xBD]) }
            }
            let name = source == .xiaohuangji ? "xiaohuangji50w_nofenci.conv" : "dgk_shooter_min.conv"
            try write(lines, to: "\(dir)/\(name)")
        case .weibo:
            var answers: [[UInt8]] = []
            for _ in 0..<400 {
                lines.append(Array(utterance().replacingOccurrences(of: "\t", with: " ").utf8))
                answers.append(
                    roll(40) == 0 ? [0xE4, 0xBD] : Array(utterance().replacingOccurrences(of: "\t", with: " ").utf8))
            }
            answers.append(Array("unpaired".utf8))
            try write(lines, to: "\(dir)/stc_weibo_train_post")
            try write(answers, to: "\(dir)/stc_weibo_train_response")
        case .douban:
            // Labels 1, 0 and others, sessions of one to four utterances, bad UTF-8.
            for _ in 0..<1000 {
                let label = ["1", "1", "1", "0", "0", "2", "10"][roll(7)]
                let turns = (0..<(1 + roll(4))).map { _ in utterance().replacingOccurrences(of: "\t", with: " ") }
                lines.append(Array(([label] + turns).joined(separator: "\t").utf8))
                if roll(20) == 0 { lines.append(lines[roll(lines.count)]) }
                if roll(40) == 0 { lines.append([0x31, 0x09, 0xE4, 0xBD, 0x09, 0x41]) }
            }
            try write(lines, to: "\(dir)/train.txt")
        case .qingyun:
            // Both separators, `{br}`, template markup, the persona's names, white space that
            // only the Unicode trim removes, a line without a bar, bad UTF-8.
            let extras = ["", "", "", "{br}", "{name}", "QQ", "菲菲", "\u{3000}", " | 竖线", "|"]
            for _ in 0..<400 {
                let q = utterance() + extras[roll(extras.count)]
                let a = extras[roll(extras.count)] + utterance() + extras[roll(extras.count)]
                lines.append(Array((roll(4) == 0 ? "\(q)|\(a)" : "\(q) | \(a)").utf8))
                if roll(20) == 0 { lines.append(lines[roll(lines.count)]) }
                if roll(40) == 0 { lines.append(Array("没有竖线".utf8)) }
                if roll(40) == 0 { lines.append([0xE4, 0xBD, 0x20, 0x7C, 0x20, 0x41]) }
            }
            try write(lines, to: "\(dir)/12万对话语料青云库.csv")
        case .belle:
            for _ in 0..<400 {
                lines.append(belleRecord(roll, utterance))
                if roll(20) == 0 { lines.append(lines[roll(lines.count)]) }
            }
            try write(lines, to: "\(dir)/train_mixed.json")
        default:
            Issue.record("no generator for \(source)")
        }
    }

    /// One random BELLE line: every layout, the lane's cases and the general path's (roles out
    /// of order or unknown, generated chats, instances, wrong types, unknown layouts, bad JSON).
    static func belleRecord(_ roll: (Int) -> Int, _ utterance: () -> String) -> [UInt8] {
        var record: [String: Any] = [:]
        switch roll(10) {
        case 0, 1, 2:
            let roles = [["human", "gpt"], ["user", "assistant"], ["human", "assistant"]][roll(3)]
            record["conversations"] = (0..<(1 + roll(5))).map { i -> [String: Any] in
                let from = roll(15) == 0 ? ["system", "gpt", "human"][roll(3)] : roles[i % 2]
                return ["from": from, "value": roll(25) == 0 ? 7 : utterance()]
            }
        case 3, 4:
            record["instruction"] = utterance()
            record["output"] = roll(30) == 0 ? NSNull() : "\n\n" + utterance()
            if roll(3) > 0 { record["input"] = roll(2) == 0 ? "" : utterance() }
        case 5, 6:
            var history = ""
            for i in 0..<(1 + roll(3)) * 2 - 1 {
                let marker = roll(20) == 0 ? "Human:" : i % 2 == 0 ? "Human:" : "Assistant:"
                history += "\(marker)\(utterance())\n" + (roll(5) == 0 ? "more Human: text\n" : "")
            }
            let ending = ["Assistant:", "Assistant: ", "Assistant:\u{3000}", "Assistant:x"][roll(4)]
            record["instruction"] = history + ending
            record["input"] = roll(10) == 0 ? "x" : ""
            record["output"] = utterance()
        case 7:
            if roll(2) == 0 {
                record["instruction"] = "角色信息：甲和乙。" + utterance()
                record["output"] = "甲: \(utterance())\n乙：\(utterance())"
            } else {
                record["input"] = utterance()
                record["target"] = roll(20) == 0 ? [1] : utterance()
            }
        case 8:
            record["instruction"] = utterance()
            record["instances"] = (0..<roll(3)).map { _ in ["input": utterance(), "output": utterance()] }
            if roll(2) == 0 { record["output"] = utterance() }  // instances come first
        default:
            switch roll(4) {
            case 0: return Array(#"{"instruction": "断了"#.utf8)
            case 1: return Array(#"{"input": "\ud800", "target": "x"}"#.utf8)
            case 2: record["question"] = utterance()
            default: return Array(#"[1, 2]"#.utf8)
            }
        }
        switch roll(6) {
        case 0: record["id"] = String(roll(1000))
        case 1: record["id"] = roll(1000)
        case 2: if roll(5) == 0 { record["id"] = 1.5 }
        default: break
        }
        // Sorted keys: the same bytes from the same seed.
        return Array((try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])) ?? Data())
    }

    static func write(_ lines: [[UInt8]], to path: String) throws {
        var data = Data()
        for line in lines {
            data.append(contentsOf: line)
            data.append(0x0A)
        }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
