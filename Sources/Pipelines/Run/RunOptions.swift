import Formats

/// How a source run writes its output.
public struct RunOptions: Sendable, Equatable {
    public var format: OutputFormat = .jsonl
    public var layout: ConversationLayout = .sharegpt
    public var compression: Compression = .zstd
    public var zstdLevel = 3
    public var shardRecords = 100_000
    public var keepRejects = false
    /// Malformed records fail the source.
    public var strict = false
    public var recipe = RecipeOptions()

    public init() {}

    /// The options as the manifest records them.
    var manifestFields: [String: String] {
        [
            "format": format.rawValue, "layout": layout.rawValue, "compression": compression.rawValue,
            "zstd-level": String(zstdLevel), "shard-records": String(shardRecords),
            "keep-rejects": String(keepRejects), "strict": String(strict),
            "fold-width": String(recipe.foldWidth), "dedup": String(recipe.dedup), "t2s": String(recipe.t2s),
        ]
    }
}
