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

    /// Bytes of lines handed to a worker at a time (see ``LineFile``).
    public var chunkBytes = LineFile.chunkBytes

    public init() {}

    public func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws {
        try LineFile.forEachLineBatch(
            file, source: source, chunkBytes: chunkBytes, progress: progress, emit: emit
        ) { line, batch in
            Self.add(line, file: file, to: &batch)
        }
    }

    /// Adds the record of `line` to `batch`: a question and its answer, or a malformed record.
    static func add(_ line: RawLine, file: InputFileRef, to batch: inout ByteBatch) {
        let b = line.bytes
        guard let cut = Self.separator(in: b) else {
            batch.append(
                malformed: line.text == nil
                    ? .invalidUTF8(file, line)
                    : InputIssue(
                        kind: .missingSeparator, file: file.name, line: line.number,
                        detail: "expected `question | answer`", raw: Array(b)))
            return
        }
        // One check for the line: the separator and the spaces cut are ASCII, so both fields are
        // valid UTF-8 exactly when the whole line is.
        guard line.isValidUTF8(b) else { return batch.append(malformed: .invalidUTF8(file, line)) }
        // Fields without white space at their ends: the bar's spaces, then any other (a trim of
        // the bytes, as the normaliser's).
        let q = Self.spaceTrimmed(UnsafeBufferPointer(rebasing: b[..<cut.lowerBound]))
        let a = Self.spaceTrimmed(UnsafeBufferPointer(rebasing: b[cut.upperBound...]))
        batch.append(
            line: line.number, ordinal: line.number, UnsafeBufferPointer(rebasing: q[TextNormalizer.trimmedRange(q)]),
            UnsafeBufferPointer(rebasing: a[TextNormalizer.trimmedRange(a)]))
    }

    /// The byte range of the separator: the first ` | `, else the first `|`.
    static func separator(in b: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var firstBar: Int?
        for i in b.indices where b[i] == UInt8(ascii: "|") {
            if firstBar == nil { firstBar = i }
            if i > 0, i + 1 < b.count, b[i - 1] == 0x20, b[i + 1] == 0x20 { return (i - 1)..<(i + 2) }
        }
        return firstBar.map { $0..<($0 + 1) }
    }

    /// The field without the spaces and TABs around it.
    static func spaceTrimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0
        var hi = b.count
        while lo < hi, b[lo] == 0x20 || b[lo] == 0x09 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 || b[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: b[lo..<hi])
    }
}
