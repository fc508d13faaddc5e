import Formats
import Foundation
import Pipelines
import Testing

@Suite struct BELLETests {
    @Test func everyLayoutOnTheFixtures() throws {
        let r = try Golden.run(.belle)
        let c = r.manifest.counts
        #expect(c.balanced)
        #expect(
            c.malformed == [
                "empty-record": 1, "invalid-json": 2, "unknown-layout": 1, "unknown-role": 1, "wrong-type": 2,
            ])
        #expect(c.rejected == ["duplicate": 1, "role-order": 1])
        // One seed task record, two conversations: counted once as a record.
        #expect(c.conversationsWritten == c.kept + 1)
        // instruction + input on a new line; leading newlines of the output trimmed.
        #expect(r.output.contains(#""value":"给定一个英文句子，翻译成中文。\nI love learning Chinese."}"#))
        #expect(r.output.contains(#"{"from":"gpt","value":"秋风起，落叶黄，\n大雁南飞归故乡。"}"#))
        // input/target, conversations with ids (numeric too), seed instances.
        #expect(r.output.contains(#""value":"请解释什么是光合作用。"}"#))
        #expect(r.output.contains(#"{"id":"belle:66623028""#) && r.output.contains(#"{"id":"belle:66623031""#))
        #expect(r.output.contains(#"{"id":"belle:seed_task_0#2""#))
        // Markers only at line starts: quoted or mid-line markers are text.
        #expect(
            r.output.contains(
                #"{"from":"human","value":"再写一句，提到\"Human:\"这个词。"},{"from":"gpt","value":"在对话记录里，\"Human:\"表示用户说的话。"}"#)
        )
        #expect(
            r.output.contains(
                #"{"from":"human","value":"第一行\n继续第一行"},{"from":"gpt","value":"回答"},{"from":"human","value":"用代码打印 Assistant: 这个词"}"#
            ))
        #expect(r.output.contains(#"\"speakers\":\"小明, 小红\""#))
        // Positions: lines for JSON Lines, byte offsets for arrays.
        #expect(r.rejects.contains(#""origin":{"file":"alpaca_zh.json","byte":154}"#))
        #expect(r.rejects.contains(#""origin":{"file":"bad_records.json","line":5}"#))
    }

    @Test(arguments: [
        ("Human:a\nAssistant:b\nHuman:c\nAssistant:", ["human:a", "gpt:b", "human:c"]),
        ("Human: a\nAssistant: b\nHuman: c\nAssistant:", ["human:a", "gpt:b", "human:c"]),
        ("Human:说 Assistant: 不是标记\nAssistant:", ["human:说 Assistant: 不是标记"]),
    ])
    func multiturnHistory(_ instruction: String, _ expected: [String]) throws {
        let record = JSONValue.object([
            ("instruction", .string(instruction)), ("input", .string("")), ("output", .string("答")),
        ])
        let origin = RecordOrigin(file: "f", line: 1, ordinal: 1)
        let conversations = try BELLETestSupport.convert(record, origin: origin)
        #expect(conversations.first?.turns.dropLast().map { "\($0.role.rawValue):\($0.text)" } == expected)
        #expect(conversations.first?.turns.last?.text == "答")
    }

    /// The history parser against a line-by-line statement of the rule, on random histories
    /// built from markers, spaces, line breaks (CR LF too) and text.
    @Test func multiturnHistoryMatchesTheLineRule() throws {
        func reference(_ instruction: String) -> [String]? {
            guard instruction.hasPrefix("Human:") else { return nil }
            var turns: [(Role, String)] = []
            let lines = instruction.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
            for line in lines.map({ String(decoding: $0, as: UTF8.self) }) {
                var marker: (Role, String)?
                if line.utf8.starts(with: "Human:".utf8) { marker = (.human, "Human:") }
                if line.utf8.starts(with: "Assistant:".utf8) { marker = (.gpt, "Assistant:") }
                if let (role, m) = marker {
                    var rest = String(decoding: line.utf8.dropFirst(m.utf8.count), as: UTF8.self)
                    if rest.utf8.first == 0x20 { rest = String(decoding: rest.utf8.dropFirst(), as: UTF8.self) }
                    turns.append((role, rest))
                } else if !turns.isEmpty {
                    turns[turns.count - 1].1 += "\n" + line
                }
            }
            guard let last = turns.last, last.0 == .gpt, last.1.allSatisfy(\.isWhitespace) else { return nil }
            return turns.dropLast().map { "\($0.0.rawValue):\($0.1)" }
        }
        let pieces = ["Human:", "Assistant:", " ", "\n", "\r\n", "你好", "a", "Human", ":", "\"Human:\""]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            var text = "Human:"
            for _ in 0..<Int.random(in: 0..<12, using: &rng) { text += pieces.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { text += "\nAssistant:" }
            let record = JSONValue.object([
                ("instruction", .string(text)), ("input", .string("")), ("output", .string("答")),
            ])
            let turns = try BELLETestSupport.convert(record, origin: RecordOrigin(file: "f", line: 1, ordinal: 1))[0]
                .turns
            let expected = reference(text)
            if let expected {
                #expect(
                    turns.dropLast().map { "\($0.role.rawValue):\($0.text)" } == expected, "\(text.debugDescription)")
            } else {
                #expect(turns.count == 2 && turns[0].text == text, "\(text.debugDescription)")
            }
        }
    }

    @Test func jsonArrayStreamsElementByElement() throws {
        let dir = try TempDir()
        let path = dir.path + "/a.json"
        var text = "[\n"
        for i in 0..<5000 { text += (i > 0 ? ",\n" : "") + #"{"input": "问题\#(i) [x] {y}", "target": "答案\"\#(i)\""}"# }
        text += "\n]\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try JSONRecordReader(path: path)
        #expect(reader.layout == .array)
        var n = 0
        while let item = try reader.next() {
            guard case .value(let v, _, _) = item else {
                Issue.record("bad item"); break
            }
            #expect(v["target"]?.string == "答案\"\(n)\"", "\(v)")
            n += 1
        }
        #expect(n == 5000)
    }

    @Test func realSamplesGiveTheExpectedTurns() throws {
        let samples = Golden.fixtures.appendingPathComponent("../../../../shared/sources/samples/belle").standardized
            .path
        guard FileManager.default.fileExists(atPath: samples) else { return }  // ../shared absent
        let out = try TempDir()
        var o = RunOptions.goldenDefaults
        o.recipe.t2s = false
        var runner = SourceRunner(
            source: .belle, files: try InputResolver.files(for: .belle, at: samples), outputRoot: out.path, options: o)
        runner.log = { _ in }
        let report = runner.run()
        let c = report.manifest.counts
        #expect(c.malformedTotal == 0)
        #expect(c.rejectedTotal == 0)
        let output = Golden.read("\(out.path)/belle/belle-00000.jsonl")
        // multiturn: the history's two human turns, the answer between, the output last.
        #expect(
            output.contains(
                #"{"from":"human","value":"请根据题材「健身房」，写一篇800字的文章。"},{"from":"gpt","value":"好的，以下是由我生成的800字「健身房」题材文章："#))
        #expect(output.contains(#"{"from":"human","value":"请从上文摘取三个句子进行打分。"}"#))
        // generated chat: speakers recorded.
        #expect(output.contains(#"\"speakers\":\"Alice, Bob\""#))
        // converted training files keep their ids.
        #expect(output.contains(#"{"id":"belle:bellemath42""#))
    }
}
