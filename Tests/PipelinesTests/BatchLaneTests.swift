import Formats
import Normalize
import Testing

@testable import Pipelines

/// Marks an ASCII `x` as a step with no batch form would: on the byte lane it writes a string of
/// its own (`X`), and a record with `G` in it takes the general path.
struct UpperXStep: PipelineStep {
    let id = "test.upper-x"

    mutating func apply(_ c: inout Conversation) -> StepVerdict {
        c.mapTexts { $0.contains("x") ? $0.replacingOccurrences(of: "x", with: "X") : nil }
    }

    mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        for i in c.texts.indices where c.withText(at: i, { $0.contains(UInt8(ascii: "G")) }) { return .general }
        return c.mapTexts { bytes in
            bytes.contains(UInt8(ascii: "x"))
                ? String(decoding: bytes.map { $0 == UInt8(ascii: "x") ? UInt8(ascii: "X") : $0 }, as: UTF8.self)
                : nil
        }
    }
}

/// The batch lane (``ByteBatch``, ``LaneBatch``) gives what its records give one by one on the
/// byte lane, and what they give on the general path: the same deliveries, counts and step
/// counts, for steps with a batch form and for one without.
@Suite struct BatchLaneTests {
    static let pieces = [
        "你好", "今天天氣很好", "", "　", " 前后 ", "ＡＢ１２", "zero\u{200B}width", "x光", "Go", "{br}", "{name}", "QQ号",
        "菲菲", "a\"b\\c", "沒有", "電腦",
    ]

    /// Random records of one to four texts, with malformed ones among them, as byte strings.
    static func sessions(count: Int, seed: UInt64) -> [[[UInt8]]?] {
        var rng = SeededGenerator(seed: seed)
        func roll(_ n: Int) -> Int { Int.random(in: 0..<n, using: &rng) }
        var out: [[[UInt8]]?] = []
        for _ in 0..<count {
            if roll(30) == 0 {
                out.append(nil)
                continue
            }
            let texts = (0..<(1 + roll(4))).map { _ in
                Array((0..<(1 + roll(2))).map { _ in pieces[roll(pieces.count)] }.joined().utf8)
            }
            out.append(texts)
            if roll(10) == 0 { out.append(texts) }  // a duplicate
        }
        return out
    }

    static func batch(_ sessions: [[[UInt8]]?], arena: TextArena) -> ByteBatch {
        var batch = ByteBatch(source: "s", file: "f.txt", arena: arena, capacity: sessions.count)
        for (n, session) in sessions.enumerated() {
            guard let session else {
                batch.append(malformed: InputIssue(kind: .strayLine, file: "f.txt", line: n + 1, detail: "stray"))
                continue
            }
            // Copied into the arena, which lives as long as the batch is processed.
            let texts = session.map { ByteConversation.Text.owned(String(decoding: $0, as: UTF8.self)) }
            if n % 2 == 0, texts.count == 2 {
                batch.append(line: n + 1, ordinal: n + 1, batch.borrowed(texts[0]), batch.borrowed(texts[1]))
            } else {
                batch.append(line: n + 1, ordinal: n + 1, texts: texts)
            }
        }
        return batch
    }

    static func steps() throws -> [any PipelineStep] {
        [
            ReplaceStep([("{br}", "\n")]), TextNormalizeStep(options: [.foldWidth]), UpperXStep(), RolePairingStep(),
            TemplatePlaceholderFilter(),
            PhraseFilter(id: "filter.bot-persona", reason: .botPersona, phrases: ["qq", "菲菲"]),
            ScriptConvertStep(converter: try ChineseConverter()), DesegmentStep(), EmptyTurnFilter(),
            ExactDeduplicator(),
        ]
    }

    /// Runs `records` through a processor whose workers encode JSON Lines (or keep every
    /// conversation, the general path): the deliveries as text, the counts and step counts.
    static func run(_ records: [ExtractedRecord], general: Bool) throws -> ([String], PipelineStats) {
        let encoder = JSONLEncoder()
        let processor = StagedProcessor(
            steps: try steps(), workers: 2, batchSize: 7,
            encoder: .jsonl(encoder, keepsConversations: general))
        var out: [String] = []
        func deliver(_ r: ProcessedRecord) {
            switch r {
            case .one(let c, let why) where why == nil:
                var line: [UInt8] = []
                encoder.encode(c, into: &line)
                out.append(String(decoding: line, as: UTF8.self))
            case .one(_, let why?):
                out.append("dropped \(why.reason.rawValue)")
            case .encodedRun(let run):
                out += ProcessorProbe.lines(run)
            default:
                out.append(ProcessorProbe.text(r))
            }
        }
        for record in records { try processor.submit(record, deliver: deliver) }
        try processor.finish(deliver: deliver)
        return (out, processor.stats)
    }

    @Test(arguments: [1, 2, 3])
    func aBatchGivesWhatItsRecordsGiveOneByOne(seed: UInt64) throws {
        // Several batches, so that the deduplicator sees repeats across them.
        let parts = (0..<4).map { Self.sessions(count: 150, seed: seed * 10 + UInt64($0)) }
        let batches = parts.map { part in ExtractedRecord.batch { arena in Self.batch(part, arena: arena) } }
        let oneByOne = parts.map { part in
            ExtractedRecord.chunk { out in
                let batch = Self.batch(part, arena: TextArena())
                for r in 0..<batch.count { out(batch.record(r)) }
            }
        }
        let lane = try Self.run(batches, general: false)
        let bytes = try Self.run(oneByOne, general: false)
        let general = try Self.run(batches, general: true)
        #expect(lane.0.count == parts.joined().count)
        for other in [bytes.0, general.0] {
            #expect(lane.0.count == other.count)
            // The first difference, if any, rather than both lists whole.
            if let i = lane.0.indices.first(where: { $0 < other.count && lane.0[$0] != other[$0] }) {
                Issue.record("delivery \(i) differs: \(lane.0[i]) against \(other[i])")
            }
        }
        for other in [bytes.1, general.1] {
            #expect(lane.1.read == other.read)
            #expect(lane.1.kept == other.kept)
            #expect(lane.1.rejected == other.rejected)
            #expect(lane.1.malformed == other.malformed)
            #expect(lane.1.steps == other.steps)
        }
        // Every kind of outcome happened: changes, rejections, the general path, odd sessions.
        let steps = Dictionary(uniqueKeysWithValues: lane.1.steps.map { ($0.id, $0) })
        for id in ["normalize.replace", "normalize.text", "test.upper-x", "roles.pair-alternation", "convert.t2s"] {
            #expect((steps[id]?.modified ?? 0) > 0, "\(id)")
        }
        for id in ["filter.template-placeholder", "filter.bot-persona", "filter.empty-turn", "dedup.exact"] {
            #expect(!(steps[id]?.rejected.isEmpty ?? true), "\(id)")
        }
        #expect(lane.0.contains { $0.contains("opening") })
        #expect(lane.0.contains { $0.contains("X光") })
        #expect(lane.0.contains { $0.contains("Go") })
        #expect(lane.1.malformed["stray-line"] ?? 0 > 0)
    }
}
