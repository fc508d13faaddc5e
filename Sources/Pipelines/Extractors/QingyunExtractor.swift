import Formats
import Normalize

/// Qingyun's `12万对话语料青云库.csv`: despite the name, one `question | answer` pair per line.
///
/// ```
/// 看来你很爱钱 | 噢是吗？那么你也差不多了
/// 在干嘛 | 在想你呀{br}你呢
/// ```
/// The line is split at the first ` | ` (space, bar, space), or at the first `|` when it has
/// no ` | `, so answers containing `|` survive; white space around both fields is removed. A
/// line with no `|` is malformed (`missing-separator`), and so is one that is not valid UTF-8.
/// `{br}`, template markup and persona lines are the recipe's business, not the parser's.
public struct QingyunExtractor: SourceExtractor {
    public let source = "qingyun"

    public init() {}

    public func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws {
        let reader = try LineReader(path: file.path)
        while let line = try reader.next() {
            if line.number & 0x3FFF == 0 { progress(reader.bytesRead) }
            guard let text = line.text else {
                try emit(.malformed(InputIssue(
                    kind: .invalidUTF8, file: file.name, line: line.number,
                    detail: "line is not valid UTF-8", raw: line.bytes)))
                continue
            }
            guard let (q, a) = Self.split(text) else {
                try emit(.malformed(InputIssue(
                    kind: .missingSeparator, file: file.name, line: line.number,
                    detail: "expected `question | answer`", raw: Array(text.utf8))))
                continue
            }
            let origin = RecordOrigin(file: file.name, line: line.number, ordinal: line.number)
            try emit(.conversation(.session(source: source, origin: origin, utterances: [q, a])))
        }
        progress(reader.bytesRead)
    }

    /// Splits at the first ` | `, else at the first `|`; both sides trimmed.
    static func split(_ line: String) -> (String, String)? {
        let bytes = Array(line.utf8)
        var firstBar: Int?
        var cut: (Int, Int)?
        for i in bytes.indices where bytes[i] == UInt8(ascii: "|") {
            if firstBar == nil { firstBar = i }
            if i > 0, i + 1 < bytes.count, bytes[i - 1] == 0x20, bytes[i + 1] == 0x20 {
                cut = (i - 1, i + 2)
                break
            }
        }
        if cut == nil, let bar = firstBar { cut = (bar, bar + 1) }
        guard let (lo, hi) = cut else { return nil }
        let q = String(decoding: bytes[..<lo], as: UTF8.self)
        let a = String(decoding: bytes[hi...], as: UTF8.self)
        return (TextNormalizer.trim(q), TextNormalizer.trim(a))
    }
}
