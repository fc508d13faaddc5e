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
