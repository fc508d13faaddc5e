import Formats
import Normalize

/// `filter.template-placeholder`: rejects a conversation whose text still holds `{…}` template
/// markup (a `{` followed later by `}` in one turn), such as Qingyun's `{face:12}` codes.
///
/// Runs after the source's known codes have been replaced (``ReplaceStep``), so only unknown
/// markup remains to reject (`template-placeholder`).
public struct TemplatePlaceholderFilter: PipelineStep {
    public let id = "filter.template-placeholder"
    public var parameters: [String: String] { ["pattern": "{…}"] }

    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        for turn in c.turns {
            if let markup = turn.text.withUTF8Bytes(Self.markup(in:)) {
                return .rejected(.templatePlaceholder, detail: String(markup.prefix(40)))
            }
        }
        return .unchanged
    }

    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        for i in 0..<c.texts.count {
            if let markup = c.withText(at: i, Self.markup(in:)) {
                return .rejected(.templatePlaceholder, detail: String(markup.prefix(40)))
            }
        }
        return .unchanged
    }

    public mutating func applyBatch(_ batch: inout LaneBatch) {
        batch.reject { text, _ in
            Self.markup(in: text).map { .rejected(.templatePlaceholder, detail: String($0.prefix(40))) }
        }
    }

    /// The text from its first `{` to the first `}` after it, or `nil`.
    private static func markup(in b: UnsafeBufferPointer<UInt8>) -> String? {
        // `memchr`: most texts hold no brace, and are scanned at its speed.
        let open = ByteScan.first(of: UInt8(ascii: "{"), in: b, from: 0)
        let close = ByteScan.first(of: UInt8(ascii: "}"), in: b, from: open)
        guard close < b.count else { return nil }
        return String(knownValidUTF8: UnsafeBufferPointer(rebasing: b[open...close]))
    }
}
