import ArgumentParser
import Formats
import Foundation
import Normalize
import Pipelines
import Tokenize

extension OutputFormat: ExpressibleByArgument {}
extension ConversationLayout: ExpressibleByArgument {}
extension Compression: ExpressibleByArgument {}
extension Source: ExpressibleByArgument {}
extension QuoteStyle: ExpressibleByArgument {}

/// Options shared by `all`, `run` and `bench`.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output record format: jsonl (conversations) or tsv (query\\tanswer pairs).")
    var format: OutputFormat = .jsonl

    @Option(help: "JSONL layout: sharegpt (from/value) or messages (role/content).")
    var layout: ConversationLayout = .sharegpt

    @Option(help: "Shard compression: zstd or none.")
    var compression: Compression = .zstd

    @Option(name: .customLong("zstd-level"), help: "zstd compression level (1-19).")
    var zstdLevel = 1

    @Option(
        name: .customLong("zstd-threads"),
        help: "zstd worker threads per shard writer (0: compress on the writing thread).")
    var zstdThreads = 2

    @Option(name: .customLong("shard-records"), help: "Output records (lines) per shard.")
    var shardRecords = 100_000

    @Flag(name: .customLong("keep-rejects"), help: "Write rejected and malformed records to rejects-*.jsonl.")
    var keepRejects = false

    @Flag(name: .customLong("no-dedup"), help: "Keep exact duplicates.")
    var noDedup = false

    @Flag(name: .customLong("keep-width"), help: "Do not fold full-width letters and digits.")
    var keepWidth = false

    @Flag(name: .customLong("no-t2s"), help: "Do not convert traditional Chinese to simplified.")
    var noT2S = false

    @Option(help: "Corner brackets 「」『』: keep, or mainland (“”‘’).")
    var quotes: QuoteStyle = .keep

    @Option(name: .customLong("dictionary"), help: "An extra OpenCC text dictionary for the converter. Repeatable.")
    var dictionaries: [String] = []

    @Option(
        name: .customLong("blocked-word"),
        help: "A word that rejects a ShareGPT sample (repeatable; default openai, chatgpt).")
    var blockedWords: [String] = []

    @Flag(help: "Fail a source (exit 1) when it has malformed records.")
    var strict = false

    @Flag(
        help:
            "Keep each source's output that an earlier --resume run made from the same input files (names, sizes, modification times), options and corpus-clean; run the others."
    )
    var resume = false

    @Option(help: "Sources to run at the same time (default: the number of cores).")
    var jobs: Int?

    @Option(help: "A Hugging Face tokenizer.json: count tokens exactly (default: an estimate).")
    var tokenizer: String?

    @Option(
        name: .customLong("max-tokens"),
        help: "Split conversations into pieces of at most this many tokens (human/gpt pairs stay together).")
    var maxTokens: Int?

    @Option(name: .customLong("turn-overhead"), help: "Tokens added to each turn's count when splitting.")
    var turnOverhead = 6

    @Flag(help: "Cut a pair longer than --max-tokens to fit instead of rejecting it (over-budget).")
    var truncate = false

    func validate() throws {
        guard (1...19).contains(zstdLevel) else { throw ValidationError("--zstd-level must be between 1 and 19.") }
        guard (0...64).contains(zstdThreads) else { throw ValidationError("--zstd-threads must be 0 to 64.") }
        guard shardRecords >= 1 else { throw ValidationError("--shard-records must be at least 1.") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        for path in dictionaries where !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("--dictionary \(path) cannot be read.")
        }
        guard turnOverhead >= 0 else { throw ValidationError("--turn-overhead must not be negative.") }
        if let maxTokens, maxTokens <= 2 * turnOverhead {
            throw ValidationError("--max-tokens must be more than two turns' overhead (\(2 * turnOverhead)).")
        }
        if truncate, maxTokens == nil { throw ValidationError("--truncate needs --max-tokens.") }
    }

    /// The run options, with the tokenizer loaded (once, for every source).
    func runOptions() throws -> RunOptions {
        var o = RunOptions()
        o.format = format
        o.layout = layout
        o.compression = compression
        o.zstdLevel = zstdLevel
        o.zstdThreads = zstdThreads
        o.shardRecords = shardRecords
        o.keepRejects = keepRejects
        o.strict = strict
        o.resume = resume
        o.recipe = RecipeOptions(foldWidth: !keepWidth, dedup: !noDedup, t2s: !noT2S)
        o.recipe.quotes = quotes
        o.recipe.dictionaries = dictionaries
        if !blockedWords.isEmpty { o.recipe.blockedWords = blockedWords }
        var context = ContextOptions(maxTokens: maxTokens, turnOverhead: turnOverhead, truncate: truncate)
        if let tokenizer {
            do {
                context.tokenizer = try Tokenizer(path: tokenizer)
            } catch {
                throw ValidationError("--tokenizer \(tokenizer): \(error)")
            }
        }
        o.recipe.context = context
        return o
    }

    var jobCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }
}
