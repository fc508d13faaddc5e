import Formats

/// `filter.role-order`: for sources whose records carry their own roles (BELLE), rejects a
/// conversation whose turns do not alternate human/gpt starting with human and ending with gpt
/// (`role-order`), since the output layouts promise that shape.
public struct RoleOrderFilter: PipelineStep {
    public let id = "filter.role-order"
    public var parameters: [String: String] { ["order": "human,gpt alternating", "min-turns": "2"] }

    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        guard c.turns.count >= 2, c.turns.count % 2 == 0 else {
            return .rejected(.roleOrder, detail: "\(c.turns.count) turn(s); expected human/gpt pairs")
        }
        for (i, t) in c.turns.enumerated() where t.role != (i % 2 == 0 ? .human : .gpt) {
            return .rejected(.roleOrder, detail: "turn \(i + 1) is \(t.role.rawValue)")
        }
        return .unchanged
    }

    /// A byte conversation's roles follow the session rule (the last turn `gpt`), which for an
    /// even number of turns, two or more, is human/gpt alternating: those pass; the others take
    /// the general path, which rejects them.
    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        c.texts.count >= 2 && c.texts.count % 2 == 0 ? .unchanged : .general
    }
}
