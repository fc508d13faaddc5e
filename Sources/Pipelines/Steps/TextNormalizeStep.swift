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
        var changed = false
        for i in c.turns.indices {
            let t = normalizer.normalize(c.turns[i].text)
            if t != c.turns[i].text {
                c.turns[i].text = t
                changed = true
            }
        }
        if let opening = c.metadata[TSVEncoder.openingKey] {
            let t = normalizer.normalize(opening)
            if t != opening {
                c.metadata[TSVEncoder.openingKey] = t
                changed = true
            }
        }
        return changed ? .modified : .unchanged
    }
}
