import Formats

/// `query \t answer` lines: PTT Gossiping (`Gossiping-QA-Dataset.txt`) and Tieba
/// (`tieba.dialogues`).
///
/// ```
/// 為什麼PTT這麼多人看棒球	肥宅才看棒球　系壘一堆胖子
/// 24直播网有免费高清的	有的
/// ```
/// Fields are split on the TAB only, never on other white space, so pairs with spaces inside
/// survive (the original split on all white space and lost them). The two sources differ in
/// one explicit rule, ``Separator``:
/// - PTT (`firstTab`): split at the first TAB; a line without one is malformed
///   (`missing-separator`).
/// - Tieba (`exactlyOneTab`): a line must have exactly two fields; any other count is malformed
///   (`wrong-field-count`).
/// A line that is not valid UTF-8 is malformed (`invalid-utf8`).
public struct TabPairExtractor: SourceExtractor {
    public enum Separator: Sendable {
        case firstTab
        case exactlyOneTab
    }

    public let source: String
    public let separator: Separator
    /// Bytes of lines handed to a worker at a time (see ``LineFile``).
    public var chunkBytes = LineFile.chunkBytes

    public init(source: String, separator: Separator) {
        self.source = source
        self.separator = separator
    }

    public func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws {
        try LineFile.forEachLineBatch(
            file, source: source, chunkBytes: chunkBytes, progress: progress, emit: emit
        ) { [separator] line, batch in
            Self.add(line, file: file, separator: separator, to: &batch)
        }
    }

    /// Adds the record of `line` to `batch`: a query and its answer, or a malformed record.
    static func add(_ line: RawLine, file: InputFileRef, separator: Separator, to batch: inout ByteBatch) {
        let b = line.bytes
        let tab = ByteScan.first(of: 0x09, in: b, from: 0)
        guard tab < b.count else {
            return batch.append(
                malformed: line.text == nil
                    ? .invalidUTF8(file, line)
                    : InputIssue(
                        kind: separator == .firstTab ? .missingSeparator : .wrongFieldCount, file: file.name,
                        line: line.number, detail: "expected `query\\tanswer`, found no TAB", raw: Array(b)))
        }
        if separator == .exactlyOneTab, ByteScan.first(of: 0x09, in: b, from: tab + 1) < b.count {
            let fields = b.reduce(1) { $0 + ($1 == 0x09 ? 1 : 0) }
            return batch.append(
                malformed: InputIssue(
                    kind: .wrongFieldCount, file: file.name, line: line.number,
                    detail: "expected 2 TAB-separated fields, found \(fields)", raw: Array(b)))
        }
        // One check for the line: the TAB is ASCII, so both fields are valid UTF-8 exactly when
        // the whole line is.
        guard line.isValidUTF8(b) else { return batch.append(malformed: .invalidUTF8(file, line)) }
        batch.append(
            line: line.number, ordinal: line.number, UnsafeBufferPointer(rebasing: b[..<tab]),
            UnsafeBufferPointer(rebasing: b[(tab + 1)...]))
    }
}
