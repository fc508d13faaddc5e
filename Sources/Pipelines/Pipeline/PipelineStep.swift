import Formats

/// One step of a pipeline: a normaliser, a filter or a deduplicator.
///
/// A step sees one conversation at a time and may change it in place. A filter rejects with a
/// named ``RejectionReason``; a deduplicator keeps state between calls (hence `mutating`).
/// Policy (phrases, patterns, thresholds) is passed in and reported in ``parameters``, so the
/// manifest records exactly what ran.
public protocol PipelineStep {
    /// A stable kebab-case id, e.g. `filter.empty-turn`.
    var id: String { get }
    /// The step's parameters as recorded in the manifest.
    var parameters: [String: String] { get }
    /// Applies the step to `conversation`.
    mutating func apply(_ conversation: inout Conversation) -> StepVerdict
    /// Whether the step keeps state between records (deduplicators): such a step, and every
    /// step after it, sees records one at a time, in input order.
    var isStateful: Bool { get }
    /// The copy a worker thread runs. Steps are value types and a plain copy is enough, unless a
    /// step holds per-thread working state behind a reference (a token counter): such a step
    /// returns a copy with state of its own.
    func copyForWorker() -> any PipelineStep
    /// The step on the byte lane (see ``ByteConversation``): `.unchanged` or `.modified` when it
    /// has done to `conversation` exactly what ``apply(_:)`` would do to its
    /// ``ByteConversation/conversation()``, and `.general` when the record must take the general
    /// path instead (the default; also for every record the step would reject or restructure).
    /// A step that answers `.general` may have changed `conversation`: the caller starts the
    /// general path from the record as the extractor gave it.
    mutating func applyBytes(_ conversation: inout ByteConversation) -> ByteVerdict
    /// The step on the batch lane (see ``LaneBatch``): does to every record still on the lane
    /// what ``applyBytes(_:)`` would do to it, and records the verdict with
    /// ``LaneBatch/record(_:for:)``. The default calls ``applyBytes(_:)`` on each record as a
    /// byte conversation.
    mutating func applyBatch(_ batch: inout LaneBatch)
    /// Whether the step can run now without waiting: a step whose tables are still being built
    /// on another thread (`convert.t2s`) is not, and the steps before it may go ahead on the
    /// records meanwhile. A step that is not ready waits in ``apply(_:)`` until it is.
    var isReady: Bool { get }
    /// Waits until the step is ready; throws what kept it from being so (then its ``apply(_:)``
    /// changed nothing, and the run must fail rather than write what it gave).
    func awaitReady() throws
}

/// What a step did on the byte lane (see ``PipelineStep/applyBytes(_:)``).
public enum ByteVerdict {
    case unchanged
    case modified
    /// The step rejects the record, as ``StepVerdict/rejected(_:detail:)``: it is counted and
    /// dropped without a conversation of strings ever being made (the byte lane runs only when
    /// no rejects file is written).
    case rejected(RejectionReason, detail: String)
    /// The record takes the general path.
    case general
}

extension PipelineStep {
    public var parameters: [String: String] { [:] }
    public var isStateful: Bool { false }
    public func copyForWorker() -> any PipelineStep { self }
    public mutating func applyBytes(_ conversation: inout ByteConversation) -> ByteVerdict { .general }
    public mutating func applyBatch(_ batch: inout LaneBatch) {
        for r in 0..<batch.count where batch.isLive(r) {
            var c = batch.records.byteConversation(r)
            let verdict = applyBytes(&c)
            if case .modified = verdict { batch.store(c, at: r) }
            batch.record(verdict, for: r)
        }
    }
    public var isReady: Bool { true }
    public func awaitReady() throws {}
}

/// Who a record is, without its turns: what a ``KeyedStep`` needs besides the key.
public struct RecordIdentity: Sendable {
    public var source: String
    public var origin: RecordOrigin
    public var explicitID: String?

    public init(_ c: Conversation) {
        source = c.source
        origin = c.origin
        explicitID = c.explicitID
    }

    public init(_ c: ByteConversation) {
        source = c.source
        origin = c.origin
        explicitID = c.explicitID
    }

    public init(source: String, origin: RecordOrigin, explicitID: String? = nil) {
        self.source = source
        self.origin = origin
        self.explicitID = explicitID
    }

    /// The conversation's id (see ``Conversation/id``).
    public var id: String { explicitID ?? "\(source):\(origin.file):\(origin.ordinal)" }
}

/// A stateful step that decides from a hash of the conversation and the record's identity
/// alone, and never changes the conversation: the deduplicators.
///
/// Splitting the work lets the hashing run on worker threads (``key(for:)``, from the
/// conversation as it reaches the step, with no access to the step's state) while only
/// ``decide(key:record:)`` runs in input order; ``apply(_:)`` does both, so the result is the
/// same either way.
public protocol KeyedStep: PipelineStep {
    /// The hash the step decides on: depends on the conversation alone.
    static func key(for conversation: Conversation) -> StableHash
    /// Decides on a record given its key; `.unchanged` or `.rejected`, never `.modified`.
    mutating func decide(key: StableHash, record: RecordIdentity) -> StepVerdict
    /// The key of a conversation on the byte lane: the same as ``key(for:)`` of its
    /// ``ByteConversation/conversation()``, or `nil` (the default) when the step has no byte
    /// form, and records take the general path.
    static func key(bytes conversation: ByteConversation) -> StableHash?
    /// The same for a record of a ``ByteBatch`` (`nil`, the default: the general path).
    static func key(record: ByteBatch.Record) -> StableHash?
    /// A hint that ``decide(key:record:)`` will soon be asked about `key`: a step whose state
    /// is a large table may start loading the part the key needs (the default does nothing).
    func prefetch(key: StableHash)
}

extension KeyedStep {
    public var isStateful: Bool { true }

    public static func key(bytes conversation: ByteConversation) -> StableHash? { nil }

    public static func key(record: ByteBatch.Record) -> StableHash? { nil }

    public func prefetch(key: StableHash) {}

    public mutating func apply(_ conversation: inout Conversation) -> StepVerdict {
        decide(key: Self.key(for: conversation), record: RecordIdentity(conversation))
    }
}
