import Formats
import Normalize

/// Options that shape every source's recipe.
public struct RecipeOptions: Sendable, Equatable {
    /// Fold full-width letters and digits (`--keep-width` turns it off).
    public var foldWidth = true
    /// Remove exact duplicates within a source (`--no-dedup` turns it off).
    public var dedup = true
    /// Convert traditional to simplified (`--no-t2s` turns it off).
    public var t2s = true
    /// Corner-bracket style of the converter (`--quotes`).
    public var quotes: QuoteStyle = .keep
    /// Extra OpenCC dictionaries for the converter (`--dictionary`).
    public var dictionaries: [String] = []
    /// Words that reject a ShareGPT sample (`--blocked-word`), case-insensitively.
    public var blockedWords = ["openai", "chatgpt"]
    /// Token counting and context-length splitting (`--tokenizer`, `--max-tokens`, …).
    public var context = ContextOptions()

    public init(foldWidth: Bool = true, dedup: Bool = true, t2s: Bool = true) {
        self.foldWidth = foldWidth
        self.dedup = dedup
        self.t2s = t2s
    }
}

/// The ordered steps of a source's pipeline.
///
/// Every source follows one shape: its own preparation steps, the common text normalisation,
/// its own normalisers (de-segmentation), the role rule, its own filters, script conversion
/// (unless `--no-t2s`), then the common empty-turn filter and exact dedup. Source policy (phrases, codes, labels)
/// lives here, as data.
public enum Recipe {
    /// - Throws: ``NormalizeError`` when a step needs a C library resource that is missing
    ///   (the ICU transform).
    public static func steps(for source: Source, options: RecipeOptions) throws -> [any PipelineStep] {
        var steps = try sourceSteps(for: source, options: options)
        // Token counts are taken when the text is final: after the last step that may change
        // it, before the deduplicators, so the counting runs in the parallel stage.
        if options.context.isActive {
            let at = steps.firstIndex { $0.isStateful } ?? steps.count
            steps.insert(TokenCountStep(options: options.context), at: at)
        }
        return steps
    }

    private static func sourceSteps(for source: Source, options: RecipeOptions) throws -> [any PipelineStep] {
        let converters = try converter(for: source, options: options)
        switch source {
        case .belle:
            return standard(roles: false, filters: [RoleOrderFilter()], converters: converters, options: options)
        case .sharegpt:
            // FastChat's clean_sharegpt, step by step; its dedup (ids, first exchange) in place
            // of the exact one.
            var steps: [any PipelineStep] = [
                PluginFilter(), ShareGPTFormatStep(), HTMLMarkdownStep(), UIArtifactStep(),
                TextNormalizeStep(options: options.foldWidth ? [.foldWidth] : []),
                BlockedResponseFilter(), BlockedWordFilter(words: options.blockedWords),
                TruncateEmptyStep(), MinCharsFilter(),
            ]
            steps += converters
            steps.append(EmptyTurnFilter())
            if options.dedup { steps += [DuplicateIDFilter(), FirstExchangeDeduplicator()] }
            return steps
        case .chatterbot, .subtitle, .tieba, .xiaohuangji:
            return standard(converters: converters, options: options)
        case .douban:
            return standard(
                pre: [LabelFilter()], normalizers: [DesegmentStep()], converters: converters, options: options)
        case .weibo:
            return standard(normalizers: [DesegmentStep()], converters: converters, options: options)
        case .ptt:
            return standard(
                filters: [AnswerFilter(id: "filter.no-answer", reason: .noAnswer, answers: ["沒有資料"])],
                converters: converters, options: options)
        case .qingyun:
            return standard(
                pre: [ReplaceStep([("{br}", "\n")])],
                filters: [
                    TemplatePlaceholderFilter(),
                    PhraseFilter(id: "filter.bot-persona", reason: .botPersona, phrases: ["qq", "菲菲"]),
                ],
                converters: converters, options: options)
        }
    }

    /// The profile each source converts with: PTT is Taiwan text; the others are (mostly)
    /// simplified already, and pass through the default character profile.
    public static func conversionProfile(for source: Source) -> ConversionProfile {
        source == .ptt ? .tw2s : .t2s
    }

    private static func converter(for source: Source, options: RecipeOptions) throws -> [any PipelineStep] {
        guard options.t2s else { return [] }
        // The ICU table is compiled on a thread of its own while the run starts on its records.
        let converter = try PendingConverter(
            profile: conversionProfile(for: source), quotes: options.quotes, dictionaries: options.dictionaries)
        return [ScriptConvertStep(pending: converter)]
    }

    static func standard(
        pre: [any PipelineStep] = [], normalizers: [any PipelineStep] = [], roles: Bool = true,
        filters: [any PipelineStep] = [],
        converters: [any PipelineStep] = [], options: RecipeOptions
    ) -> [any PipelineStep] {
        var steps = pre
        steps.append(TextNormalizeStep(options: options.foldWidth ? [.foldWidth] : []))
        steps += normalizers
        if roles { steps.append(RolePairingStep()) }
        steps += filters
        steps += converters
        steps.append(EmptyTurnFilter())
        if options.dedup { steps.append(ExactDeduplicator()) }
        return steps
    }
}
