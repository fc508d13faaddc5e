import Formats
import Testing

@testable import Pipelines

@Suite struct WorkerBudgetTests {
    @Test func coresAreSharedAmongTheSourcesNotFinished() {
        let budget = WorkerBudget(jobs: 2, sources: 3)
        #expect(budget.perSource == 1)
        budget.sourceFinished()
        #expect(budget.perSource == 1)
        budget.sourceFinished()
        #expect(budget.perSource == 2)
        let wide = WorkerBudget(jobs: 8, sources: 3)
        #expect(wide.perSource == 2)
    }

    /// Sources start largest first, ties in the order given.
    @Test func sourcesStartLargestFirst() {
        #expect(BatchRunner.startOrder(bytes: [10, 3_000, 5, 3_000, 600]) == [1, 3, 4, 0, 2])
        #expect(BatchRunner.startOrder(bytes: []) == [])
    }

    /// What a processor delivers for `records`, as text, when its budget grows from one worker
    /// to three after `flipAfter` records (never, with `nil`).
    static func deliveries(_ records: [Conversation], flipAfter: Int?) throws -> [String] {
        let budget = WorkerBudget(jobs: 3, sources: 2)
        let steps: [any PipelineStep] = [TextNormalizeStep(), EmptyTurnFilter(), ExactDeduplicator()]
        let processor = ProcessorProbe.processor(steps, workers: 3, batchSize: 2, budget: budget)
        var out: [String] = []
        func deliver(_ r: ProcessedRecord) { out.append(ProcessorProbe.text(r)) }
        for (i, c) in records.enumerated() {
            if i == flipAfter { budget.sourceFinished() }
            try processor.submit(.conversation(c), deliver: deliver)
        }
        try processor.finish(deliver: deliver)
        return out
    }

    /// A source that gets more workers in the middle of its run (the others finished) delivers
    /// the same records, in the same order, as one that never does.
    @Test func moreWorkersMidRunChangeNothing() throws {
        let records = (1...200).map { i in
            Conversation.pair(
                source: "test", origin: RecordOrigin(file: "f", line: i, ordinal: i), " 问\(i % 50) ",
                i % 7 == 0 ? "" : "答")
        }
        let steady = try Self.deliveries(records, flipAfter: nil)
        #expect(steady.count == 200)
        #expect(steady.contains("dropped duplicate"))
        #expect(steady.contains { $0.hasPrefix("test:f:7 empty-turn") })
        for flip in [1, 37, 120] {
            #expect(try Self.deliveries(records, flipAfter: flip) == steady)
        }
    }
}
