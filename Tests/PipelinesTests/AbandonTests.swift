import Formats
import Foundation
import Testing

@testable import Pipelines

/// A step that takes its time, so that batches are still queued and running when the run fails.
private struct SlowStep: PipelineStep {
    let id = "test.slow"
    mutating func apply(_ c: inout Conversation) -> StepVerdict {
        Thread.sleep(forTimeInterval: 0.01)
        return .unchanged
    }
}

private struct WriterFailed: Error {}

@Suite struct AbandonTests {
    /// When delivery fails (a full disk), the source's batches stop: the queued ones are
    /// skipped and `abandon()` returns once the running ones have ended, so no worker is left
    /// running when the process exits.
    @Test func aFailedRunLeavesNoWorkerRunning() throws {
        let processor = ProcessorProbe.processor([SlowStep()], workers: 2, batchSize: 1)
        let records = (1...40).map { i in
            Conversation.pair(source: "test", origin: RecordOrigin(file: "f", line: i, ordinal: i), "问\(i)", "答")
        }
        #expect(throws: WriterFailed.self) {
            for r in records { try processor.submit(.conversation(r)) { _ in throw WriterFailed() } }
            try processor.finish { _ in throw WriterFailed() }
        }
        processor.abandon()
        let after = processor.batchesRun
        Thread.sleep(forTimeInterval: 0.1)
        #expect(processor.batchesRun == after, "a batch ran after abandon() returned")
        #expect(after > 0)
    }
}
