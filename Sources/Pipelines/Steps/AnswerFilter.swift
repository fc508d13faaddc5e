import Formats

/// A filter that rejects conversations whose final answer is one of a list of canned texts.
///
/// `filter.no-answer` is one, with PTT's `沒有資料` ("no data": the article had no pushes).
///
/// Compares the whole final `gpt` turn after normalisation, byte for byte (not by Swift's
/// canonical equivalence), so an answer that merely mentions the phrase is kept (the original
/// dropped any line containing it anywhere).
public struct AnswerFilter: PipelineStep {
    public let id: String
    public let reason: RejectionReason
    public let answers: Set<String>

    /// The answers' UTF-8.
    private let answerBytes: [[UInt8]]

    public init(id: String, reason: RejectionReason, answers: Set<String>) {
        self.id = id
        self.reason = reason
        self.answers = answers
        answerBytes = answers.map { Array($0.utf8) }
    }

    public var parameters: [String: String] {
        ["answers": answers.sorted().joined(separator: ","), "match": "whole-answer"]
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        guard let last = c.turns.last, last.role == .gpt, last.text.withUTF8Bytes({ isAnswer($0) }) else {
            return .unchanged
        }
        return .rejected(reason, detail: last.text)
    }

    /// A byte conversation's last turn is `gpt`.
    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        guard !c.texts.isEmpty else { return .unchanged }
        return c.withText(at: c.texts.count - 1) { last in
            isAnswer(last) ? .rejected(reason, detail: String(knownValidUTF8: last)) : .unchanged
        }
    }

    /// Whether `text` is one of the answers, byte for byte.
    public mutating func applyBatch(_ batch: inout LaneBatch) {
        for r in 0..<batch.count where batch.isLive(r) {
            let n = batch.records.textCount(r)
            guard n > 0 else { continue }
            let last = batch.records.text(r, n - 1)
            if isAnswer(last) { batch.record(.rejected(reason, detail: String(knownValidUTF8: last)), for: r) }
        }
    }

    private func isAnswer(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        answerBytes.contains { a in a.withUnsafeBufferPointer { ByteScan.equal(text, $0) } }
    }
}
