import Formats

/// The manifest written beside a source's output: `<output>/<source>/manifest.json`.
///
/// It holds no times or absolute paths, so the same input and flags give the same bytes.
public struct SourceManifest: Sendable, Codable, Equatable {
    public struct Input: Sendable, Codable, Equatable {
        public var path: String
        public var bytes: UInt64
    }

    public struct Counts: Sendable, Codable, Equatable {
        public var read: Int
        public var kept: Int
        public var rejected: [String: Int]
        public var rejectedTotal: Int
        public var malformed: [String: Int]
        public var malformedTotal: Int
        public var conversationsWritten: Int
        public var outputLines: Int
        /// Tokens in the conversations written, when counted (`--tokenizer` or `--max-tokens`).
        public var tokensWritten: Int?
        /// `read == kept + rejectedTotal + malformedTotal`.
        public var balanced: Bool

        init(_ s: PipelineStats) {
            read = s.read
            kept = s.kept
            rejected = s.rejected
            rejectedTotal = s.rejectedTotal
            malformed = s.malformed
            malformedTotal = s.malformedTotal
            conversationsWritten = s.conversationsWritten
            outputLines = s.outputLines
            tokensWritten = s.tokensWritten
            balanced = s.balanced
        }
    }

    public var source: String
    public var status: String
    public var error: String?
    public var inputs: [Input]
    public var outputs: [ShardInfo]
    public var rejects: [ShardInfo]
    public var options: [String: String]
    public var pipeline: [StepDescription]
    public var counts: Counts
    public var steps: [StepStats]
    /// The first malformed records of each kind, as `file:line: kind: detail`.
    public var malformedSamples: [String]
    public var warnings: [String]
}

/// The run-wide manifest, `<output>/manifest.json`: every source in the output folder, summed.
public struct RunManifest: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var status: String
        public var error: String?
        public var manifest: String?
        public var counts: SourceManifest.Counts
    }

    public var sources: [String: Entry]
    public var totals: SourceManifest.Counts
}
