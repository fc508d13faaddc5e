import Formats

@testable import Pipelines

/// What tests of ``StagedProcessor`` share: a processor whose workers encode JSON Lines, as a
/// source run's do, and its deliveries written down as text.
enum ProcessorProbe {
    static func processor(
        _ steps: [any PipelineStep], workers: Int, batchSize: Int, budget: WorkerBudget? = nil
    ) -> StagedProcessor {
        let encoder = JSONLEncoder()
        return StagedProcessor(
            steps: steps, workers: workers, batchSize: batchSize,
            encoder: RecordEncoder(keepsConversations: false) { c, out in
                encoder.encode(c, into: &out)
                return 1
            }, budget: budget)
    }

    /// The text of each record of a run.
    static func lines(_ run: EncodedRecords) -> [String] {
        var from = 0
        return run.ends.map { end in
            defer { from = end - run.offset }
            return String(decoding: UnsafeBufferPointer(rebasing: run.bytes[from..<(end - run.offset)]), as: UTF8.self)
        }
    }

    /// A delivery as text: the JSON line of a kept conversation, or what became of the record.
    static func text(_ r: ProcessedRecord) -> String {
        switch r {
        case .encoded(let bytes, _, _): return String(decoding: bytes, as: UTF8.self)
        case .encodedRun(let run): return lines(run).joined()
        case .dropped(let why): return "dropped \(why.reason.rawValue)"
        case .one(let c, let why): return "\(c.id) \(why?.reason.rawValue ?? "kept")"
        case .conversations(let group):
            return group.map { "\($0.0.turns.map(\.text)) \($0.1?.reason.rawValue ?? "kept")" }.joined()
        case .malformed(let issue): return "malformed \(issue.line)"
        }
    }
}
