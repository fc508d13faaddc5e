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
/// Every source follows one shape: its own pre-normalisation steps, the common text
/// normalisation, the role rule (for chat sessions), its own filters, then the common
/// empty-turn filter and exact dedup. Source policy (phrases, codes) lives here, as data.
public enum Recipe {
    public static func steps(for source: Source, options: RecipeOptions) -> [any PipelineStep] {
        switch source {
        case .xiaohuangji:
            return standard(options: options)
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
        pre: [any PipelineStep] = [], sessionRoles: Bool = true, filters: [any PipelineStep] = [],
        options: RecipeOptions
    ) -> [any PipelineStep] {
        var steps = pre
        steps.append(TextNormalizeStep(options: options.foldWidth ? [.foldWidth] : []))
        if sessionRoles { steps.append(RolePairingStep()) }
        steps += filters
        steps.append(EmptyTurnFilter())
        if options.dedup { steps.append(ExactDeduplicator()) }
        return steps
    }
}
