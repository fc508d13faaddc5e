import Formats
import Normalize

/// A filter that rejects conversations containing any of a list of phrases.
///
/// Matching is case-insensitive for ASCII letters (after width folding, so `ＱＱ` matches too)
/// and looks at every turn. The id and reason are chosen by the recipe, e.g.
/// `filter.bot-persona` with reason `bot-persona` for Qingyun's `qq` and `菲菲`.
public struct PhraseFilter: PipelineStep {
    public let id: String
    public let reason: RejectionReason
    public let phrases: [String]
    private let needles: UTF8Search.Needles

    public init(id: String, reason: RejectionReason, phrases: [String]) {
        self.id = id
        self.reason = reason
        self.phrases = phrases
        self.needles = UTF8Search.Needles(phrases.map { Array($0.lowercased().utf8) }, asciiCaseInsensitive: true)
    }

    public var parameters: [String: String] {
        ["phrases": phrases.joined(separator: ","), "case-insensitive": "true"]
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        for i in c.turns.indices {
            if let hit = firstPhrase(in: c.turns[i].text) {
                return .rejected(reason, detail: phrases[hit])
            }
        }
        return .unchanged
    }

    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        for i in 0..<c.texts.count {
            if let hit = c.withText(at: i, firstPhrase(in:)) { return .rejected(reason, detail: phrases[hit]) }
        }
        return .unchanged
    }

    public mutating func applyBatch(_ batch: inout LaneBatch) {
        batch.reject { [self] text, _ in firstPhrase(in: text).map { .rejected(reason, detail: phrases[$0]) } }
    }

    private func firstPhrase(in text: String) -> Int? {
        text.withUTF8Bytes(firstPhrase(in:))
    }

    private func firstPhrase(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        needles.firstFound(in: bytes)
    }
}
