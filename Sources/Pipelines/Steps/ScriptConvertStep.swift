import Formats
import Normalize

/// `convert.t2s`: traditional to simplified Chinese with ``ChineseConverter`` (phrases by
/// longest match over a code-point table compiled from ICU).
///
/// Runs in every source's pipeline unless `--no-t2s`; simplified text passes through unchanged.
/// PTT uses the `tw2s` profile, the others `t2s`. The manifest records the profile, the quote
/// style, extra dictionaries, the table sizes and the version of the system ICU (whose table a
/// new version may change, so `--resume` runs the source again).
///
/// Made from a ``PendingConverter``, the step is not ready (``isReady``) until the ICU table is
/// compiled: the run's workers take records through the steps before it meanwhile.
public struct ScriptConvertStep: PipelineStep {
    public let id = "convert.t2s"
    private var converter: ChineseConverter?
    private let pending: PendingConverter?

    public init(converter: ChineseConverter) {
        self.converter = converter
        pending = nil
    }

    public init(pending: PendingConverter) {
        converter = nil
        self.pending = pending
    }

    public var parameters: [String: String] {
        guard let c = converter ?? (try? pending?.converter()) else {
            return [
                "profile": pending?.profile.rawValue ?? "", "engine": "icu:Traditional-Simplified (not compiled)",
                "icu": ICUTransform.libraryVersion,
            ]
        }
        return [
            "profile": c.profile.rawValue, "quotes": c.quotes.rawValue,
            "dictionaries": c.dictionaries.joined(separator: ","),
            "characters": String(c.characterCount), "phrases": String(c.phraseCount),
            "engine": "icu:Traditional-Simplified table + phrases", "icu": ICUTransform.libraryVersion,
        ]
    }

    public var isReady: Bool { converter != nil || pending?.isReady != false }

    public func awaitReady() throws {
        if converter == nil { _ = try pending?.converter() }
    }

    /// The converter, waited for the first time; `nil` when ICU failed (the run then fails
    /// before it writes anything: see ``PipelineStep/awaitReady()``).
    private mutating func resolved() -> ChineseConverter? {
        if converter == nil { converter = try? pending?.converter() }
        return converter
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        guard let converter = resolved() else { return .unchanged }
        return c.mapTexts { converter.convertedIfChanged($0) }
    }

    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        guard let converter = resolved() else { return .unchanged }
        return c.mapTexts { converter.converted(bytes: $0) }
    }

    public mutating func applyBatch(_ batch: inout LaneBatch) {
        guard let converter = resolved() else { return }
        batch.mapTexts { converter.converted(bytes: $0) }
    }
}
