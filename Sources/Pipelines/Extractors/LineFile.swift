import Formats

/// The loop every line-oriented extractor shares: open (zstd or plain), cut the input into
/// chunks of whole lines for the workers to parse, report progress after each.
public enum LineFile {
    /// How many bytes of lines a chunk holds, at least: a few thousand short records, so that
    /// handing one to a worker costs little against parsing it.
    public static let chunkBytes = 1 << 17

    /// Emits `file` as chunks of whole lines, each turned into a ``ExtractedRecord/chunk(_:)`` or
    /// ``ExtractedRecord/batch(_:)`` record by `parse`, parsed on a worker thread; `cutBefore`
    /// and `scan` as in
    /// ``LineReader/nextChunk(minBytes:maxLines:cutBefore:scan:)``.
    static func forEachChunk(
        _ file: InputFileRef, chunkBytes: Int, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void,
        cutBefore: (RawLine) -> Bool = { _ in true }, scan: (RawLine) -> Void = { _ in },
        parse: (LineChunk) -> ExtractedRecord
    ) throws {
        let reader = try LineReader(path: file.path)
        while let chunk = try reader.nextChunk(minBytes: max(1, chunkBytes), cutBefore: cutBefore, scan: scan) {
            try emit(parse(chunk))
            progress(reader.bytesRead)
        }
        progress(reader.bytesRead)
    }

    /// Emits `file`, one record per line, as chunks parsed by `record` on a worker thread; a
    /// chunk is checked for UTF-8 whole first (``RawLine/knownValidUTF8``).
    static func forEachLineRecord(
        _ file: InputFileRef, chunkBytes: Int, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void,
        record: @escaping @Sendable (RawLine) -> ExtractedRecord
    ) throws {
        try forEachChunk(file, chunkBytes: chunkBytes, progress: progress, emit: emit) { chunk in
            .chunk { out in chunk.forEachLine(checkingUTF8: true) { out(record($0)) } }
        }
    }

    /// Emits `file` as batches (the batch lane), each line added to its chunk's batch by
    /// `record` on a worker thread; a chunk is checked for UTF-8 whole first
    /// (``RawLine/knownValidUTF8``).
    static func forEachLineBatch(
        _ file: InputFileRef, source: String, chunkBytes: Int, progress: (UInt64) -> Void,
        emit: (ExtractedRecord) throws -> Void, record: @escaping @Sendable (RawLine, inout ByteBatch) -> Void
    ) throws {
        try forEachChunk(file, chunkBytes: chunkBytes, progress: progress, emit: emit) { chunk in
            .batch { arena in
                var batch = ByteBatch(chunk, source: source, file: file.name, arena: arena)
                chunk.forEachLine(checkingUTF8: true) { record($0, &batch) }
                return batch
            }
        }
    }
}

extension ByteBatch {
    /// An empty batch for the records of `chunk`, which it keeps alive as long as their texts
    /// borrow its bytes.
    init(_ chunk: LineChunk, source: String, file: String, arena: TextArena) {
        self.init(source: source, file: file, arena: arena, holding: [chunk.bytes], capacity: chunk.lineCount)
    }
}

extension InputIssue {
    /// A line whose bytes are not valid UTF-8.
    static func invalidUTF8(_ file: InputFileRef, _ line: RawLine) -> InputIssue {
        InputIssue(
            kind: .invalidUTF8, file: file.name, line: line.number, detail: "line is not valid UTF-8",
            raw: Array(line.bytes))
    }
}

extension RecordOrigin {
    /// The origin of a one-line record: its line number is its ordinal.
    static func line(_ file: InputFileRef, _ line: RawLine) -> RecordOrigin {
        RecordOrigin(file: file.name, line: line.number, ordinal: line.number)
    }
}
