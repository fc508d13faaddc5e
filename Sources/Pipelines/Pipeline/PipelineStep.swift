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
}

extension PipelineStep {
    public var parameters: [String: String] { [:] }
    public var isStateful: Bool { false }
    public func copyForWorker() -> any PipelineStep { self }
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
}

extension KeyedStep {
    public var isStateful: Bool { true }

    public mutating func apply(_ conversation: inout Conversation) -> StepVerdict {
        decide(key: Self.key(for: conversation), record: RecordIdentity(conversation))
    }
}
