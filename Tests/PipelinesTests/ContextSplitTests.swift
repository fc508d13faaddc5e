import Formats
import Foundation
import Normalize
import Pipelines
import Testing
import Tokenize

/// A conversation of alternating human/gpt turns with the given token counts.
private func conversation(_ tokens: [Int], id: String = "t:f:1") -> Conversation {
    var c = Conversation(
        id: id, source: "t",
        turns: tokens.indices.map { Turn($0 % 2 == 0 ? .human : .gpt, "turn \($0)") },
        origin: RecordOrigin(file: "f", line: 1, ordinal: 1))
    c.turnTokens = tokens
    return c
}

/// A human/gpt pair with the given token counts.
private func pair(_ question: String, _ answer: String, tokens: [Int], id: String = "x") -> Conversation {
    var c = Conversation(
        id: id, source: "t", turns: [Turn(.human, question), Turn(.gpt, answer)],
        origin: RecordOrigin(file: "f", line: 1, ordinal: 1))
    c.turnTokens = tokens
    return c
}

private func splitter(_ max: Int, overhead: Int = 6, truncate: Bool = false) -> ContextSplitter {
    ContextSplitter(options: ContextOptions(maxTokens: max, turnOverhead: overhead, truncate: truncate))
}

/// (id, turn indices, rejected reason) of each result.
private func shape(_ results: [(Conversation, Rejection?)]) -> [(String, [String], String?)] {
    results.map { c, why in (c.id, c.turns.map(\.text), why?.reason.rawValue) }
}

@Suite struct ContextSplitTests {
    @Test func aConversationThatFitsKeepsItsID() {
        var s = splitter(100)
        let r = s.split(conversation([10, 20, 10, 20]))  // 60 + 24 overhead = 84
        #expect(r.count == 1)
        #expect(r[0].0.id == "t:f:1")
        #expect(r[0].1 == nil)
        #expect(s.stats.modified == 0)
    }

    @Test func piecesAreConsecutivePairsNamedByTheirFirstTurn() {
        var s = splitter(64)
        // Pair costs: 42, 42, 22 (with 6 per turn): 42 | 42 + 22.
        let r = shape(s.split(conversation([10, 20, 10, 20, 5, 5])))
        #expect(r.map(\.0) == ["t:f:1_0", "t:f:1_2"])
        #expect(r.map(\.1) == [["turn 0", "turn 1"], ["turn 2", "turn 3", "turn 4", "turn 5"]])
        #expect(s.stats.output == 2)
        #expect(s.stats.modified == 1)
    }

    /// FastChat drops the last pair when it starts a new piece; here it is its own piece.
    @Test func theLastPairIsNeverLost() {
        var s = splitter(50)
        let r = shape(s.split(conversation([10, 20, 10, 20])))  // 42 + 42 > 50
        #expect(r.map(\.0) == ["t:f:1_0", "t:f:1_2"])
        #expect(r.allSatisfy { $0.2 == nil })
    }

    /// FastChat emits an empty piece when the first pair is over the budget, and keeps the
    /// over-long pair; here it is rejected and nothing empty is written.
    @Test func aPairOverTheBudgetIsRejectedAndTheRestKept() {
        var s = splitter(70)
        // Pair costs: 132 (over), 32, 32.
        let r = shape(s.split(conversation([100, 20, 10, 10, 10, 10])))
        #expect(r.map(\.0) == ["t:f:1_0", "t:f:1_2"])
        #expect(r[0].2 == "over-budget")
        #expect(r[1].1 == ["turn 2", "turn 3", "turn 4", "turn 5"])
        #expect(r[1].2 == nil)
        #expect(s.stats.rejected == ["over-budget": 1])
        #expect(!r.contains { $0.1.isEmpty })
    }

    @Test func aConversationOfOnlyOverlongPairsIsRejectedWhole() throws {
        var s = splitter(20)
        let r = s.split(conversation([30, 30]))
        #expect(r.count == 1)
        let why = try #require(r[0].1)
        #expect(why.reason == .overBudget)
        #expect(why.step == "split.context-length")
        #expect(why.detail?.contains("costs 72 tokens") == true)
    }

    @Test func truncateCutsTheAnswerToFitAndSaysSo() throws {
        let estimator = TokenEstimator()
        let question = "为什么天是蓝的？"
        let answer = String(repeating: "因为瑞利散射。", count: 40)
        let c = pair(question, answer, tokens: [estimator.count(question), estimator.count(answer)], id: "t:f:1")
        var s = splitter(80, truncate: true)
        let r = s.split(c)
        #expect(r.count == 1)
        let piece = r[0].0
        #expect(r[0].1 == nil)
        #expect(piece.turns[0].text == question)
        #expect(answer.hasPrefix(piece.turns[1].text))
        #expect(piece.turns[1].text.count < answer.count)
        let cost = piece.turns.reduce(0) { $0 + estimator.count($1.text) + 6 }
        #expect(cost <= 80)
        #expect(cost >= 78)  // the longest prefix that fits (the estimate is 1.4 characters a token)
        #expect(piece.turnTokens == piece.turns.map { estimator.count($0.text) })
        #expect(piece.metadata["truncated"]?.hasPrefix("turn 1 cut from \(c.turnTokens![1]) to ") == true)
        #expect(s.stats.modified == 1)
    }

    @Test func truncateCutsBothTurnsWhenTheQuestionAloneIsTooLong() {
        let estimator = TokenEstimator()
        let long = String(repeating: "长", count: 200)
        let c = pair(long, long, tokens: [estimator.count(long), estimator.count(long)])
        var s = splitter(60, truncate: true)
        let r = s.split(c)
        #expect(r.count == 1 && r[0].1 == nil)
        let tokens = r[0].0.turns.map { estimator.count($0.text) }
        #expect(tokens.reduce(0, +) + 12 <= 60)
        #expect(tokens.allSatisfy { $0 > 0 })
    }

    @Test func truncateCutsALongQuestionToKeepAShortAnswerWhole() {
        let estimator = TokenEstimator()
        let question = String(repeating: "问", count: 300)
        let answer = "好的。"
        let c = pair(question, answer, tokens: [estimator.count(question), estimator.count(answer)])
        var s = splitter(60, truncate: true)
        let r = s.split(c)
        #expect(r.count == 1 && r[0].1 == nil)
        #expect(r[0].0.turns[1].text == answer)
        #expect(question.hasPrefix(r[0].0.turns[0].text))
        #expect(r[0].0.turnTokens!.reduce(0) { $0 + $1 + 6 } <= 60)
        #expect(r[0].0.metadata["truncated"]?.hasPrefix("turn 0 cut from 215 to ") == true)
    }

    /// When even empty turns cannot fit (BERT adds [CLS] and [SEP] to every turn), the pair is
    /// rejected as it was, not half cut.
    @Test func aPairThatCannotBeCutEnoughIsRejectedUnchanged() throws {
        let path = Golden.fixtures.appendingPathComponent(
            "../../TokenizeTests/Fixtures/tokenizers/bert-minilm-wordpiece.json.zst"
        ).standardized.path
        let options = ContextOptions(
            tokenizer: try Tokenizer(path: path), maxTokens: 15, turnOverhead: 6, truncate: true)
        let counter = try Tokenizer(path: path).makeCounter()
        let texts = ["what is the color of the sky on a clear day", "blue , because of rayleigh scattering"]
        let c = pair(texts[0], texts[1], tokens: try texts.map { try counter.count($0) })
        var s = ContextSplitter(options: options)
        let r = s.split(c)
        #expect(r.count == 1)
        #expect(r[0].1?.reason == .overBudget)
        #expect(r[0].0.turns.map(\.text) == texts)
        #expect(r[0].0.metadata["truncated"] == nil)
    }

    /// For random conversations and budgets: every piece fits, pieces and rejected pairs give
    /// back the input's turns in order, and no piece splits a pair.
    @Test func randomConversationsSplitIntoFittingPiecesThatLoseNothing() {
        var seeded = SeededGenerator(seed: 20_261_122)
        for _ in 0..<2000 {
            let n = Int.random(in: 1...14, using: &seeded)
            let tokens = (0..<n).map { _ in Int.random(in: 0...120, using: &seeded) }
            let budget = Int.random(in: 13...300, using: &seeded)
            var s = splitter(budget)
            let c = conversation(tokens)
            let results = s.split(c)
            #expect(!results.isEmpty)
            #expect(results.flatMap { $0.0.turns } == c.turns, "turns lost or reordered for \(tokens) / \(budget)")
            var next = 0
            for (piece, why) in results {
                let start = c.turns.firstIndex(of: piece.turns[0])!
                #expect(start == next)
                #expect(start % 2 == 0, "a pair was split")
                #expect(piece.turns.count % 2 == 0 || start + piece.turns.count == n)
                let cost = piece.turnTokens!.reduce(0) { $0 + $1 + 6 }
                if why == nil {
                    #expect(cost <= budget)
                    #expect(!piece.turns.isEmpty)
                } else {
                    #expect(why?.reason == .overBudget)
                    #expect(piece.turns.count <= 2 && cost > budget)
                }
                next = start + piece.turns.count
            }
            #expect(s.stats.output + s.stats.rejected.values.reduce(0, +) == results.count)
        }
    }
}

/// A small deterministic generator for the property tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ContextSplitRunTests {
    static let tokenizerPath = Golden.fixtures.appendingPathComponent(
        "../../TokenizeTests/Fixtures/tokenizers/zh-en-bbpe-16k.json.zst"
    ).standardized.path

    static func options(workers: Int, maxTokens: Int?) throws -> RunOptions {
        var o = RunOptions.goldenDefaults
        o.workers = workers
        o.batchSize = 3
        o.recipe.context = ContextOptions(tokenizer: try Tokenizer(path: tokenizerPath), maxTokens: maxTokens)
        return o
    }

    /// Over the fixtures of sources with long and multi-turn conversations: every piece fits,
    /// the counts balance, token totals add up, and the output is the same for 1 and 2 workers.
    @Test(arguments: [Source.douban, .sharegpt, .belle, .chatterbot])
    func splitRunsFitBalanceAndAreDeterministic(source: Source) throws {
        let one = try Golden.run(source, options: try Self.options(workers: 1, maxTokens: 40))
        let two = try Golden.run(source, options: try Self.options(workers: 2, maxTokens: 40))
        #expect(one.output == two.output)
        #expect(one.rejects == two.rejects)
        #expect(one.manifest == two.manifest)
        let m = one.manifest
        #expect(m.counts.balanced)
        #expect(m.pipeline.map(\.id).contains("tokens.count"))
        #expect(m.pipeline.first { $0.id == "tokens.count" }?.parameters["icu"] == ICUTransform.libraryVersion)
        #expect(m.pipeline.last?.id == "split.context-length")
        #expect(m.options["max-tokens"] == "40")
        #expect(m.options["token-counter"]?.hasPrefix("zh-en-bbpe-16k.json.zst (bpe-byte-level, sha256 ") == true)
        let counter = try Tokenizer(path: Self.tokenizerPath).makeCounter()
        var tokens = 0
        var conversations = 0
        for line in one.output.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let turns = (object["conversations"] as! [[String: Any]]).map { $0["value"] as! String }
            let counts = try turns.map { try counter.count($0) }
            #expect(counts.reduce(0) { $0 + $1 + 6 } <= 40, "\(object["id"]!) does not fit")
            tokens += counts.reduce(0, +)
            conversations += 1
        }
        #expect(m.counts.tokensWritten == tokens)
        #expect(m.counts.conversationsWritten == conversations)
        let split = try #require(m.steps.last)
        #expect(split.id == "split.context-length")
        #expect(split.output == conversations)
        // Every over-budget pair is in the rejects file.
        let overBudget = one.rejects.split(separator: "\n").filter { $0.contains("\"over-budget\"") }.count
        #expect(overBudget == split.rejected["over-budget", default: 0])
    }

    @Test func aTokenizerWithoutMaxTokensOnlyCounts() throws {
        let plain = try Golden.run(.douban)
        let counted = try Golden.run(.douban, options: try Self.options(workers: 1, maxTokens: nil))
        #expect(plain.output == counted.output)
        #expect(plain.manifest.counts.tokensWritten == nil)
        #expect((counted.manifest.counts.tokensWritten ?? 0) > 0)
        #expect(counted.manifest.options["max-tokens"] == "none")
    }
}
