import Dispatch
import Formats
import Foundation
import Testing

@testable import Pipelines

/// Stands for tables being built on another thread: closed until opened, then open for good,
/// with the failure it was opened with (if any).
final class TestGate: @unchecked Sendable {
    private let lock = NSLock()
    private var open = false
    private var failure: (any Error)?
    private let opened = DispatchSemaphore(value: 0)

    var isOpen: Bool {
        lock.lock()
        defer { lock.unlock() }
        return open
    }

    func openUp(failing: (any Error)? = nil) {
        lock.lock()
        open = true
        failure = failing
        lock.unlock()
        opened.signal()
    }

    func wait() throws {
        if !isOpen {
            opened.wait()
            opened.signal()
        }
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
    }
}

/// Counts the records a step saw, across threads.
final class TestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return n
    }
    func add() {
        lock.lock()
        n += 1
        lock.unlock()
    }
}

/// Counts each record it sees, and changes nothing.
struct CountingStep: PipelineStep {
    let id = "test.counting"
    let counter: TestCounter
    mutating func apply(_ c: inout Conversation) -> StepVerdict {
        counter.add()
        return .unchanged
    }
}

/// A step that is not ready until its gate opens (as `convert.t2s` while its ICU table is
/// compiled): it waits there, then rejects answers ending in 9 and marks the others.
struct GatedStep: PipelineStep {
    let id = "test.gated"
    let gate: TestGate
    var isReady: Bool { gate.isOpen }
    func awaitReady() throws { try gate.wait() }
    mutating func apply(_ c: inout Conversation) -> StepVerdict {
        guard (try? gate.wait()) != nil else { return .unchanged }
        if c.turns[1].text.hasSuffix("9") { return .rejected(.tooShort, detail: "gated") }
        c.turns[1].text += "·"
        return .modified
    }
}

struct TestFailure: Error, Equatable {}

@Suite(.serialized) struct StepReadinessTests {
    static let records: [ExtractedRecord] = (1...300).map { i in
        let origin = RecordOrigin(file: "f", line: i, ordinal: i)
        if i % 50 == 0 { return .malformed(InputIssue(kind: .invalidUTF8, file: "f", line: i, detail: "x")) }
        if i % 41 == 0 {
            return .conversations([
                .pair(source: "test", origin: origin, "甲\(i)", "乙\(i)"),
                .pair(source: "test", origin: origin, "丙", "丁9"),
            ])
        }
        return .conversation(.pair(source: "test", origin: origin, " 问\(i % 60) ", i % 13 == 0 ? "" : "答\(i % 10)"))
    }

    /// What a processor delivers for the records, as text, and its step counts, with the gated
    /// step opened by `open` (called on another thread once the processor has started).
    static func run(open: @escaping @Sendable (TestGate, TestCounter) -> Void) throws -> ([String], [StepStats]) {
        let gate = TestGate()
        let counter = TestCounter()
        let steps: [any PipelineStep] = [
            TextNormalizeStep(), CountingStep(counter: counter), GatedStep(gate: gate), EmptyTurnFilter(),
            ExactDeduplicator(),
        ]
        let processor = ProcessorProbe.processor(steps, workers: 3, batchSize: 16)
        var out: [String] = []
        func deliver(_ r: ProcessedRecord) { out.append(ProcessorProbe.text(r)) }
        Thread.detachNewThread { open(gate, counter) }
        for record in records { try processor.submit(record, deliver: deliver) }
        try processor.finish(deliver: deliver)
        return (out, processor.stats.steps)
    }

    /// Workers take records through the steps before one that is not ready yet, then through
    /// the rest once it is: what is delivered, in order, and every step's counts are the same
    /// as when it was ready from the start.
    @Test func recordsGoAheadOfAStepNotReadyAndNothingChanges() throws {
        let (ready, readyStats) = try Self.run { gate, _ in gate.openUp() }
        #expect(ready.count == 300)
        #expect(ready.contains("dropped duplicate") && ready.contains("malformed 50"))
        #expect(ready.contains { $0.contains("答1·") })
        #expect(ready.contains { $0.contains("too-short") })
        let ahead = TestCounter()
        let (late, lateStats) = try Self.run { gate, seen in
            // Open only once a worker has taken a whole batch past the step before it (with no
            // going ahead, each would stop at its first record), giving up after five seconds.
            let deadline = Date().addingTimeInterval(5)
            while seen.value < 16, Date() < deadline { usleep(1_000) }
            for _ in 0..<seen.value { ahead.add() }
            gate.openUp()
        }
        #expect(ahead.value >= 16)
        #expect(late == ready)
        #expect(lateStats == readyStats)
    }

    /// A step that cannot get ready fails the run before anything is delivered.
    @Test func aStepThatFailsToGetReadyFailsTheRunBeforeAnyDelivery() throws {
        let gate = TestGate()
        let processor = StagedProcessor(steps: [TextNormalizeStep(), GatedStep(gate: gate)], workers: 2, batchSize: 8)
        var delivered = 0
        Thread.detachNewThread {
            usleep(20_000)
            gate.openUp(failing: TestFailure())
        }
        #expect(throws: TestFailure.self) {
            for record in Self.records { try processor.submit(record) { _ in delivered += 1 } }
            try processor.finish { _ in delivered += 1 }
        }
        #expect(delivered == 0)
    }
}
