import Formats
import Normalize

/// `normalize.desegment`: removes word-segmentation spaces between CJK characters
/// (see ``Desegmenter``), for the word-segmented sources (Douban, Weibo).
public struct DesegmentStep: PipelineStep {
    public let id = "normalize.desegment"
    public var parameters: [String: String] { ["between": "cjk-ideographs-and-cjk-punctuation"] }
    private let desegmenter = Desegmenter()

    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        c.mapTexts { desegmenter.desegmentedIfChanged($0) }
    }

    /// The texts it changes go into the conversation's arena when it has one (nearly every
    /// text of these sources changes), else into strings.
    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        guard let arena = c.arena else { return c.mapTexts { desegmenter.desegmented(bytes: $0) } }
        return c.mapTexts(into: arena) { desegmenter.desegmented(bytes: $0, into: $1) }
    }

    public mutating func applyBatch(_ batch: inout LaneBatch) {
        batch.mapTexts(shrinking: { desegmenter.desegmented(bytes: $0, into: $1) })
    }
}
