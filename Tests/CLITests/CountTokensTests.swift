import Foundation
import Testing

@Suite struct CountTokensTests {
    static let fixtures = CLI.packageRoot.appendingPathComponent("Tests/TokenizeTests/Fixtures")
    static let tokenizer = fixtures.appendingPathComponent("tokenizers/zh-en-bbpe-16k.json.zst").path

    /// The committed strings give the counts the tokenizers library gave for them.
    @Test func countsEachLineAsTheTokenizersLibraryDoes() throws {
        let strings = try Data(contentsOf: Self.fixtures.appendingPathComponent("token-strings.jsonl"))
        let expected = try String(
            contentsOf: Self.fixtures.appendingPathComponent("expected/zh-en-bbpe-16k.tsv"), encoding: .utf8
        ).split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        let r = try CLI.run(["count-tokens", "--tokenizer", Self.tokenizer], stdin: strings)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) == expected)
    }

    @Test func conversationsSumTheirTurns() throws {
        let single = try CLI.run(["count-tokens", "--tokenizer", Self.tokenizer], stdin: Data("\"你好\"\n\"再见\"\n".utf8))
        let counts = single.stdout.split(separator: "\n").map { Int($0)! }
        let lines = """
            {"conversations": [{"from": "human", "value": "你好"}, {"from": "gpt", "value": "再见"}]}
            {"messages": [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "再见"}]}

            """
        let r = try CLI.run(["count-tokens", "--tokenizer", Self.tokenizer], stdin: Data(lines.utf8))
        #expect(r.stdout == "\(counts[0] + counts[1])\n\(counts[0] + counts[1])\n")
        let withOverhead = try CLI.run(
            ["count-tokens", "--tokenizer", Self.tokenizer, "--turn-overhead", "6"], stdin: Data(lines.utf8))
        #expect(withOverhead.stdout == "\(counts[0] + counts[1] + 12)\n\(counts[0] + counts[1] + 12)\n")
    }

    @Test func withoutATokenizerTheCountIsAnEstimateAndSaysSo() throws {
        // 14 CJK characters at 1.4 a token, 32 other characters at 3.2 a token.
        let text = String(repeating: "中", count: 14) + String(repeating: "a", count: 32)
        let r = try CLI.run(["count-tokens"], stdin: Data("\"\(text)\"\n".utf8))
        #expect(r.status == 0)
        #expect(r.stdout == "20\n")
        #expect(r.stderr.contains("estimate"))
    }

    @Test func aBadLineNamesItsLine() throws {
        let r = try CLI.run(
            ["count-tokens", "--tokenizer", Self.tokenizer], stdin: Data("\"ok\"\n{\"text\": 1}\n".utf8))
        #expect(r.status == 1)
        #expect(r.stderr.contains("<stdin>:2: the object has neither \"conversations\" nor \"messages\""))
        let broken = try CLI.run(["count-tokens", "--tokenizer", Self.tokenizer], stdin: Data("\"ok\"\n[1,\n".utf8))
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("<stdin>:2 is not valid JSON"))
    }

    @Test func aBadTokenizerFileIsAUsageError() throws {
        let s = try Scratch()
        try "{\"model\": {\"type\": \"Unigram\", \"vocab\": {}}}".write(
            toFile: "\(s.path)/t.json", atomically: true, encoding: .utf8)
        let r = try CLI.run(["count-tokens", "--tokenizer", "\(s.path)/t.json"], stdin: Data("\"a\"\n".utf8))
        #expect(r.status == 64)
        #expect(r.stderr.contains("uses the Unigram model, which corpus-clean does not implement"))
        let all = try CLI.run([
            "all", "--input", CLI.sample, "--output", "\(s.path)/o", "--tokenizer", "\(s.path)/t.json",
        ])
        #expect(all.status == 64)
        #expect(all.stderr.contains("Unigram"))
        let truncateAlone = try CLI.run(["all", "--input", CLI.sample, "--truncate"])
        #expect(truncateAlone.status == 64)
    }

    @Test func maxTokensSplitsTheSampleCorpus() throws {
        let s = try Scratch()
        let r = try CLI.run([
            "all", "--input", CLI.sample, "--output", "\(s.path)/o", "--tokenizer", Self.tokenizer, "--max-tokens",
            "30",
            "--compression", "none", "--keep-rejects",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let manifest = try String(contentsOfFile: "\(s.path)/o/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"tokens_written\""))
        #expect(manifest.contains("\"balanced\" : true"))
        #expect(!manifest.contains("\"balanced\" : false"))
    }
}
