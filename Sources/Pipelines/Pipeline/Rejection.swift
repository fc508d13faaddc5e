/// Why a record was rejected: stable kebab-case identifiers used in stats, manifests, rejects files
/// and the CLI.
///
/// Renaming one is a breaking change.
public enum RejectionReason: String, Sendable, Codable, CaseIterable, Comparable {
    case emptyTurn = "empty-turn"
    case duplicate = "duplicate"
    case tooFewTurns = "too-few-turns"
    case templatePlaceholder = "template-placeholder"
    case botPersona = "bot-persona"
    case negativeCandidate = "negative-candidate"
    case noAnswer = "no-answer"
    case roleOrder = "role-order"
    case wrongFormat = "wrong-format"
    case blockedWord = "blocked-word"
    case blockedResponse = "blocked-response"
    case plugin = "plugin"
    case tooShort = "too-short"
    case duplicateID = "duplicate-id"
    case duplicateContent = "duplicate-content"
    case htmlError = "html-error"
    /// A human/gpt pair that alone exceeds `--max-tokens` (without `--truncate`).
    case overBudget = "over-budget"
    /// The tokenizer failed on a text (an ICU error); the record is kept out of the output.
    case tokenizerFailed = "tokenizer-failed"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a step decided about a conversation.
public enum StepVerdict: Sendable, Equatable {
    /// Passed through untouched.
    case unchanged
    /// Passed through, changed.
    case modified
    /// Dropped, with a reason and an optional detail (e.g. the id a duplicate repeats).
    case rejected(RejectionReason, detail: String?)
}

/// One rejection as the pipeline reports it.
public struct Rejection: Sendable, Equatable {
    public var step: String
    public var reason: RejectionReason
    public var detail: String?
}
