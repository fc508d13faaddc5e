import Formats

/// A filter that rejects conversations whose final answer is one of a list of canned texts,
/// e.g. `filter.no-answer` with PTT's `沒有資料` ("no data": the article had no pushes).
///
/// Compares the whole final `gpt` turn after normalisation, so an answer that merely mentions
/// the phrase is kept (the original dropped any line containing it anywhere).
public struct AnswerFilter: PipelineStep {
    public let id: String
    public let reason: RejectionReason
    public let answers: Set<String>

    public init(id: String, reason: RejectionReason, answers: Set<String>) {
        self.id = id
        self.reason = reason
        self.answers = answers
    }

    public var parameters: [String: String] {
        ["answers": answers.sorted().joined(separator: ","), "match": "whole-answer"]
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        guard let last = c.turns.last, last.role == .gpt, answers.contains(last.text) else { return .unchanged }
        return .rejected(reason, detail: last.text)
    }
}
