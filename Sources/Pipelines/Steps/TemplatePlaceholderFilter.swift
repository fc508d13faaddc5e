import Formats
import Normalize

/// `filter.template-placeholder`: rejects a conversation whose text still holds `{…}` template
/// markup (a `{` followed later by `}` in one turn), e.g. Qingyun's `{face:12}` codes.
///
/// Runs after the source's known codes have been replaced (``ReplaceStep``), so only unknown
/// markup remains to reject (`template-placeholder`).
public struct TemplatePlaceholderFilter: PipelineStep {
    public let id = "filter.template-placeholder"
    public var parameters: [String: String] { ["pattern": "{…}"] }

    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        for turn in c.turns {
            guard let open = UTF8Search.firstOffset(of: [UInt8(ascii: "{")], in: turn.text) else { continue }
            let utf8 = turn.text.utf8
            let from = utf8.index(utf8.startIndex, offsetBy: open)
            if let close = utf8[from...].firstIndex(of: UInt8(ascii: "}")) {
                let markup = String(turn.text[from...close])
                return .rejected(.templatePlaceholder, detail: String(markup.prefix(40)))
            }
        }
        return .unchanged
    }

    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        for i in 0..<c.texts.count {
            let markup = c.withText(at: i) { b -> String? in
                guard let open = b.firstIndex(of: UInt8(ascii: "{")),
                    let close = b[open...].firstIndex(of: UInt8(ascii: "}"))
                else { return nil }
                return String(knownValidUTF8: UnsafeBufferPointer(rebasing: b[open...close]))
            }
            if let markup { return .rejected(.templatePlaceholder, detail: String(markup.prefix(40))) }
        }
        return .unchanged
    }
}
