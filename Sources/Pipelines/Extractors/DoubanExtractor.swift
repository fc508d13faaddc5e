import Formats

/// The Douban Conversation Corpus: `train.txt`, `dev.txt`, `test.txt`.
///
/// ```
/// 1	my hometown 的 中文 歌词 很 感动	英文 版 是 小田 亲自 翻译 的 更加 感动	求 v	_url_	thanks 3
/// 0	my hometown 的 中文 歌词 很 感动	英文 版 是 小田 亲自 翻译 的 更加 感动	求 v	_url_	是 我 眼拙 心 盲
/// ```
/// One line is `label \t utterance … \t response`: the context turns, oldest first, then a
/// candidate response. Every line with a valid label becomes a session of its utterances
/// (context plus candidate), with the label kept in the metadata key `label` for the recipe's
/// `filter.douban-label`, which rejects label-0 lines as `negative-candidate`.
/// Malformed: a label other than `0` or `1` (`invalid-label`), fewer than two utterances
/// (`wrong-field-count`), bytes that are not UTF-8 (`invalid-utf8`).
public struct DoubanExtractor: SourceExtractor {
    public let source = "douban"
    /// The metadata key carrying the label from extractor to filter.
    public static let labelKey = "label"

    /// Bytes of lines handed to a worker at a time (see ``LineFile``).
    public var chunkBytes = LineFile.chunkBytes

    public init() {}

    public func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws {
        try LineFile.forEachLineRecord(file, chunkBytes: chunkBytes, progress: progress, emit: emit) { [source] line in
            Self.record(line, file: file, source: source)
        }
    }

    /// The metadata of a line labelled 1 and of one labelled 0, shared by every record: a
    /// dictionary made per record would cost an allocation each.
    static let labelled: [UInt8: [String: String]] = [
        UInt8(ascii: "0"): [labelKey: "0"], UInt8(ascii: "1"): [labelKey: "1"],
    ]

    static func record(_ line: RawLine, file: InputFileRef, source: String) -> ExtractedRecord {
        // One UTF-8 check for the whole line: a TAB is ASCII, never inside a sequence, so each
        // field of a valid line is valid, and a line that is not has a field that is not. Then
        // the bytes are split on TAB; the utterances are borrowed as they are (the byte lane).
        // A String split would walk grapheme clusters, several times slower.
        let b = line.bytes
        guard line.isValidUTF8(b) else { return .malformed(.invalidUTF8(file, line)) }
        let labelEnd = ByteScan.first(of: 0x09, in: b, from: 0)
        var fields: [ByteConversation.Text] = []
        var start = labelEnd + 1
        while start <= b.count {
            let end = ByteScan.first(of: 0x09, in: b, from: start)
            fields.append(.borrowed(UnsafeBufferPointer(rebasing: b[start..<end])))
            start = end + 1
        }
        guard labelEnd == 1, let metadata = Self.labelled[b[0]] else {
            let label = b.prefix { $0 != 0x09 }
            return .malformed(
                InputIssue(
                    kind: .invalidLabel, file: file.name, line: line.number,
                    detail:
                        "expected a label 0 or 1 before the first TAB, found \"\(String(decoding: label, as: UTF8.self).prefix(20))\"",
                    raw: Array(b)))
        }
        guard fields.count >= 2 else {
            return .malformed(
                InputIssue(
                    kind: .wrongFieldCount, file: file.name, line: line.number,
                    detail:
                        "expected `label\\tutterance…\\tresponse` with at least 2 utterances, found \(fields.count)",
                    raw: Array(b)))
        }
        // Borrows the line's bytes: the record is consumed before the next line is read.
        return .bytes(ByteConversation(source: source, origin: .line(file, line), texts: fields, metadata: metadata))
    }
}
