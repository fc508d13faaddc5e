import Formats
import Foundation
import Testing

@testable import Pipelines

/// Each FastChat defect, on the ShareGPT fixture: the expected Markdown and rejections.
@Suite struct ShareGPTTests {
    static let result = Result { try Golden.run(.sharegpt) }

    private func answer(_ id: String) throws -> String? {
        let r = try Self.result.get()
        for line in r.output.split(separator: "\n") {
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                obj["id"] as? String == "sharegpt:\(id)",
                let turns = obj["conversations"] as? [[String: String]]
            else { continue }
            return turns.count > 1 ? turns[1]["value"] : nil
        }
        return nil
    }

    private func question(_ id: String) throws -> String? {
        let r = try Self.result.get()
        for line in r.output.split(separator: "\n") {
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                obj["id"] as? String == "sharegpt:\(id)", let turns = obj["conversations"] as? [[String: String]]
            else { continue }
            return turns.first?["value"]
        }
        return nil
    }

    @Test func counts() throws {
        let c = try Self.result.get().manifest.counts
        #expect(c.balanced)
        #expect(
            c.rejected == [
                "blocked-response": 1, "blocked-word": 1, "duplicate-content": 1, "duplicate-id": 1, "plugin": 1,
                "too-short": 1, "wrong-format": 1,
            ])
        #expect(c.malformed == ["invalid-json": 1, "unknown-role": 1, "wrong-type": 1])
    }

    @Test func codeKeepsBlankLinesAndLanguage() throws {
        #expect(try answer("code01") == "Here it is:\n\n```python\ndef f(x):\n\n    return x\n\n\nprint(f(1))\n```")
    }

    @Test func codeContainingAFenceGetsALongerOne() throws {
        #expect(try answer("code02") == "Like this:\n\n````markdown\n```python\nprint(1)\n```\n````")
    }

    @Test func listItemsHoldParagraphsAndCode() throws {
        #expect(
            try answer("list01") == """
                1. First step.

                   More about the first step.

                2. Second step:

                   ```bash
                   ls -la
                   ```

                3. Third, with a nested list:

                   - nested a
                   - nested b
                """)
    }

    @Test func tableCellsEscapePipesAndKeepBreaks() throws {
        #expect(
            try answer("table01")
                == "| Expr | Meaning |\n| --- | --- |\n| a \\| b | a or b |\n| line one<br>line two | two<br>words |")
    }

    @Test func inlineCodeWithBackticks() throws {
        #expect(try answer("inline01") == "Use ``a`b`` or `` `start `` in text, and snake_case_name stays.")
    }

    @Test func katexOnceAsTeX() throws {
        #expect(try answer("katex01") == "The sum $\\sum_{i=1}^n i$ equals:\n\n$$\n\\frac{n(n+1)}{2}\n$$")
    }

    @Test func paragraphsSeparatedOnlyByNewlinesStayApart() throws {
        #expect(try answer("paras01") == "First paragraph here.\n\nSecond paragraph here.")
    }

    @Test func humanTurnsAreKeptAsWritten() throws {
        #expect(try question("human01") == "#include <stdio.h>\nint main() {\n    if (a<b and b>c) return **kwargs;\n}")
    }

    @Test func regenerateCounterOnlyWhenItIsTheUIs() throws {
        #expect(try answer("counter01") == "1 / 2 cup of milk is enough for this recipe.")
        #expect(try answer("counter02") == "Sure, here is the regenerated answer.")
    }

    @Test func supAndSub() throws {
        #expect(try answer("sup01") == "E = mc<sup>2</sup> and H<sub>2</sub>O is water.")
    }

    @Test func blockedWordsOnlyInVisibleText() throws {
        #expect(try answer("blocked01") == nil)
        #expect(try answer("blocked02") == "See [the API docs](https://platform.openai.com/docs) for details.")
    }

    @Test func trimmingTruncationAndArtifacts() throws {
        #expect(try question("trim01") == "A real question comes here?")
        #expect(try answer("empty01") == "The good answer comes first.")
        #expect(try answer("copy01") == "Here is the text you wanted.")
        #expect(try answer("emptycode") == "Nothing to show:\n\nDone.")
    }

    @Test func richFormatting() throws {
        #expect(
            try answer("rich01") == """
                ## Title & more

                **Bold**, *italic*, [a link](https://example.com/a%20b) and ![an image](https://example.com/x.png).

                > Quoted text.

                ---

                - one
                - two
                  - two point one

                Cost: 5 * 3 = 15, not \\*emphasis*.
                """)
    }

    @Test func malformedElementIsCountedWithItsOffset() throws {
        let r = try Self.result.get()
        #expect(r.rejects.contains(#""reason":"invalid-json""#))
        #expect(
            r.manifest.malformedSamples.contains { $0.contains("sg_html.json:byte ") && $0.contains("invalid-json") })
    }

    /// The sharegpt source run over `input` with the golden options; the output folder lasts as
    /// long as the value returned with the report.
    private func run(_ input: String) throws -> (report: SourceReport, out: TempDir) {
        let out = try TempDir()
        var runner = SourceRunner(
            source: .sharegpt, files: try InputResolver.files(for: .sharegpt, at: input), outputRoot: out.path,
            options: .goldenDefaults)
        runner.log = { _ in }
        return (runner.run(), out)
    }

    @Test func realSample() throws {
        let sample = Golden.fixtures.appendingPathComponent("../../../../shared/sources/samples/sharegpt").standardized
            .path
        guard FileManager.default.fileExists(atPath: sample) else { return }  // ../shared absent
        let (report, out) = try run(sample)
        #expect(report.manifest.counts.kept == 1)
        let output = Golden.read("\(out.path)/sharegpt/sharegpt-00000.jsonl")
        // The trailing human turn is trimmed; the HTML answer becomes plain Markdown.
        #expect(output.contains(#"{"from":"gpt","value":"Yes, I am familiar with the SAS programming language."#))
        #expect(!output.contains("Can you write a SAS proc"))
        #expect(!output.contains("<div"))
    }

    /// A record read straight from simdjson's tape is the conversation the parsed value gives,
    /// and a record the value path refuses (with its reason) is not taken from the tape: ids,
    /// roles and fields of every wrong type, repeated keys, `plugins` null or not, `model` of
    /// another type.
    @Test(arguments: [
        #"{"id":"a","conversations":[{"from":"human","value":"q"},{"from":"gpt","value":"<p>a</p>"}]}"#,
        #"{"id":"a","conversations":[],"model":"m","plugins":null}"#,
        #"{"id":"a","conversations":[{"from":"gpt","value":"x"}],"plugins":{"p":1},"model":5}"#,
        #"{"id":"a","id":"b","conversations":[{"from":"human","from":"gpt","value":"1","value":"2"}]}"#,
        #"{"id":7,"conversations":[]}"#, #"{"conversations":[]}"#, #"{"id":"a"}"#, #"{"id":"a","conversations":{}}"#,
        #"{"id":"a","conversations":[{"from":"system","value":"x"}]}"#,
        #"{"id":"a","conversations":[{"from":"human"}]}"#,
        #"{"id":"a","conversations":[{"from":"human","value":null}]}"#,
        #"{"id":"a","conversations":["x"]}"#, #"[1]"#, #""s""#,
        #"{"id":"é\u00e9","conversations":[{"from":"human","value":"中\n"}]}"#,
    ])
    func tapeRecordsAreWhatTheParsedValueGives(_ json: String) throws {
        let origin = RecordOrigin(file: "f.json", line: 1, ordinal: 1)
        let bytes = Array(json.utf8)
        let value = try bytes.withUnsafeBufferPointer { try JSONRecordReader.parseRecord($0).get() }
        let expected = try? ShareGPTExtractor().conversation(value, origin: origin)
        let fromTape: Conversation?? = bytes.withUnsafeBufferPointer { b in
            SimdJSON.withRecord(b) { ShareGPTExtractor.conversation(tape: $0, source: "sharegpt", origin: origin) }
        }
        #expect(fromTape == .some(expected))
    }

    /// An answer nested tens of thousands of elements deep (which would overflow a worker's
    /// stack in the Markdown walker) is rejected as `html-error` with the reason, and the
    /// records around it are written: the run goes on.
    @Test func aTooDeeplyNestedAnswerIsRejectedAndTheRunGoesOn() throws {
        let input = try TempDir()
        let human = #"{"from": "human", "value": "a question long enough to keep"}"#
        func record(_ id: String, _ html: String) -> String {
            #"{"id": "\#(id)", "conversations": [\#(human), {"from": "gpt", "value": "\#(html)"}]}"#
        }
        // Also one within the depth limit whose quotes would lay out 3 MB of lines 60 times.
        let quoted =
            String(repeating: "<blockquote>", count: 60)
            + String(repeating: "<p>a line of the innermost quote, some words</p>", count: 60_000)
        let json =
            "["
            + [
                record("before", "<p>an answer</p>"), record("deep", String(repeating: "<b>", count: 50_000) + "x"),
                record("quoted", quoted), record("after", "<p>another answer</p>"),
            ].joined(separator: ",") + "]"
        let path = input.path + "/sg.json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        let (report, _) = try run(path)
        #expect(!report.failed)
        #expect(report.manifest.counts.kept == 2)
        #expect(report.manifest.counts.rejected == ["html-error": 2])
    }
}
