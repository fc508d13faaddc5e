import Formats

/// Every source corpus-clean knows, by its stable id.
///
/// Adding a source takes one case here, one extractor file, one recipe, one fixture folder
/// and one doc page.
public enum Source: String, CaseIterable, Sendable, Codable {
    case belle
    case chatterbot
    case douban
    case ptt
    case qingyun
    case sharegpt
    case subtitle
    case tieba
    case weibo
    case xiaohuangji

    /// The folder under the raw root, as the original project lays it out.
    public var folder: String {
        switch self {
        case .belle: return "belle"
        case .chatterbot: return "chatterbot-1k"
        case .douban: return "douban-multiturn-100w"
        case .ptt: return "ptt-42w"
        case .qingyun: return "qingyun-11w"
        case .sharegpt: return "sharegpt"
        case .subtitle: return "subtitle-useless"
        case .tieba: return "tieba-305w"
        case .weibo: return "weibo-400w"
        case .xiaohuangji: return "xiaohuangji-40w"
        }
    }

    /// The files the source reads inside its folder.
    public var files: FileSpec {
        switch self {
        case .belle: return .matching(directory: "", suffix: ".json")
        case .chatterbot: return .matching(directory: "chinese", suffix: ".yml")
        case .douban: return .named(["train.txt", "dev.txt", "test.txt"])
        case .ptt: return .named(["Gossiping-QA-Dataset.txt"])
        case .qingyun: return .named(["12万对话语料青云库.csv"])
        case .sharegpt: return .matching(directory: "", suffix: ".json")
        case .subtitle: return .named(["dgk_shooter_min.conv"])
        case .tieba: return .named(["tieba.dialogues"])
        case .weibo: return .named(["stc_weibo_train_post", "stc_weibo_train_response"])
        case .xiaohuangji: return .named(["xiaohuangji50w_nofenci.conv"])
        }
    }

    /// The most records a worker takes at a time (the run's `batchSize` may make it fewer).
    ///
    /// A ShareGPT record is a whole conversation of HTML answers, about 50 µs of work: batches of
    /// 128 are a few milliseconds each, so the workers end the run together instead of one
    /// finishing a long last batch alone (and a batch's answers stay in the cache). Line sources
    /// hand out runs of lines instead (``RunOptions/chunkBytes``).
    public var recordsPerBatch: Int {
        self == .sharegpt ? 128 : 512
    }

    /// The expected files as `corpus-clean sources` and error messages show them.
    public var expectedFiles: [String] {
        switch files {
        case .named(let names): return names
        case .matching(let dir, let suffix): return [dir.isEmpty ? "*\(suffix)" : "\(dir)/*\(suffix)"]
        }
    }

    /// One line on what the source is.
    public var summary: String {
        switch self {
        case .belle: return "BELLE instruction and chat data, JSON Lines or JSON arrays, every layout"
        case .chatterbot: return "chatterbot-corpus Chinese YAML conversations"
        case .douban: return "Douban multi-turn sessions, label\\tutterances…, word-segmented"
        case .ptt: return "PTT Gossiping QA, question\\tanswer, traditional script"
        case .qingyun: return "Qingyun QA pairs, `question | answer` lines"
        case .sharegpt: return "ShareGPT HTML dumps (JSON array), cleaned to Markdown as FastChat does"
        case .subtitle: return "dgk movie subtitles, E/M .conv, per-character `/`"
        case .tieba: return "Baidu Tieba post\\treply pairs"
        case .weibo: return "Weibo STC, line-aligned post and response files, word-segmented"
        case .xiaohuangji: return "Xiaohuangji (SimSimi) sessions, E/M .conv"
        }
    }

    /// The parser for this source's files; line sources hand `chunkBytes` of lines at a time
    /// to the parallel stage (see ``ExtractedRecord/chunk(_:)``).
    public func makeExtractor(chunkBytes: Int = LineFile.chunkBytes) -> any SourceExtractor {
        func chunked<E: SourceExtractor>(_ e: E, _ path: WritableKeyPath<E, Int>) -> E {
            var e = e
            e[keyPath: path] = chunkBytes
            return e
        }
        switch self {
        case .belle: return chunked(BELLEExtractor(), \.chunkBytes)
        case .chatterbot: return ChatterbotExtractor()
        case .douban: return chunked(DoubanExtractor(), \.chunkBytes)
        case .ptt: return chunked(TabPairExtractor(source: rawValue, separator: .firstTab), \.chunkBytes)
        case .qingyun: return chunked(QingyunExtractor(), \.chunkBytes)
        case .sharegpt: return ShareGPTExtractor()
        case .subtitle:
            let extractor = ConvSessionExtractor(source: rawValue, utterance: SlashSegmentation.joined(_:into:))
            return chunked(extractor, \.chunkBytes)
        case .tieba: return chunked(TabPairExtractor(source: rawValue, separator: .exactlyOneTab), \.chunkBytes)
        case .weibo: return chunked(WeiboExtractor(), \.chunkBytes)
        case .xiaohuangji: return chunked(ConvSessionExtractor(source: rawValue), \.chunkBytes)
        }
    }
}

/// Which files in a source's folder belong to it.
public enum FileSpec: Sendable, Equatable {
    /// These names (each may also be `<name>.zst`).
    case named([String])
    /// Every file in `directory` whose name ends with `suffix` (or `suffix.zst`).
    case matching(directory: String, suffix: String)
}
