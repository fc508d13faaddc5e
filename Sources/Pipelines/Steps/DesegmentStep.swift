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

    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        c.mapTexts { desegmenter.desegmented(bytes: $0) }
    }
}
