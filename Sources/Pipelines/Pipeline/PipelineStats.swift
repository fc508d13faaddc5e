/// Counts of one step: what went in, came out, was changed, and was dropped and why.
public struct StepStats: Sendable, Codable, Equatable {
    public var id: String
    public var input = 0
    public var output = 0
    public var modified = 0
    public var rejected: [String: Int] = [:]

    public init(id: String) { self.id = id }

    public mutating func merge(_ other: StepStats) {
        input += other.input
        output += other.output
        modified += other.modified
        rejected.merge(other.rejected, uniquingKeysWith: +)
    }
}

/// Counts of a whole source run.
///
/// Counts are per input record, and add up: `read == kept + rejected + malformed`.
/// Conversations and output lines written are counted apart, since one record may yield several.
public struct PipelineStats: Sendable, Codable, Equatable {
    public var read = 0
    public var kept = 0
    public var rejected: [String: Int] = [:]
    public var malformed: [String: Int] = [:]
    public var conversationsWritten = 0
    public var outputLines = 0
    /// Tokens in the conversations written (turn counts, without the per-turn overhead), when
    /// tokens are counted.
    public var tokensWritten: Int?
    public var steps: [StepStats] = []

    public init(stepIDs: [String] = []) {
        steps = stepIDs.map(StepStats.init(id:))
    }

    public var rejectedTotal: Int { rejected.values.reduce(0, +) }
    public var malformedTotal: Int { malformed.values.reduce(0, +) }
    /// Whether every record read is accounted for.
    public var balanced: Bool { read == kept + rejectedTotal + malformedTotal }
}
