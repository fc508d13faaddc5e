import Formats
import Foundation

/// What a record became, delivered in input order.
public enum ProcessedRecord {
    case malformed(InputIssue)
    /// The record's one conversation with its rejection (`nil` = kept): the common case, with
    /// no array to allocate per record.
    case one(Conversation, Rejection?)
    /// Each conversation of the record with its rejection (`nil` = kept).
    case conversations([(Conversation, Rejection?)])
}

/// Runs a source's pipeline on records, in parallel where that cannot change the result.
///
/// The steps before the first stateful one (a deduplicator) do not depend on other records, so
/// batches of records go through them on up to `workers` threads, each with its own copy of
/// those steps. The stateful steps, the record counts and the delivery to the writer happen on
/// the caller's thread, batch by batch in input order, so the output is the same, byte for byte,
/// for any number of workers. At most `2 × workers` batches are in flight, so memory stays
/// bounded. Only batches and step counts cross threads.
final class StagedProcessor: @unchecked Sendable {
    private enum Staged {
        case malformed(InputIssue)
        case one(Conversation, Rejection?)
        case conversations([(Conversation, Rejection?)])
    }

    private final class Worker: @unchecked Sendable {
        var pipeline: Pipeline
        init(_ pipeline: Pipeline) { self.pipeline = pipeline }
    }

    /// The sequential part: stateful steps, record counts, malformed and written counts.
    private var sequential: Pipeline
    /// Cuts kept conversations to a context length, last, on this thread.
    private var splitter: ContextSplitter?
    private let stepDescription: [StepDescription]
    private let stepIDs: [String]
    private let workers: [Worker]
    private var free: [Worker]
    private let batchSize: Int
    private var batch: [ExtractedRecord] = []
    private var submitted = 0
    private var delivered = 0
    private var finished: [Int: [Staged]] = [:]
    private let lock = NSLock()
    private let slots: DispatchSemaphore
    private let group = DispatchGroup()
    private let queue = DispatchQueue(label: "corpus-clean.stage", attributes: .concurrent)

    init(steps: [any PipelineStep], workers: Int, batchSize: Int = 512, splitter: ContextSplitter? = nil) {
        let all = Pipeline(steps: steps)
        let split = all.firstStatefulStep
        self.splitter = splitter
        stepDescription = all.description + (splitter.map { [$0.description] } ?? [])
        stepIDs = steps.map(\.id)
        sequential = Pipeline(steps: Array(steps[split...]))
        let count = max(1, workers)
        // One copy of the parallel steps per batch in flight: at most 2 × workers.
        let inFlight = count == 1 ? 1 : 2 * count
        self.workers = (0..<inFlight).map { _ in Worker(Pipeline(steps: steps[..<split].map { $0.copyForWorker() })) }
        free = self.workers
        self.batchSize = batchSize
        slots = DispatchSemaphore(value: inFlight)
    }

    /// The pipeline as the manifest describes it.
    var description: [StepDescription] { stepDescription }

    /// All counts so far: the parallel steps' (summed over workers) and the sequential ones.
    var stats: PipelineStats {
        // Record counts live in the sequential part; step counts are summed over every copy.
        var s = sequential.stats
        let own = s.steps
        s.steps = stepIDs.map(StepStats.init(id:))
        func add(_ steps: [StepStats]) {
            for step in steps {
                if let i = s.steps.firstIndex(where: { $0.id == step.id }) { s.steps[i].merge(step) }
            }
        }
        lock.lock()
        for w in workers { add(w.pipeline.stats.steps) }
        lock.unlock()
        add(own)
        if let splitter { s.steps.append(splitter.stats) }
        return s
    }

    /// Records read so far (for progress).
    var read: Int { sequential.stats.read }

    /// Counts what the writer wrote for a kept conversation (and its tokens, when counted).
    func countWritten(conversations: Int, lines: Int, tokens: Int? = nil) {
        sequential.countWritten(conversations: conversations, lines: lines, tokens: tokens)
    }

    /// Takes one record; delivers whatever is complete, in order, to `deliver`.
    func submit(_ record: ExtractedRecord, deliver: (ProcessedRecord) throws -> Void) throws {
        batch.append(record)
        guard batch.count >= batchSize else { return }
        try flushBatch(deliver: deliver)
    }

    /// Processes what is left and delivers everything, in order.
    func finish(deliver: (ProcessedRecord) throws -> Void) throws {
        try flushBatch(deliver: deliver)
        group.wait()
        try deliverReady(deliver: deliver)
    }

    private func flushBatch(deliver: (ProcessedRecord) throws -> Void) throws {
        guard !batch.isEmpty else { return }
        let records = batch
        batch.removeAll(keepingCapacity: true)
        let index = submitted
        submitted += 1
        if workers.count == 1 {
            store(Self.stage(records, workers[0]), at: index)
            try deliverReady(deliver: deliver)
            return
        }
        // Wait for a slot, delivering finished batches meanwhile so the window moves on.
        while slots.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            try deliverReady(deliver: deliver)
        }
        group.enter()
        queue.async { [self] in
            let worker = claim()
            let staged = Self.stage(records, worker)
            release(worker)
            store(staged, at: index)
            slots.signal()
            group.leave()
        }
        try deliverReady(deliver: deliver)
    }

    private func claim() -> Worker {
        lock.lock()
        defer { lock.unlock() }
        return free.removeLast()  // a task holds a slot, and there is a worker per slot
    }

    private func release(_ worker: Worker) {
        lock.lock()
        free.append(worker)
        lock.unlock()
    }

    private func store(_ staged: [Staged], at index: Int) {
        lock.lock()
        finished[index] = staged
        lock.unlock()
    }

    /// Runs the parallel steps on a batch.
    private static func stage(_ records: [ExtractedRecord], _ worker: Worker) -> [Staged] {
        records.map { stage($0, worker) }
    }

    private static func stage(_ record: ExtractedRecord, _ worker: Worker) -> Staged {
        switch record {
        case .deferred(let make):
            return stage(make(), worker)
        case .malformed(let issue):
            return .malformed(issue)
        case .conversation(var c):
            let why = worker.pipeline.apply(&c)
            return .one(c, why)
        case .conversations(let group):
            return .conversations(
                group.map { c in
                    var c = c
                    let why = worker.pipeline.apply(&c)
                    return (c, why)
                })
        }
    }

    /// Runs the sequential steps on the finished batches that come next, and delivers them.
    private func deliverReady(deliver: (ProcessedRecord) throws -> Void) throws {
        while true {
            lock.lock()
            let next = finished.removeValue(forKey: delivered)
            lock.unlock()
            guard let staged = next else { return }
            delivered += 1
            for item in staged {
                switch item {
                case .malformed(let issue):
                    sequential.countMalformed(issue.kind)
                    try deliver(.malformed(issue))
                case .one(var c, let why):
                    let rejection = why ?? sequential.apply(&c)
                    if rejection == nil, splitter != nil {
                        let results = splitter!.split(c)
                        sequential.countRecord(results.map(\.1))
                        try deliver(.conversations(results))
                    } else {
                        sequential.countRecord(rejection)
                        try deliver(.one(c, rejection))
                    }
                case .conversations(let items):
                    let results = items.flatMap { c, why -> [(Conversation, Rejection?)] in
                        guard why == nil else { return [(c, why)] }
                        var c = c
                        if let rejection = sequential.apply(&c) { return [(c, rejection)] }
                        return splitter?.split(c) ?? [(c, nil)]
                    }
                    sequential.countRecord(results.map(\.1))
                    try deliver(.conversations(results))
                }
            }
        }
    }
}
