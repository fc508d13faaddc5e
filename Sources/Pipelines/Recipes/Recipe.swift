import Formats
import Normalize

/// Options that shape every source's recipe.
public struct RecipeOptions: Sendable, Equatable {
    /// Fold full-width letters and digits (`--keep-width` turns it off).
    public var foldWidth = true
    /// Remove exact duplicates within a source (`--no-dedup` turns it off).
    public var dedup = true

    public init(foldWidth: Bool = true, dedup: Bool = true) {
        self.foldWidth = foldWidth
        self.dedup = dedup
    }
}

/// The ordered steps of a source's pipeline.
///
/// Every source follows one shape: its own preparation steps, the common text normalisation,
/// its own normalisers (de-segmentation, script conversion), the role rule, its own filters,
/// then the common empty-turn filter and exact dedup. Source policy (phrases, codes, labels)
/// lives here, as data.
public enum Recipe {
    /// - Throws: ``NormalizeError`` when a step needs a C library resource that is missing
    ///   (the ICU transform).
    public static func steps(for source: Source, options: RecipeOptions) throws -> [any PipelineStep] {
        switch source {
        case .chatterbot, .subtitle, .tieba, .xiaohuangji:
            return standard(options: options)
        case .douban:
            return standard(pre: [LabelFilter()], normalizers: [DesegmentStep()], options: options)
        case .weibo:
            return standard(normalizers: [DesegmentStep()], options: options)
        case .ptt:
            return standard(
                filters: [AnswerFilter(id: "filter.no-answer", reason: .noAnswer, answers: ["沒有資料"])],
                converters: [try ScriptConvertStep()], options: options)
        case .qingyun:
            return standard(
                pre: [ReplaceStep([("{br}", "\n")])],
                filters: [
                    TemplatePlaceholderFilter(),
                    PhraseFilter(id: "filter.bot-persona", reason: .botPersona, phrases: ["qq", "菲菲"]),
                ],
                options: options)
        }
    }

    static func standard(
        pre: [any PipelineStep] = [], normalizers: [any PipelineStep] = [], filters: [any PipelineStep] = [],
        converters: [any PipelineStep] = [], options: RecipeOptions
    ) -> [any PipelineStep] {
        var steps = pre
        steps.append(TextNormalizeStep(options: options.foldWidth ? [.foldWidth] : []))
        steps += normalizers
        steps.append(RolePairingStep())
        steps += filters
        steps += converters
        steps.append(EmptyTurnFilter())
        if options.dedup { steps.append(ExactDeduplicator()) }
        return steps
    }
}
