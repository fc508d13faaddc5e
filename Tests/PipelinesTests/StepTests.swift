import Formats
import Testing

@testable import Pipelines

private func conv(_ texts: [String], file: String = "f", ordinal: Int = 1) -> Conversation {
    .session(source: "t", origin: RecordOrigin(file: file, line: ordinal, ordinal: ordinal), utterances: texts)
}

@Suite struct StepTests {
    /// `sharegpt.truncate-empty` ends a conversation at a turn whose first character is a
    /// control or format character, by the Unicode tables, for every ASCII character (answered
    /// without the tables) and for thousands of others.
    @Test func truncateEmptyFollowsTheUnicodeCategories() {
        let scalars = (0..<0x3100).compactMap(Unicode.Scalar.init) + ["\u{FEFF}", "\u{E0001}", "\u{1F600}", "\u{4E2D}"]
        for scalar in scalars {
            var step = TruncateEmptyStep()
            var c = conv(["q", "a", String(scalar) + "rest", "b"])
            let category = scalar.properties.generalCategory
            let ends = category == .control || category == .format
            #expect(step.apply(&c) == (ends ? .modified : .unchanged), "U+\(String(scalar.value, radix: 16))")
            #expect(c.turns.count == (ends ? 2 : 4))
        }
    }

    private let origin = RecordOrigin(file: "f", line: 1, ordinal: 1)

    /// A deterministic stream of pseudo-random numbers for the property tests below.
    private struct Dice {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// `filter.min-chars` counts characters (grapheme clusters) as `String` does, also where
    /// it answers from ASCII bytes alone: CR LF, combining marks after ASCII letters, emoji
    /// with modifiers, Chinese, at every length around the minimum.
    @Test func minCharsCountsCharacters() {
        let pieces = ["a", " ", "\r", "\n", "\r\n", "e\u{301}", "\u{301}", "中", "👍🏽", "1"]
        var dice = Dice(state: 7)
        for _ in 0..<4000 {
            let turns = (0..<2).map { _ in (0..<dice.next(14)).map { _ in pieces[dice.next(pieces.count)] }.joined() }
            var c = Conversation(source: "t", turns: [Turn(.human, turns[0]), Turn(.gpt, turns[1])], origin: origin)
            let characters = turns.map(\.count).reduce(0, +)
            var step = MinCharsFilter()
            let verdict = step.apply(&c)
            #expect((verdict == .unchanged) == (characters >= 16), "\(turns.map(\.debugDescription))")
        }
    }

    /// `filter.blocked-word` finds a word in the visible text only (link targets left out),
    /// also when the text is looked at first as a whole: words with and without `]`, in any
    /// case, across link targets.
    @Test func blockedWordsAreFoundInTheVisibleTextOnly() {
        let pieces = ["open", "AI", "ai", "](", "http://openai.com", ")", "[", "]", "Chat", "GPT", " ", "x"]
        var dice = Dice(state: 11)
        for words in [["openai", "chatgpt"], ["a]b", "x](y"], ["]ai"]] {
            for _ in 0..<3000 {
                let text = (0..<dice.next(9)).map { _ in pieces[dice.next(pieces.count)] }.joined()
                let visible = BlockedWordFilter.visibleText(text).lowercased()
                let expected = words.first { visible.contains($0) }
                var c = Conversation(source: "t", turns: [Turn(.human, "q"), Turn(.gpt, text)], origin: origin)
                var step = BlockedWordFilter(words: words)
                let verdict = step.apply(&c)
                #expect(verdict == (expected.map { .rejected(.blockedWord, detail: $0) } ?? .unchanged), "\(text)")
            }
        }
    }

    /// `filter.blocked-response` rejects a gpt turn that starts with a blocked response (after
    /// an optional `!`), by characters: a response in ASCII is matched by its bytes, another
    /// also in a decomposed spelling.
    @Test(arguments: [
        ("Too many requests in 1 hour. Try again later.", true),
        ("!Too many requests in 1 hour. Try again later. More", true),
        ("!!Too many requests in 1 hour. Try again later.", false),
        ("Too many requests in 1 hour.", false),
        ("Too many requests in 1 hour. Try again later.\u{301}", false),
        (" Too many requests in 1 hour. Try again later.", false),
        ("Réponse bloquée", true),
        ("Re\u{301}ponse bloquée ici", true),
        ("!Re\u{301}ponse bloque\u{301}e", true),
        ("Reponse bloquee", false),
    ])
    func blockedResponsesMatchByCharacters(_ answer: String, _ blocked: Bool) {
        var step = BlockedResponseFilter(responses: [
            "Too many requests in 1 hour. Try again later.", "Réponse bloquée",
        ])
        var c = Conversation(source: "t", turns: [Turn(.human, "q"), Turn(.gpt, answer)], origin: origin)
        if case .rejected(.blockedResponse, _) = step.apply(&c) {
            #expect(blocked)
        } else {
            #expect(!blocked)
        }
    }

    @Test func sessionRolesEndWithGPT() {
        #expect(conv(["a", "b"]).turns.map(\.role) == [.human, .gpt])
        #expect(conv(["a", "b", "c"]).turns.map(\.role) == [.gpt, .human, .gpt])
    }

    @Test(arguments: [
        (["a"], StepVerdict.rejected(.tooFewTurns, detail: "1 turn(s)"), [String]()),
        ([], .rejected(.tooFewTurns, detail: "0 turn(s)"), []),
        (["a", "b"], .unchanged, ["a", "b"]),
        (["a", "b", "c"], .modified, ["b", "c"]),
    ])
    func rolePairing(_ input: [String], _ verdict: StepVerdict, _ kept: [String]) {
        var step = RolePairingStep()
        var c = conv(input)
        #expect(step.apply(&c) == verdict)
        if verdict != .rejected(.tooFewTurns, detail: "\(input.count) turn(s)") {
            #expect(c.turns.map(\.text) == kept)
            #expect(c.turns.first?.role == .human)
            #expect(c.metadata["opening"] == (input.count == 3 ? "a" : nil))
        }
    }

    @Test func emptyTurn() {
        var f = EmptyTurnFilter()
        var c = conv(["a", ""])
        #expect(f.apply(&c) == .rejected(.emptyTurn, detail: "turn 2 is empty"))
        var d = conv(["a", "b"])
        #expect(f.apply(&d) == .unchanged)
    }

    @Test func exactDedupNamesTheFirstOccurrence() {
        var d = ExactDeduplicator()
        var a = conv(["你好", "好"], ordinal: 3)
        var b = conv(["你好", "好"], file: "g", ordinal: 9)
        var c = conv(["你", "好好"], ordinal: 4)  // same characters, different split
        #expect(d.apply(&a) == .unchanged)
        #expect(d.apply(&c) == .unchanged)
        #expect(d.apply(&b) == .rejected(.duplicate, detail: "t:f:3"))
    }

    @Test(arguments: [
        ("好的{face:12}", true), ("{br}", true), ("只有{", false), ("}{", false), ("正常的话", false),
    ])
    func templatePlaceholder(_ text: String, _ rejected: Bool) {
        var f = TemplatePlaceholderFilter()
        var c = conv(["问", text])
        #expect((f.apply(&c) != .unchanged) == rejected)
    }

    @Test(arguments: [
        ("我的qq是", "qq"), ("QQ号", "qq"), ("Qq", "qq"), ("菲菲说", "菲菲"), ("没问题", nil),
    ])
    func persona(_ text: String, _ hit: String?) {
        var f = PhraseFilter(id: "filter.bot-persona", reason: .botPersona, phrases: ["qq", "菲菲"])
        var c = conv(["问", text])
        #expect(f.apply(&c) == (hit.map { StepVerdict.rejected(.botPersona, detail: $0) } ?? .unchanged))
    }

    @Test func replace() {
        var s = ReplaceStep([("{br}", "\n")])
        var c = conv(["a{br}b", "c"])
        #expect(s.apply(&c) == .modified)
        #expect(c.turns[0].text == "a\nb")
        #expect(s.apply(&c) == .unchanged)
    }

    @Test func pipelineCountsEachStep() {
        var p = Pipeline(steps: [TextNormalizeStep(), RolePairingStep(), EmptyTurnFilter(), ExactDeduplicator()])
        var inputs = [
            conv(["ａ", "b"]), conv(["a", "b"], ordinal: 2), conv(["x", "y", " "], ordinal: 3), conv(["x"], ordinal: 4),
        ]
        let verdicts = inputs.indices.map { p.process(&inputs[$0])?.reason }
        #expect(verdicts == [nil, .duplicate, .emptyTurn, .tooFewTurns])
        #expect(inputs[0].turns.map(\.text) == ["a", "b"])
        p.countMalformed(.invalidUTF8)
        let s = p.stats
        #expect(s.read == 5)
        #expect(s.kept == 1)
        #expect(s.rejected == ["duplicate": 1, "empty-turn": 1, "too-few-turns": 1])
        #expect(s.malformed == ["invalid-utf8": 1])
        #expect(s.balanced)
        #expect(s.steps.map(\.input) == [4, 4, 3, 2])
        #expect(s.steps[0].modified == 2)
        #expect(s.steps[1].modified == 1)
    }

    /// A run of records decided at once (step by step over the run) rejects and counts what
    /// deciding record by record does, with one keyed step and with two.
    @Test(arguments: [1, 2]) func runDecideMatchesRecordByRecord(steps count: Int) {
        let steps: [any PipelineStep] =
            count == 1 ? [ExactDeduplicator()] : [DuplicateIDFilter(), FirstExchangeDeduplicator()]
        // Keys repeat within the run (record 3 repeats record 0; record 5 repeats 1 on the
        // second step only), and the origins carry each record's line and ordinal.
        let perRecord: [[UInt64]] = [[1, 10], [2, 20], [3, 30], [1, 40], [4, 50], [5, 20], [2, 20], [6, 60]]
        let keys = perRecord.flatMap { $0.prefix(count).map { StableHash(lo: $0, hi: 7) } }
        let origins = perRecord.indices.map { (line: 10 * $0 + 1, ordinal: $0 + 1) }
        var each = Pipeline(steps: steps)
        var expected: [(Int, Rejection)] = []
        for k in origins.indices {
            let origin = RecordOrigin(file: "a.csv", line: origins[k].line, ordinal: origins[k].ordinal)
            let record = RecordIdentity(source: "qingyun", origin: origin)
            let rejection = each.decide(keys: keys[(k * count)..<((k + 1) * count)], record: record)
            each.countRecord(rejection)
            if let rejection { expected.append((k, rejection)) }
        }
        var run = Pipeline(steps: steps)
        let rejected = run.decide(
            keys: keys[...], source: "qingyun", file: "a.csv", origins: origins, prefetchDistance: 3)
        #expect(rejected.map(\.0) == expected.map(\.0))
        #expect(rejected.map(\.1) == expected.map(\.1))
        #expect(rejected.map(\.0) == (count == 1 ? [3, 6] : [3, 5, 6]))
        #expect(run.stats == each.stats)
        #expect(run.stats.read == origins.count && run.stats.kept == origins.count - rejected.count)
    }

    /// A batch's tally of passed records counts the steps as counting each record's outcome
    /// does, for masks with no bit, one, several, and the last step's.
    @Test func passedTallyCountsAsEachOutcomeDoes() {
        let steps: [any PipelineStep] = [TextNormalizeStep(), EmptyTurnFilter(), TemplatePlaceholderFilter()]
        let masks: [UInt64] = [0, 0b001, 0b010, 0b101, 0b111, 0, 0b100, 0b011]
        var each = Pipeline(steps: steps)
        var once = Pipeline(steps: steps)
        var tally = Pipeline.PassedTally()
        for m in masks {
            each.countBytes(.passed(modified: m))
            tally.add(modified: m)
        }
        once.countPassed(tally)
        #expect(tally.records == masks.count)
        #expect(once.stats.steps == each.stats.steps)
        #expect(once.stats.steps.map(\.modified) == [4, 3, 3])
        #expect(once.stats.steps.map(\.input) == [8, 8, 8])
        // An empty tally counts nothing.
        once.countPassed(Pipeline.PassedTally())
        #expect(once.stats.steps == each.stats.steps)
    }
}
