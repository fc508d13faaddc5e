import Formats
import Foundation

/// The cores of a run shared among its sources: each source may use `jobs / sources` workers,
/// counting the sources not finished yet (at least one each).
///
/// Sources ask before each batch, so the last ones to run get the cores that finished sources leave
/// idle.
public final class WorkerBudget: @unchecked Sendable {
    private let lock = NSLock()
    private let jobs: Int
    private var remaining: Int

    public init(jobs: Int, sources: Int) {
        self.jobs = max(1, jobs)
        remaining = max(1, sources)
    }

    /// Workers a running source may use now.
    public var perSource: Int {
        lock.lock()
        defer { lock.unlock() }
        return max(1, jobs / max(1, remaining))
    }

    /// Tells the budget that a source has finished.
    public func sourceFinished() {
        lock.lock()
        remaining -= 1
        lock.unlock()
    }
}

/// What a record became, delivered in input order.
public enum ProcessedRecord {
    case malformed(InputIssue)
    /// The record's one conversation with its rejection (`nil` = kept): the common case, with
    /// no array to allocate per record.
    case one(Conversation, Rejection?)
    /// Each conversation of the record with its rejection (`nil` = kept).
    case conversations([(Conversation, Rejection?)])
    /// A kept conversation that a worker thread already encoded with the processor's
    /// ``RecordEncoder``: its bytes (valid only while the delivery runs), its output lines and
    /// its tokens (when counted).
    case encoded(UnsafeBufferPointer<UInt8>, lines: Int, tokens: Int?)
    /// Kept conversations of consecutive records, each of one record, encoded one after another
    /// by a worker thread (valid only while the delivery runs): see ``EncodedRecords``.
    case encodedRun(EncodedRecords)
    /// A conversation rejected by a stateful step whose turns were not kept, because the
    /// encoder does not keep conversations (nothing writes rejected ones). Counted all the same.
    case dropped(Rejection)
}

extension RecordEncoder {
    /// The encoder of JSON Lines, one line a conversation, on every lane.
    public static func jsonl(_ encoder: JSONLEncoder, keepsConversations: Bool) -> RecordEncoder {
        RecordEncoder(
            keepsConversations: keepsConversations,
            encode: { c, out in
                encoder.encode(c, into: &out)
                return 1
            },
            encodeBytes: { c, out in
                encoder.encode(c, into: &out)
                return 1
            },
            encodeRecords: { batch, records, out, ends, lines in
                let head = encoder.head(of: batch)
                for r in records {
                    batch.withRecord(r) { encoder.encode($0, head: head, into: &out) }
                    ends.append(out.count)
                    lines.append(1)
                }
            })
    }

    /// The encoder of TSV pairs, on every lane.
    public static func tsv(_ encoder: TSVEncoder, keepsConversations: Bool) -> RecordEncoder {
        RecordEncoder(
            keepsConversations: keepsConversations, encode: { c, out in encoder.encode(c, into: &out) },
            encodeBytes: { c, out in encoder.encode(c, into: &out) },
            encodeRecords: { batch, records, out, ends, lines in
                for r in records {
                    lines.append(batch.withRecord(r) { encoder.encode($0, into: &out) })
                    ends.append(out.count)
                }
            })
    }
}

/// Records encoded one after another: record `k` is the bytes up to `ends[k] - offset` in
/// `bytes` (from where the one before it ends), and holds `lines[k]` output lines.
public struct EncodedRecords {
    public var bytes: UnsafeBufferPointer<UInt8>
    public var ends: ArraySlice<Int>
    public var offset: Int
    public var lines: ArraySlice<Int>
}

/// How the writer encodes a kept conversation, so that worker threads can do it ahead of the
/// writer when nothing after the parallel steps changes a conversation.
public struct RecordEncoder: Sendable {
    /// Appends the conversation's output lines; returns how many it wrote.
    public var encode: @Sendable (Conversation, inout [UInt8]) -> Int
    /// The same for a conversation on the byte lane (the same bytes as `encode` gives its
    /// ``ByteConversation/conversation()``), or `nil`: such records then take the general path.
    public var encodeBytes: (@Sendable (ByteConversation, inout [UInt8]) -> Int)?
    /// Appends the records of a batch on the batch lane (``ByteBatch``) at the given indices,
    /// in order, as `encode` would their conversations, and for each the end of its bytes in
    /// the buffer and its output lines; or `nil`: such records then take the byte lane one by
    /// one.
    public var encodeRecords: EncodeRecords?

    public typealias EncodeRecords =
        @Sendable (
            _ batch: ByteBatch, _ records: [Int], _ out: inout [UInt8], _ ends: inout [Int], _ lines: inout [Int]
        ) -> Void
    /// Keep each conversation until its stateful steps have run, so a rejected one can be
    /// written to a rejects file.
    public var keepsConversations: Bool

    public init(
        keepsConversations: Bool, encode: @escaping @Sendable (Conversation, inout [UInt8]) -> Int,
        encodeBytes: (@Sendable (ByteConversation, inout [UInt8]) -> Int)? = nil,
        encodeRecords: EncodeRecords? = nil
    ) {
        self.encode = encode
        self.encodeBytes = encodeBytes
        self.encodeRecords = encodeRecords
        self.keepsConversations = keepsConversations
    }
}

/// Runs a source's pipeline on records, in parallel where that cannot change the result.
///
/// The steps before the first stateful one (a deduplicator) do not depend on other records, so
/// batches of records go through them on up to `workers` threads, each with its own copy of
/// those steps. The stateful steps, the record counts and the delivery to the writer happen on
/// the caller's thread, batch by batch in input order, so the output is the same, byte for byte,
/// for any number of workers. At most `4 × workers` batches are in flight (queued or running),
/// so memory stays bounded, and at most `2 × workers` run at once, each on a copy of the steps.
/// Only batches and step counts cross threads.
///
/// When every stateful step is a ``KeyedStep``, no context splitter runs and an encoder is
/// given, the workers also compute the stateful steps' keys and encode each kept conversation;
/// the caller's thread then only decides on keys and hands bytes to the writer.
final class StagedProcessor: @unchecked Sendable {
    /// How many records ahead the deciding thread asks for the dedup slots it will read.
    static let prefetchDistance = 8

    private enum Staged {
        case malformed(InputIssue)
        case one(Conversation, Rejection?)
        case conversations([(Conversation, Rejection?)])
        /// Kept by the parallel steps, encoded up to `end` in the batch's bytes; its keys are
        /// the next ones in the batch's keys.
        case prepared(RecordIdentity, end: Int, lines: Int, tokens: Int?, conversation: Conversation?)
        /// Rejected by a parallel step on the byte lane, with no conversation to keep.
        case dropped(Rejection)
        /// Consecutive records of a batch on the batch lane, each kept by the parallel steps
        /// and encoded; their keys are the next ones in the batch's keys.
        case preparedRun(PreparedRun)
    }

    /// Records of one file kept by the parallel steps and encoded one after another in the
    /// batch's bytes: record `k` came from `origins[k]`, and its bytes end at `ends[k]`.
    private struct PreparedRun {
        let source: String
        let file: String
        var origins: [(line: Int, ordinal: Int)] = []
        var ends: [Int] = []
        var lines: [Int] = []
    }

    private struct StagedBatch {
        var items: [Staged] = []
        var bytes: [UInt8] = []
        var keys: [StableHash] = []
    }

    private final class Worker: @unchecked Sendable {
        var pipeline: Pipeline
        /// The sizes of this copy's last batch (a chunk of lines is one record in, many out):
        /// a new batch reserves as much, rather than growing its arrays by doubling (a copy of
        /// their contents each time); its bytes a quarter more, since a batch of the same
        /// records' count often encodes to a few more bytes than the last, and one doubling of
        /// half a megabyte costs more than the room.
        var itemsHint = 0
        var bytesHint = 0
        var keysHint = 0
        /// Where the steps write the texts they make for the records of one batch on the byte
        /// lane (see ``TextArena``); reset once the batch's records are staged.
        let arena = TextArena()
        init(_ pipeline: Pipeline) { self.pipeline = pipeline }
    }

    /// The sequential part: stateful steps, record counts, malformed and written counts.
    private var sequential: Pipeline
    /// Cuts kept conversations to a context length, last, on this thread.
    private var splitter: ContextSplitter?
    /// Every step, as given (the manifest describes them when the run ends).
    private let steps: [any PipelineStep]
    private let stepIDs: [String]
    /// The parallel steps not ready when the run started (see ``PipelineStep/isReady``): each
    /// is waited for, and must not have failed, before the first batch is delivered.
    private let gates: [any PipelineStep]
    private var gatesPassed = false
    private let workers: [Worker]
    private var free: [Worker]
    private let batchSize: Int
    private var batch: [ExtractedRecord] = []
    private var submitted = 0
    private var delivered = 0
    private var finished: [Int: StagedBatch] = [:]
    /// Set when workers encode kept conversations (see the type's description).
    private let encoder: RecordEncoder?
    /// The encoder's byte-lane half, when records on the byte lane may be encoded by the
    /// workers (read once here, not per record: a copy of the encoder retains its closures).
    private let encodeBytes: (@Sendable (ByteConversation, inout [UInt8]) -> Int)?
    /// The same for records of the batch lane.
    private let encodeRecords: RecordEncoder.EncodeRecords?
    private let keyTypes: [any KeyedStep.Type]
    private let lock = NSLock()
    /// Signalled when a batch task ends (a slot frees up).
    private let slotFreed = DispatchSemaphore(value: 0)
    /// Batch tasks running or queued on worker threads.
    private var inFlight = 0
    /// Set by ``abandon()``: queued batch tasks end without running their batch.
    private var abandoned = false
    /// Batch tasks that ran their batch to the end: for tests of ``abandon()``.
    private(set) var batchesRun = 0
    /// The copies of the parallel steps not held by a running batch task.
    private let copiesFree: DispatchSemaphore
    /// The most workers this source may use; `budget` may allow fewer at a given time.
    private let maxWorkers: Int
    private let budget: WorkerBudget?
    private let group = DispatchGroup()
    private let queue = DispatchQueue(label: "corpus-clean.stage", attributes: .concurrent)

    init(
        steps: [any PipelineStep], workers: Int, batchSize: Int = 512, splitter: ContextSplitter? = nil,
        encoder: RecordEncoder? = nil, budget: WorkerBudget? = nil
    ) {
        let all = Pipeline(steps: steps)
        let split = all.firstStatefulStep
        self.splitter = splitter
        self.steps = steps
        gates = steps[..<split].filter { !$0.isReady }
        stepIDs = steps.map(\.id)
        sequential = Pipeline(steps: Array(steps[split...]))
        let prepares = splitter == nil && (split == steps.count || sequential.isKeyed)
        self.encoder = prepares ? encoder : nil
        encodeBytes = prepares && encoder?.keepsConversations == false ? encoder?.encodeBytes : nil
        encodeRecords = encodeBytes == nil ? nil : encoder?.encodeRecords
        keyTypes = prepares ? sequential.keyTypes : []
        let count = max(1, workers)
        maxWorkers = count
        self.budget = budget
        // One copy of the parallel steps per batch running: at most 2 × workers (more batches
        // may wait in the queue, see `flushBatch`).
        let copies = count == 1 ? 1 : 2 * count
        copiesFree = DispatchSemaphore(value: copies)
        self.workers = (0..<copies).map { _ in Worker(Pipeline(steps: steps[..<split].map { $0.copyForWorker() })) }
        free = self.workers
        self.batchSize = batchSize
    }

    /// The pipeline as the manifest describes it.
    var description: [StepDescription] {
        Pipeline(steps: steps).description + (splitter.map { [$0.description] } ?? [])
    }

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
        if case .bytes(let c) = record {
            // Outside a chunk (not how extractors emit it): its bytes live only during this call.
            try submit(.conversation(c.conversation()), deliver: deliver)
            return
        }
        switch record {
        case .chunk, .batch:
            // A chunk holds thousands of records: a batch of its own.
            try flushBatch(deliver: deliver)
            batch.append(record)
            try flushBatch(deliver: deliver)
            return
        default:
            break
        }
        batch.append(record)
        guard batch.count >= batchSize else { return }
        try flushBatch(deliver: deliver)
    }

    /// Processes what is left and delivers everything, in order.
    ///
    /// Each batch is delivered as soon as it and the ones before it are done, while the last
    /// ones still run: the writer then compresses the output of the first while the workers
    /// finish the others, instead of all of it after the last batch.
    func finish(deliver: (ProcessedRecord) throws -> Void) throws {
        try flushBatch(deliver: deliver)
        while true {
            lock.lock()
            let running = inFlight
            lock.unlock()
            // A task stores its batch before it leaves `inFlight`: with none left, this
            // delivers the rest.
            try deliverReady(deliver: deliver)
            if running == 0 { break }
            _ = slotFreed.wait(timeout: .now() + .milliseconds(20))
        }
        group.wait()
        try deliverReady(deliver: deliver)
    }

    /// Ends a run that failed: batches queued and not started are skipped, and this returns once
    /// the running ones have ended.
    ///
    /// So no worker of a failed source is still at work when the process exits (C++ libraries'
    /// static objects, simdjson's among them, are destroyed at exit under any thread still using
    /// them: an abort instead of the exit code).
    func abandon() {
        lock.lock()
        abandoned = true
        lock.unlock()
        group.wait()
        lock.lock()
        finished.removeAll()
        lock.unlock()
    }

    private func flushBatch(deliver: (ProcessedRecord) throws -> Void) throws {
        guard !batch.isEmpty else { return }
        let records = batch
        batch.removeAll(keepingCapacity: true)
        let index = submitted
        submitted += 1
        let allowed = min(maxWorkers, budget?.perSource ?? maxWorkers)
        if allowed == 1 {
            // On this thread, once no batch task is left that could hold a worker.
            lock.lock()
            let running = inFlight
            lock.unlock()
            if running > 0 { group.wait() }
            store(stage(records, workers[0]), at: index)
            try deliverReady(deliver: deliver)
            return
        }
        // Wait for a slot (at most 4 × allowed batches in flight). A slot frees when a batch
        // task ends, so the next batch goes out at once, and finished batches are delivered
        // after it: delivered first, they kept the workers waiting for work meanwhile. Batches
        // queued beyond the ones running keep the workers busy while this thread delivers.
        while true {
            lock.lock()
            let hasSlot = inFlight < 4 * allowed
            if hasSlot { inFlight += 1 }
            lock.unlock()
            if hasSlot { break }
            _ = slotFreed.wait(timeout: .now() + .milliseconds(20))
        }
        group.enter()
        queue.async { [self] in
            copiesFree.wait()
            lock.lock()
            let skip = abandoned
            lock.unlock()
            if !skip {
                let worker = claim()
                let staged = stage(records, worker)
                release(worker)
                store(staged, at: index)
            }
            copiesFree.signal()
            lock.lock()
            inFlight -= 1
            if !skip { batchesRun += 1 }
            lock.unlock()
            slotFreed.signal()
            group.leave()
        }
        try deliverReady(deliver: deliver)
    }

    private func claim() -> Worker {
        lock.lock()
        defer { lock.unlock() }
        return free.removeLast()  // `copiesFree` lets a task in only when a copy is free
    }

    private func release(_ worker: Worker) {
        lock.lock()
        free.append(worker)
        lock.unlock()
    }

    private func store(_ staged: StagedBatch, at index: Int) {
        lock.lock()
        finished[index] = staged
        lock.unlock()
    }

    /// Runs the parallel steps on a batch (on a worker thread: reads only constants of `self`).
    private func stage(_ records: [ExtractedRecord], _ worker: Worker) -> StagedBatch {
        if let waiting = worker.pipeline.firstUnreadyStep {
            defer { worker.arena.reset() }
            return stage(records, worker, aheadOf: waiting)
        }
        var batch = StagedBatch()
        batch.items.reserveCapacity(max(records.count, worker.itemsHint))
        batch.bytes.reserveCapacity(worker.bytesHint + worker.bytesHint / 4)
        batch.keys.reserveCapacity(worker.keysHint)
        for record in records { stage(record, worker, into: &batch) }
        // Every record of the batch is encoded or dropped by now: nothing borrows the arena.
        worker.arena.reset()
        (worker.itemsHint, worker.bytesHint, worker.keysHint) = (batch.items.count, batch.bytes.count, batch.keys.count)
        return batch
    }

    private func stage(_ record: consuming ExtractedRecord, _ worker: Worker, into batch: inout StagedBatch) {
        // Consumed, so that a conversation moves out of the record instead of being copied.
        switch consume record {
        case .deferred(let make):
            stage(make(), worker, into: &batch)
        case .chunk(let records):
            records { stage($0, worker, into: &batch) }
        case .malformed(let issue):
            batch.items.append(.malformed(issue))
        case .batch(let make):
            let records = make(worker.arena)
            if let encodeRecords {
                stage(records, worker, encodeRecords, into: &batch)
            } else {
                for r in 0..<records.count { stage(records.record(r), worker, into: &batch) }
            }
        case .bytes(let record):
            if let encodeBytes {
                var c = record
                c.arena = worker.arena
                let outcome = worker.pipeline.applyBytes(&c)
                switch outcome {
                case .rejected(_, _, let rejection):
                    // Counted and dropped: nothing writes rejected records in such a run.
                    worker.pipeline.countBytes(outcome)
                    batch.items.append(.dropped(rejection))
                    return
                case .general:
                    break
                case .passed:
                    let mark = batch.keys.count
                    var keyed = true
                    for type in keyTypes {
                        guard let key = type.key(bytes: c) else {
                            keyed = false
                            break
                        }
                        batch.keys.append(key)
                    }
                    if keyed {
                        worker.pipeline.countBytes(outcome)
                        let lines = encodeBytes(c, &batch.bytes)
                        batch.items.append(
                            .prepared(
                                RecordIdentity(c), end: batch.bytes.count, lines: lines, tokens: nil, conversation: nil)
                        )
                        return
                    }
                    batch.keys.removeSubrange(mark...)
                }
            }
            stage(.conversation(record.conversation()), worker, into: &batch)
        case .conversation(var c):
            let why = worker.pipeline.apply(&c)
            finish(c, why, into: &batch)
        case .conversations(let group):
            batch.items.append(
                .conversations(
                    group.map { c in
                        var c = c
                        let why = worker.pipeline.apply(&c)
                        return (c, why)
                    }))
        }
    }

    /// Runs the parallel steps on the records of a ``ByteBatch`` (the batch lane), and adds
    /// them to `batch` in order: the kept ones encoded, in runs, with their keys; the general
    /// path, from the record as extracted, for those a step or a key sends there.
    private func stage(
        _ records: ByteBatch, _ worker: Worker, _ encode: RecordEncoder.EncodeRecords, into batch: inout StagedBatch
    ) {
        var lane = LaneBatch(records)
        worker.pipeline.applyBatch(&lane)
        // Kept records are encoded a run at a time, so that the items stay in input order and
        // the bytes of a record of the general path (when a worker encodes it) come between
        // the runs'.
        var ends: [Int] = []
        var lines: [Int] = []
        var pending: [Int] = []
        var passed = Pipeline.PassedTally()
        defer { worker.pipeline.countPassed(passed) }
        func closeRun() {
            guard !pending.isEmpty else { return }
            ends.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
            encode(lane.records, pending, &batch.bytes, &ends, &lines)
            var run = PreparedRun(source: records.source, file: records.file)
            run.origins = pending.map { records.position($0) }
            run.ends = ends
            run.lines = lines
            batch.items.append(.preparedRun(run))
            pending.removeAll(keepingCapacity: true)
        }
        for r in 0..<lane.count {
            // A record kept on the lane joins the run, with its keys (the next in the batch's).
            if lane.isLive(r) {
                let mark = batch.keys.count
                let keyed = lane.records.withRecord(r) { record -> Bool in
                    for type in keyTypes {
                        guard let key = type.key(record: record) else { return false }
                        batch.keys.append(key)
                    }
                    return true
                }
                if keyed {
                    passed.add(modified: lane.modifiedSteps(r))
                    pending.append(r)
                    continue
                }
                batch.keys.removeSubrange(mark...)
            }
            closeRun()
            if let issue = records.issue(r) {
                batch.items.append(.malformed(issue))
            } else if case .rejected(_, _, let rejection) = lane.outcomes[r] {
                worker.pipeline.countBytes(lane.outcomes[r])
                batch.items.append(.dropped(rejection))
            } else {
                // The record as the extractor gave it (the steps' changes are in `lane` only).
                stage(.conversation(records.byteConversation(r).conversation()), worker, into: &batch)
            }
        }
        closeRun()
    }

    /// Adds a conversation that went through the parallel steps to `batch`: encoded, with its
    /// keys, when kept and the workers encode.
    private func finish(_ c: Conversation, _ why: Rejection?, into batch: inout StagedBatch) {
        guard why == nil, let encoder else {
            batch.items.append(.one(c, why))
            return
        }
        for type in keyTypes { batch.keys.append(type.key(for: c)) }
        let lines = encoder.encode(c, &batch.bytes)
        batch.items.append(
            .prepared(
                RecordIdentity(c), end: batch.bytes.count, lines: lines,
                tokens: c.turnTokens?.reduce(0, +), conversation: encoder.keepsConversations ? c : nil))
    }

    /// ``stage(_:_:)`` while step `k` is not ready (its tables are still being built): every record
    /// of the batch goes through the steps before it first, then, in order, through the rest (step
    /// `k` waits there until it is ready).
    ///
    /// Each record meets the same steps in the same order as in ``stage(_:_:)``, and the parallel
    /// steps never depend on other records, so the batch is the same; only records on the byte lane
    /// take the general path instead, which gives the same bytes.
    private func stage(_ records: [ExtractedRecord], _ worker: Worker, aheadOf k: Int) -> StagedBatch {
        enum Held {
            case staged(Staged)
            case one(Conversation)
            case group([(Conversation, Rejection?)])
        }
        var held: [Held] = []
        held.reserveCapacity(records.count)
        func hold(_ record: ExtractedRecord) {
            switch record {
            case .deferred(let make):
                hold(make())
            case .chunk(let records):
                records { hold($0) }
            case .malformed(let issue):
                held.append(.staged(.malformed(issue)))
            case .bytes(let record):
                // Its bytes live only during this call.
                hold(.conversation(record.conversation()))
            case .batch(let make):
                let records = make(worker.arena)
                for r in 0..<records.count { hold(records.record(r)) }
            case .conversation(var c):
                if let why = worker.pipeline.apply(&c, steps: 0..<k) {
                    held.append(.staged(.one(c, why)))
                } else {
                    held.append(.one(c))
                }
            case .conversations(let group):
                held.append(
                    .group(
                        group.map { c in
                            var c = c
                            let why = worker.pipeline.apply(&c, steps: 0..<k)
                            return (c, why)
                        }))
            }
        }
        for record in records { hold(record) }
        let end = worker.pipeline.steps.count
        var batch = StagedBatch()
        batch.items.reserveCapacity(held.count)
        for item in held {
            switch item {
            case .staged(let staged):
                batch.items.append(staged)
            case .one(var c):
                let why = worker.pipeline.apply(&c, steps: k..<end)
                finish(c, why, into: &batch)
            case .group(let group):
                batch.items.append(
                    .conversations(
                        group.map { c, why in
                            guard why == nil else { return (c, why) }
                            var c = c
                            let rest = worker.pipeline.apply(&c, steps: k..<end)
                            return (c, rest)
                        }))
            }
        }
        return batch
    }

    /// Runs the sequential steps on the finished batches that come next, and delivers them.
    private func deliverReady(deliver: (ProcessedRecord) throws -> Void) throws {
        while true {
            lock.lock()
            let next = finished.removeValue(forKey: delivered)
            lock.unlock()
            guard let batch = next else { return }
            if !gatesPassed {
                // A step that could not get ready (ICU failed) changed nothing: the run fails
                // here, before anything is written.
                for gate in gates { try gate.awaitReady() }
                gatesPassed = true
            }
            delivered += 1
            try batch.bytes.withUnsafeBufferPointer { bytes in
                var start = 0  // where the next prepared record's bytes begin
                var key = 0  // and its keys
                // The dedup tables are far larger than the cache: their slots for the keys a few
                // records ahead are asked for before they are needed.
                let stride = keyTypes.count
                var ahead = 0
                func prefetch(until end: Int) {
                    while ahead < min(end, batch.keys.count) {
                        sequential.prefetch(keys: batch.keys[ahead..<ahead + stride])
                        ahead += stride
                    }
                }
                if stride > 0 { prefetch(until: Self.prefetchDistance * stride) }
                for item in batch.items {
                    switch item {
                    case .malformed(let issue):
                        sequential.countMalformed(issue.kind)
                        try deliver(.malformed(issue))
                    case .one(var c, let why):
                        let rejection = why ?? sequential.apply(&c)
                        if rejection == nil, let results = splitter?.split(c) {
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
                    case .dropped(let rejection):
                        sequential.countRecord(rejection)
                        try deliver(.dropped(rejection))
                    case .prepared(let record, let end, let lines, let tokens, let conversation):
                        let rejection =
                            keyTypes.isEmpty
                            ? nil : sequential.decide(keys: batch.keys[key..<key + keyTypes.count], record: record)
                        key += keyTypes.count
                        if stride > 0 { prefetch(until: key + Self.prefetchDistance * stride) }
                        sequential.countRecord(rejection)
                        if let rejection {
                            try deliver(conversation.map { .one($0, rejection) } ?? .dropped(rejection))
                        } else {
                            try deliver(
                                .encoded(
                                    UnsafeBufferPointer(rebasing: bytes[start..<end]), lines: lines, tokens: tokens))
                        }
                        start = end
                    case .preparedRun(let run):
                        // Decided all at once; the kept records go to the writer in runs, between
                        // the rejected ones.
                        let rejected = sequential.decide(
                            keys: batch.keys[key..<key + run.ends.count * stride], source: run.source,
                            file: run.file, origins: run.origins, prefetchDistance: Self.prefetchDistance)
                        key += run.ends.count * stride
                        ahead = max(ahead, key)
                        prefetch(until: key + Self.prefetchDistance * stride)
                        var first = 0  // the first record of the kept run not yet delivered
                        func flush(until k: Int) throws {
                            guard first < k else { return }
                            let offset = first == 0 ? start : run.ends[first - 1]
                            try deliver(
                                .encodedRun(
                                    EncodedRecords(
                                        bytes: UnsafeBufferPointer(rebasing: bytes[offset..<run.ends[k - 1]]),
                                        ends: run.ends[first..<k], offset: offset, lines: run.lines[first..<k])))
                        }
                        for (k, rejection) in rejected {
                            try flush(until: k)
                            first = k + 1
                            try deliver(.dropped(rejection))
                        }
                        try flush(until: run.ends.count)
                        start = run.ends[run.ends.count - 1]
                    }
                }
            }
        }
    }
}
