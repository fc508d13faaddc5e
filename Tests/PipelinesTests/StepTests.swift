import Formats
import Pipelines
import Testing

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
}
