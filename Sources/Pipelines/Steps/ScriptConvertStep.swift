import Formats
import Normalize

/// `convert.t2s`: traditional to simplified Chinese with ``ChineseConverter`` (phrases by
/// longest match over a code-point table compiled from ICU).
///
/// Runs in every source's pipeline unless `--no-t2s`; simplified text passes through unchanged.
/// PTT uses the `tw2s` profile, the others `t2s`. The manifest records the profile, the quote
/// style, extra dictionaries and the table sizes.
public struct ScriptConvertStep: PipelineStep {
    public let id = "convert.t2s"
    public let converter: ChineseConverter

    public init(converter: ChineseConverter) {
        self.converter = converter
    }

    public var parameters: [String: String] {
        [
            "profile": converter.profile.rawValue, "quotes": converter.quotes.rawValue,
            "dictionaries": converter.dictionaries.joined(separator: ","),
            "characters": String(converter.characterCount), "phrases": String(converter.phraseCount),
            "engine": "icu:Traditional-Simplified table + phrases",
        ]
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        c.mapTexts { converter.convertedIfChanged($0) }
    }

    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        c.mapTexts { converter.converted(bytes: $0) }
    }
}
