import Formats

/// An ordered array of steps applied to each conversation, with per-step counts.
///
/// The pipeline does no I/O: the runner pulls records from an extractor and hands them to a
/// ``StagedProcessor``, which runs the order-independent steps of a pipeline on worker threads
/// and the rest in input order (``apply(_:)``, ``countRecord(_:)``); ``process(_:)`` does both
/// for one conversation. The runner routes each result to the writer or the rejects sink.
public struct Pipeline {
    /// The steps, unless every one is a ``KeyedStep`` (then they are in `keyed`): each step is
    /// held once, so mutating it never copies its state.
    private var plain: [any PipelineStep]
    private var keyed: [any KeyedStep]
    public private(set) var stats: PipelineStats

    public init(steps: [any PipelineStep]) {
        let keyed = steps.compactMap { $0 as? any KeyedStep }
        if !steps.isEmpty, keyed.count == steps.count {
            self.keyed = keyed
            plain = []
        } else {
            self.keyed = []
            plain = steps
        }
        self.stats = PipelineStats(stepIDs: steps.map(\.id))
    }

    public var steps: [any PipelineStep] { keyed.isEmpty ? plain : keyed.map { $0 as any PipelineStep } }

    /// Whether every step is a ``KeyedStep`` (and there is at least one), so that
    /// ``decide(keys:record:)`` can stand in for ``apply(_:)``.
    public var isKeyed: Bool { !keyed.isEmpty }

    /// The types whose ``KeyedStep/key(for:)`` give the keys ``decide(keys:record:)`` takes,
    /// one per step, in order (types, not steps: a worker thread computes keys while the steps'
    /// state changes on another).
    public var keyTypes: [any KeyedStep.Type] { keyed.map { type(of: $0) } }

    /// Passes on the hint that ``decide(keys:record:)`` will soon be asked about `keys` (one per
    /// keyed step, as there).
    public func prefetch(keys: ArraySlice<StableHash>) {
        var k = keys.startIndex
        for step in keyed {
            step.prefetch(key: keys[k])
            k += 1
        }
    }

    /// What ``apply(_:)`` does for a keyed pipeline, given the keys of the conversation (one
    /// per step, from each step type's ``KeyedStep/key(for:)``): counts the steps.
    ///
    /// - Returns: the rejection, or `nil` when the conversation is kept.
    public mutating func decide(keys: ArraySlice<StableHash>, record: RecordIdentity) -> Rejection? {
        var k = keys.startIndex
        for i in keyed.indices {
            stats.steps[i].input += 1
            let verdict = keyed[i].decide(key: keys[k], record: record)
            k += 1
            if let rejection = count(verdict, at: i) { return rejection }
        }
        return nil
    }

    /// ``decide(keys:record:)`` for consecutive records of one file, counted as records too
    /// (``countRecord(_:)``): record `k` has the keys `keys[k × steps ..< (k + 1) × steps]` and
    /// comes from `origins[k]`.
    ///
    /// One call for many records, so that the pipeline is reached once (it is a stored property
    /// of the runner's), and the steps' slots are asked for `distance` records ahead. The steps
    /// take the run one after another, each over the records the steps before it kept, in
    /// order: each step sees what it would see record by record, and its existential is opened
    /// once for the run, not once per record (which copied the step's state every time).
    ///
    /// - Returns: the rejected records, by index, in order.
    public mutating func decide(
        keys: ArraySlice<StableHash>, source: String, file: String, origins: [(line: Int, ordinal: Int)],
        prefetchDistance distance: Int
    ) -> [(Int, Rejection)] {
        let record = RecordIdentity(source: source, origin: RecordOrigin(file: file, line: 0, ordinal: 0))
        var rejected: [(Int, Rejection)] = []
        for i in keyed.indices {
            let before = rejected
            rejected = Self.decide(
                &keyed[i], at: i, stride: keyed.count, stats: &stats, keys: keys, record: record, origins: origins,
                prefetchDistance: distance, skipping: before)
            if !before.isEmpty { rejected = Self.merged(before, rejected) }
        }
        for (_, rejection) in rejected { countRecord(rejection) }
        stats.read += origins.count - rejected.count
        stats.kept += origins.count - rejected.count
        return rejected
    }

    /// Keyed step `i` (of `stride`) of ``decide(keys:source:file:origins:prefetchDistance:)``,
    /// on the step itself, over the run's records but those in `skipping` (by index, in order):
    /// counts the step, and returns the records it rejects, in order.
    private static func decide<Step: KeyedStep>(
        _ step: inout Step, at i: Int, stride: Int, stats: inout PipelineStats, keys: ArraySlice<StableHash>,
        record: RecordIdentity, origins: [(line: Int, ordinal: Int)], prefetchDistance distance: Int,
        skipping: [(Int, Rejection)]
    ) -> [(Int, Rejection)] {
        var record = record
        var rejected: [(Int, Rejection)] = []
        let base = keys.startIndex + i
        var skip = 0  // the next of `skipping`
        for k in 0..<min(distance, origins.count) { step.prefetch(key: keys[base + k * stride]) }
        for k in origins.indices {
            if k + distance < origins.count { step.prefetch(key: keys[base + (k + distance) * stride]) }
            if skip < skipping.count, skipping[skip].0 == k {
                skip += 1
                continue
            }
            (record.origin.line, record.origin.ordinal) = origins[k]
            stats.steps[i].input += 1
            if let rejection = count(step.decide(key: keys[base + k * stride], record: record), at: i, in: &stats) {
                rejected.append((k, rejection))
            }
        }
        return rejected
    }

    /// Two lists of rejected records, each by index and in order, with no index in both, as one.
    private static func merged(_ a: [(Int, Rejection)], _ b: [(Int, Rejection)]) -> [(Int, Rejection)] {
        guard !b.isEmpty else { return a }
        var out: [(Int, Rejection)] = []
        out.reserveCapacity(a.count + b.count)
        var (x, y) = (0, 0)
        while x < a.count || y < b.count {
            if y == b.count || (x < a.count && a[x].0 < b[y].0) {
                out.append(a[x])
                x += 1
            } else {
                out.append(b[y])
                y += 1
            }
        }
        return out
    }

    /// Runs every step on `conversation`, in place, and counts the record as kept or rejected.
    ///
    /// - Returns: `nil` when the conversation is kept (as `conversation` now holds it), or the
    ///   rejection (with `conversation` as it stood when rejected).
    public mutating func process(_ conversation: inout Conversation) -> Rejection? {
        let rejection = runSteps(&conversation)
        countRecord([rejection])
        return rejection
    }

    /// Runs every step on `conversation`, in place, counting only the steps (not the record).
    ///
    /// For runners that count records themselves, as when a pipeline is split into a parallel
    /// and a sequential part. Returns the rejection, or `nil` when kept.
    public mutating func apply(_ conversation: inout Conversation) -> Rejection? {
        runSteps(&conversation)
    }

    /// The index of the first step that is not ready yet (see ``PipelineStep/isReady``), or
    /// `nil` when every step is.
    public var firstUnreadyStep: Int? {
        plain.firstIndex { !$0.isReady }
    }

    /// Runs the steps in `range` on `conversation`, in place, counting only the steps, as
    /// ``apply(_:)`` does for all of them: running the steps in consecutive ranges counts and gives
    /// what ``apply(_:)`` does.
    ///
    /// Only for a pipeline that is not keyed (the part a run's workers hold never is: keyed steps
    /// are stateful).
    public mutating func apply(_ conversation: inout Conversation, steps range: Range<Int>) -> Rejection? {
        precondition(keyed.isEmpty, "a keyed pipeline runs whole")
        for i in range {
            stats.steps[i].input += 1
            if let rejection = count(plain[i].apply(&conversation), at: i) { return rejection }
        }
        return nil
    }

    /// What the steps did to a record on the byte lane.
    public enum ByteOutcome {
        /// Every step passed it; bit `i` is set when step `i` modified it.
        case passed(modified: UInt64)
        /// Step `step` rejected it; bit `i` is set for each step before that modified it.
        case rejected(step: Int, modified: UInt64, Rejection)
        /// It takes the general path (then the conversation may be half processed: start again
        /// from the record).
        case general
    }

    /// Runs every step on the byte lane (see ``PipelineStep/applyBytes(_:)``), counting
    /// nothing: ``countBytes(_:)`` then counts the steps as ``apply(_:)`` would have.
    public mutating func applyBytes(_ conversation: inout ByteConversation) -> ByteOutcome {
        guard keyed.isEmpty, plain.count <= 64 else { return .general }
        var modified: UInt64 = 0
        for i in plain.indices {
            switch plain[i].applyBytes(&conversation) {
            case .unchanged: break
            case .modified: modified |= 1 << UInt64(i)
            case .rejected(let reason, let detail):
                return .rejected(
                    step: i, modified: modified, Rejection(step: stats.steps[i].id, reason: reason, detail: detail))
            case .general: return .general
            }
        }
        return .passed(modified: modified)
    }

    /// Runs every step on the records of a batch (see ``LaneBatch``), counting nothing.
    ///
    /// ``countBytes(_:)`` then counts each record's outcome. Every record takes the general
    /// path when the pipeline has no byte lane.
    public mutating func applyBatch(_ batch: inout LaneBatch) {
        guard keyed.isEmpty, plain.count <= 64 else {
            for r in 0..<batch.count { batch.record(.general, for: r) }
            return
        }
        for i in plain.indices {
            batch.step = i
            batch.stepID = stats.steps[i].id
            plain[i].applyBatch(&batch)
        }
    }

    /// Counts the steps for a record as ``applyBytes(_:)`` left it (nothing for `.general`).
    public mutating func countBytes(_ outcome: ByteOutcome) {
        let end: Int
        let modified: UInt64
        switch outcome {
        case .passed(let m):
            (end, modified) = (plain.count, m)
        case .rejected(let step, let m, let rejection):
            (end, modified) = (step, m)
            stats.steps[step].input += 1
            stats.steps[step].rejected[rejection.reason.rawValue, default: 0] += 1
        case .general:
            return
        }
        for i in 0..<end {
            stats.steps[i].input += 1
            stats.steps[i].output += 1
            if modified & (1 << UInt64(i)) != 0 { stats.steps[i].modified += 1 }
        }
    }

    /// Records that every step passed on the byte lane, counted over a batch and added to the
    /// steps' counts at once (``countPassed(_:)``): the same counts as ``countBytes(_:)`` of
    /// each record's `.passed` outcome, without the work per record and step.
    public struct PassedTally {
        public private(set) var records = 0
        /// Bit `i` of each record's mask, summed: how many step `i` modified.
        private var modified: [Int] = []

        public init() {}

        /// Counts one record that every step passed; bit `i` of `mask` is set when step `i`
        /// modified it.
        @inline(__always)
        public mutating func add(modified mask: UInt64) {
            records += 1
            guard mask != 0 else { return }
            if modified.isEmpty { modified = Array(repeating: 0, count: 64) }
            var bits = mask
            while bits != 0 {
                modified[bits.trailingZeroBitCount] += 1
                bits &= bits - 1
            }
        }

        func modified(by step: Int) -> Int { modified.isEmpty ? 0 : modified[step] }
    }

    /// Counts the steps for the records of `tally`, as ``countBytes(_:)`` would for each.
    public mutating func countPassed(_ tally: PassedTally) {
        guard tally.records > 0 else { return }
        for i in plain.indices {
            stats.steps[i].input += tally.records
            stats.steps[i].output += tally.records
            stats.steps[i].modified += tally.modified(by: i)
        }
    }

    /// Counts one input record whose conversations ended as `results` (`nil` = kept): kept when
    /// any was kept, otherwise rejected with the first one's reason.
    public mutating func countRecord(_ results: [Rejection?]) {
        stats.read += 1
        if results.contains(where: { $0 == nil }) {
            stats.kept += 1
        } else if let first = results.first, let why = first {
            stats.rejected[why.reason.rawValue, default: 0] += 1
        } else {
            stats.rejected[RejectionReason.tooFewTurns.rawValue, default: 0] += 1
        }
    }

    /// Counts one input record with one conversation: kept (`nil`) or rejected.
    public mutating func countRecord(_ result: Rejection?) {
        stats.read += 1
        if let why = result {
            stats.rejected[why.reason.rawValue, default: 0] += 1
        } else {
            stats.kept += 1
        }
    }

    /// The index of the first step that keeps state between records (a deduplicator), or
    /// `steps.count`: the steps before it may run on records in any order, in parallel.
    public var firstStatefulStep: Int {
        steps.firstIndex { $0.isStateful } ?? steps.count
    }

    private mutating func runSteps(_ conversation: inout Conversation) -> Rejection? {
        for i in keyed.indices {
            stats.steps[i].input += 1
            if let rejection = count(keyed[i].apply(&conversation), at: i) { return rejection }
        }
        for i in plain.indices {
            stats.steps[i].input += 1
            if let rejection = count(plain[i].apply(&conversation), at: i) { return rejection }
        }
        return nil
    }

    /// Counts step `i`'s verdict; returns the rejection it makes, if any.
    private mutating func count(_ verdict: StepVerdict, at i: Int) -> Rejection? {
        Self.count(verdict, at: i, in: &stats)
    }

    private static func count(_ verdict: StepVerdict, at i: Int, in stats: inout PipelineStats) -> Rejection? {
        switch verdict {
        case .unchanged:
            stats.steps[i].output += 1
        case .modified:
            stats.steps[i].output += 1
            stats.steps[i].modified += 1
        case .rejected(let reason, let detail):
            stats.steps[i].rejected[reason.rawValue, default: 0] += 1
            return Rejection(step: stats.steps[i].id, reason: reason, detail: detail)
        }
        return nil
    }

    /// Counts a malformed input record (it never reaches the steps).
    public mutating func countMalformed(_ kind: MalformedKind) {
        stats.read += 1
        stats.malformed[kind.rawValue, default: 0] += 1
    }

    /// Counts what the writer wrote for a kept record, and its tokens when they are counted.
    public mutating func countWritten(conversations: Int, lines: Int, tokens: Int? = nil) {
        stats.conversationsWritten += conversations
        stats.outputLines += lines
        if let tokens { stats.tokensWritten = (stats.tokensWritten ?? 0) + tokens }
    }

    /// The pipeline as the manifest describes it: step ids and parameters, in order.
    public var description: [StepDescription] {
        steps.map { StepDescription(id: $0.id, parameters: $0.parameters) }
    }
}

/// A step as recorded in the manifest.
public struct StepDescription: Sendable, Codable, Equatable {
    public var id: String
    public var parameters: [String: String]
}
