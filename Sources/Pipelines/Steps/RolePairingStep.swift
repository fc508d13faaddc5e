import Formats

/// `roles.pair-alternation`: makes a chat session a conversation of human/gpt pairs.
///
/// Sessions arrive with roles alternating backwards from a final `gpt` turn (see
/// ``Conversation/session(source:origin:utterances:metadata:)``). When the session has an odd
/// number of utterances the first one is a `gpt` turn with nothing to answer: it is moved to
/// the metadata key `opening` (so the TSV view still pairs it) and the record counts as
/// modified. Sessions of fewer than two utterances are rejected as `too-few-turns`.
public struct RolePairingStep: PipelineStep {
    public let id = "roles.pair-alternation"
    public var parameters: [String: String] { ["min-turns": "2", "last-role": "gpt"] }

    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        guard c.turns.count >= 2 else { return .rejected(.tooFewTurns, detail: "\(c.turns.count) turn(s)") }
        guard c.turns[0].role == .gpt else { return .unchanged }
        c.metadata[TSVEncoder.openingKey] = c.turns.removeFirst().text
        return .modified
    }

    /// ``apply(_:)`` on the byte lane: the first utterance of an odd session becomes the
    /// `opening` string of the metadata, and the rest stay bytes.
    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        guard c.texts.count >= 2 else { return .rejected(.tooFewTurns, detail: "\(c.texts.count) turn(s)") }
        guard c.texts.count % 2 == 1 else { return .unchanged }
        c.metadata[TSVEncoder.openingKey] = c.withText(at: 0) { String(knownValidUTF8: $0) }
        c.texts.removeFirst()
        return .modified
    }

    public mutating func applyBatch(_ batch: inout LaneBatch) {
        for r in 0..<batch.count where batch.isLive(r) {
            let n = batch.records.textCount(r)
            if n < 2 {
                batch.record(.rejected(.tooFewTurns, detail: "\(n) turn(s)"), for: r)
            } else if n % 2 == 1 {
                batch.records.keepFirstTextAsOpening(r)
                batch.record(.modified, for: r)
            }
        }
    }
}
