import Formats
import Normalize

/// `normalize.text`: the common normalisation of every turn (see ``TextNormalizer``).
///
/// Also normalises a kept `opening` utterance, so the TSV view is as clean as the JSONL.
public struct TextNormalizeStep: PipelineStep {
    public let id = "normalize.text"
    public let normalizer: TextNormalizer

    public init(options: NormalizeOptions = .default) {
        normalizer = TextNormalizer(options: options)
    }

    public var parameters: [String: String] {
        [
            "fold-width": String(normalizer.options.contains(.foldWidth)),
            "zero-width": "remove", "line-separators": "newline", "ideographic-space": "space",
            "trim": "true",
        ]
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        c.mapTexts { normalizer.normalizedIfChanged($0) }
    }

    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        c.mapTexts { normalizer.normalized(bytes: $0) }
    }

    public mutating func applyBatch(_ batch: inout LaneBatch) {
        batch.mapTexts { normalizer.normalized(bytes: $0) }
    }
}
