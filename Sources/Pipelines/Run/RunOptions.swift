import Formats

/// How a source run writes its output.
public struct RunOptions: Sendable, Equatable {
    public var format: OutputFormat = .jsonl
    public var layout: ConversationLayout = .sharegpt
    public var compression: Compression = .zstd
    public var zstdLevel = 1
    /// zstd worker threads per shard writer; 0 compresses on the writing thread.
    public var zstdThreads = 2
    public var shardRecords = 100_000
    public var keepRejects = false
    /// Malformed records fail the source.
    public var strict = false
    /// Keep a source's output when an earlier `--resume` run made it from the same files, options
    /// and executable (see ``ResumeRecord``); record what each run made it from.
    ///
    /// Not in the manifest: it does not change what is written.
    public var resume = false
    /// Threads running a source's order-independent steps; the output is the same for any number.
    ///
    /// Not recorded in the manifest, which must not depend on it.
    public var workers = 1
    /// Records per batch handed to a worker (tests make it small to cross many batches).
    public var batchSize = 512
    /// Bytes of lines a line source hands to a worker at a time (tests make it small too).
    public var chunkBytes = LineFile.chunkBytes
    public var recipe = RecipeOptions()

    public init() {}

    /// The options as the manifest records them.
    var manifestFields: [String: String] {
        var fields = [
            "format": format.rawValue, "layout": layout.rawValue, "compression": compression.rawValue,
            "zstd-level": String(zstdLevel), "zstd-threads": String(zstdThreads), "shard-records": String(shardRecords),
            "keep-rejects": String(keepRejects), "strict": String(strict),
            "fold-width": String(recipe.foldWidth), "dedup": String(recipe.dedup), "t2s": String(recipe.t2s),
        ]
        let context = recipe.context
        if context.isActive {
            fields["token-counter"] = context.counterLabel
            fields["max-tokens"] = context.maxTokens.map(String.init) ?? "none"
            fields["turn-overhead"] = String(context.turnOverhead)
            fields["truncate"] = String(context.truncate)
        }
        return fields
    }
}
