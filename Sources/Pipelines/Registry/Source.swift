import Formats

/// Every source corpus-clean knows, by its stable id.
///
/// Adding a source takes one case here, one extractor file, one recipe, one fixture folder
/// and one doc page.
public enum Source: String, CaseIterable, Sendable, Codable {
    case qingyun
    case xiaohuangji

    /// The folder under the raw root, as the original project lays it out.
    public var folder: String {
        switch self {
        case .qingyun: return "qingyun-11w"
        case .xiaohuangji: return "xiaohuangji-40w"
        }
    }

    /// The files the source reads inside its folder; each may also be given as `<name>.zst`.
    public var expectedFiles: [String] {
        switch self {
        case .qingyun: return ["12万对话语料青云库.csv"]
        case .xiaohuangji: return ["xiaohuangji50w_nofenci.conv"]
        }
    }

    /// One line on what the source is.
    public var summary: String {
        switch self {
        case .qingyun: return "Qingyun QA pairs, `question | answer` lines"
        case .xiaohuangji: return "Xiaohuangji (SimSimi) sessions, E/M .conv"
        }
    }

    /// The parser for this source's files.
    public func makeExtractor() -> any SourceExtractor {
        switch self {
        case .qingyun: return QingyunExtractor()
        case .xiaohuangji: return ConvSessionExtractor(source: rawValue)
        }
    }
}
