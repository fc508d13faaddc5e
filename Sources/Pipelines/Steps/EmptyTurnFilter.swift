import Formats

/// `filter.empty-turn`: rejects a conversation whole when any turn is empty (`empty-turn`).
///
/// Runs after normalisation, so a turn of only spaces or zero-width characters counts as empty.
public struct EmptyTurnFilter: PipelineStep {
    public let id = "filter.empty-turn"

    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        if let i = c.turns.firstIndex(where: { $0.text.isEmpty }) {
            return .rejected(.emptyTurn, detail: "turn \(i + 1) is empty")
        }
        return .unchanged
    }

    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        for i in c.texts.indices where c.withText(at: i, { $0.isEmpty }) {
            return .rejected(.emptyTurn, detail: "turn \(i + 1) is empty")
        }
        return .unchanged
    }

    public mutating func applyBatch(_ batch: inout LaneBatch) {
        batch.reject { text, i in text.isEmpty ? .rejected(.emptyTurn, detail: "turn \(i + 1) is empty") : nil }
    }
}
