import Formats
import Foundation
import Normalize
import Pipelines
import Testing

@Suite struct SourceGoldenTests {
    @Test(arguments: Source.allCases)
    func outputMatchesGolden(_ source: Source) throws {
        let r = try Golden.run(source)
        #expect(r.output == (try Golden.expected(source, "expected.jsonl", actual: r.output)))
        #expect(r.rejects == (try Golden.expected(source, "expected-rejects.jsonl", actual: r.rejects)))
        let counts = String(decoding: try JSONFile.encode(r.manifest.counts), as: UTF8.self)
        #expect(counts == (try Golden.expected(source, "expected-counts.json", actual: counts)))
    }

    @Test(arguments: Source.allCases)
    func countsAddUp(_ source: Source) throws {
        let r = try Golden.run(source)
        let c = r.manifest.counts
        #expect(c.balanced)
        #expect(c.read == c.kept + c.rejectedTotal + c.malformedTotal)
        // Every rejected or malformed record is in the rejects file, every kept one in the output.
        #expect(r.rejects.split(separator: "\n").count == c.rejectedTotal + c.malformedTotal)
        #expect(r.output.split(separator: "\n").count == c.conversationsWritten)
        #expect(c.kept <= c.conversationsWritten)  // one record may yield several conversations
        // Per-step counts chain: each step's output is the next step's input.
        let steps = r.manifest.steps
        for (a, b) in zip(steps, steps.dropFirst()) { #expect(a.output == b.input) }
        #expect(steps.last?.output == c.conversationsWritten)  // steps count conversations
    }

    @Test func xiaohuangjiRules() throws {
        let r = try Golden.run(.xiaohuangji)
        let c = r.manifest.counts
        #expect(c.rejected["too-few-turns"] == 2)  // the leading M-only session and 晚安
        #expect(c.rejected["empty-turn"] == 1)
        #expect(c.rejected["duplicate"] == 1)
        #expect(c.malformed["invalid-utf8"] == 1)
        #expect(c.malformed["stray-line"] == 1)
        #expect(r.output.contains(#""value":"我喜欢吃pizza和饺子123个！""#))
        #expect(r.output.contains(#""value":"那就好 加油""#))
        #expect(r.output.contains(#""value":"去公园\n然后去看电影""#))
        #expect(r.output.contains(#""metadata":"{\"opening\":\"早上好\"}""#))
        #expect(r.output.contains(#""value":"拜拜，明天见""#))  // last session without a final E
        #expect(r.rejects.contains(#""detail":"xiaohuangji:xiaohuangji50w_nofenci.conv:2""#))
    }

    @Test func qingyunRules() throws {
        let r = try Golden.run(.qingyun)
        let c = r.manifest.counts
        #expect(c.rejected["bot-persona"] == 3)
        #expect(c.rejected["template-placeholder"] == 1)
        #expect(c.malformed["missing-separator"] == 2)
        #expect(c.malformed["invalid-utf8"] == 1)
        #expect(r.output.contains(#"{"from":"human","value":"看来你很爱钱"}"#))  // no BOM
        #expect(r.output.contains(#""value":"a|b 读作 a 或 b""#))
        #expect(r.output.contains(#""value":"会呀\n啦啦啦""#))
        #expect(r.output.contains(#""value":"你几岁了"},{"from":"gpt","value":"我永远十八岁""#))
        #expect(r.output.contains(#""value":"喜欢，猫很可爱""#))
        #expect(r.output.contains(#""value":"没有换行""#))
    }

    @Test func tsvViewPairsEveryUtterance() throws {
        var o = RunOptions.goldenDefaults
        o.format = .tsv
        let r = try Golden.run(.xiaohuangji, options: o)
        #expect(r.output.contains("早上好\t早！\n早！\t吃早饭了吗？\n"))
        #expect(r.output.contains("去公园\\n然后去看电影"))
        #expect(r.manifest.counts.outputLines == r.output.split(separator: "\n").count)
    }

    @Test func messagesLayout() throws {
        var o = RunOptions.goldenDefaults
        o.layout = .messages
        let r = try Golden.run(.qingyun, options: o)
        #expect(r.output.contains(#""messages":[{"role":"user","content":"看来你很爱钱"},{"role":"assistant","#))
        #expect(!r.output.contains(#""conversations""#))
    }

    @Test func switchesForDedupAndWidth() throws {
        var o = RunOptions.goldenDefaults
        o.recipe = RecipeOptions(foldWidth: false, dedup: false)
        let r = try Golden.run(.xiaohuangji, options: o)
        #expect(r.manifest.counts.rejected["duplicate"] == nil)
        #expect(r.output.contains("ｐｉｚｚａ"))
        #expect(!r.manifest.pipeline.map(\.id).contains("dedup.exact"))
    }

    @Test func realSampleWhenShared() throws {
        let sample = Golden.fixtures.appendingPathComponent("../../../../shared/sources/samples/xiaohuangji")
            .standardized.path
        guard FileManager.default.fileExists(atPath: sample) else { return }  // ../shared absent
        let out = try TempDir()
        let files = try InputResolver.files(for: .xiaohuangji, at: sample)
        var o = RunOptions.goldenDefaults
        o.format = .tsv
        var runner = SourceRunner(source: .xiaohuangji, files: files, outputRoot: out.path, options: o)
        runner.log = { _ in }
        let report = runner.run()
        let tsv = Golden.read("\(out.path)/xiaohuangji/xiaohuangji-00000.tsv")
        #expect(report.manifest.counts.read == 5)
        #expect(report.manifest.counts.kept == 5)
        #expect(tsv.hasPrefix("呵呵\t是王若猫的。\n不是\t那是什么？\n"))
        #expect(tsv.hasSuffix("我还喜欢她,怎么办\t我帮你告诉她？发短信还是打电话？\n"))
    }
}

@Suite struct ConversionInPipelinesTests {
    /// Simplified sources pass through the converter unchanged: the output with and without
    /// `convert.t2s` is the same, byte for byte.
    @Test(arguments: Source.allCases.filter { $0 != .ptt })
    func simplifiedFixturesRoundTrip(_ source: Source) throws {
        var off = RunOptions.goldenDefaults
        off.recipe.t2s = false
        let with = try Golden.run(source)
        let without = try Golden.run(source, options: off)
        #expect(with.output == without.output)
        #expect(with.manifest.pipeline.contains { $0.id == "convert.t2s" && $0.parameters["profile"] == "t2s" })
        #expect(!without.manifest.pipeline.contains { $0.id == "convert.t2s" })
    }

    @Test func pttUsesTheTaiwanProfile() throws {
        let r = try Golden.run(.ptt)
        #expect(r.manifest.pipeline.first { $0.id == "convert.t2s" }?.parameters["profile"] == "tw2s")
    }

    /// The system libraries whose behaviour can change what a step gives are named, with their
    /// versions, in the pipeline the manifest records (and `--resume` compares).
    @Test func theManifestNamesTheLibraryVersions() throws {
        let version = try Regex("^[0-9]+(\\.[0-9]+)+$")
        let icu = try Golden.run(.tieba).manifest.pipeline.first { $0.id == "convert.t2s" }?.parameters["icu"]
        #expect(icu == ICUTransform.libraryVersion)
        #expect(ICUTransform.libraryVersion.wholeMatch(of: version) != nil, "\(ICUTransform.libraryVersion)")
        let html = try Golden.run(.sharegpt).manifest.pipeline.first { $0.id == "html.markdown" }
        #expect(html?.parameters["libxml2"] == HTMLDocument.libraryVersion)
        #expect(HTMLDocument.libraryVersion.wholeMatch(of: version) != nil, "\(HTMLDocument.libraryVersion)")
    }
}

@Suite struct ParallelRunTests {
    /// Runs `source` with both options: the output, the rejects and the manifest agree.
    static func expectSameRun(_ source: Source, _ a: RunOptions, _ b: RunOptions) throws {
        let x = try Golden.run(source, options: a)
        let y = try Golden.run(source, options: b)
        #expect(x.output == y.output)
        #expect(x.rejects == y.rejects)
        #expect(x.manifest == y.manifest)
    }

    /// The output, the rejects and the counts are the same for any number of workers, with
    /// batches small enough that every fixture spans several.
    @Test(arguments: Source.allCases)
    func workersDoNotChangeTheOutput(_ source: Source) throws {
        var one = RunOptions.goldenDefaults
        one.batchSize = 3
        var many = one
        many.workers = 3
        try Self.expectSameRun(source, one, many)
    }

    /// Without a rejects file the workers keep no rejected conversation for the writer: the
    /// output, the counts and the step counts are the same as with one, in both formats.
    @Test(arguments: Source.allCases, [OutputFormat.jsonl, .tsv])
    func rejectsFileDoesNotChangeTheOutput(_ source: Source, format: OutputFormat) throws {
        var with = RunOptions.goldenDefaults
        with.workers = 2
        with.batchSize = 3
        with.format = format
        var without = with
        without.keepRejects = false
        let a = try Golden.run(source, options: with)
        let b = try Golden.run(source, options: without)
        #expect(!a.output.isEmpty)
        #expect(a.output == b.output)
        #expect(b.rejects.isEmpty)
        #expect(a.manifest.counts == b.manifest.counts)
        #expect(a.manifest.steps == b.manifest.steps)
    }

    /// Line sources hand chunks of lines to the workers: chunks of a line or two give the same
    /// output, rejects and counts as whole files in one chunk (sessions never split, ordinals
    /// kept).
    @Test(arguments: Source.allCases)
    func chunkSizeDoesNotChangeTheOutput(_ source: Source) throws {
        var whole = RunOptions.goldenDefaults
        whole.workers = 2
        var small = whole
        small.chunkBytes = 1
        try Self.expectSameRun(source, whole, small)
    }
}
