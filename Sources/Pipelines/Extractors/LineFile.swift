import Formats

/// The loop every line-oriented extractor shares: open (zstd or plain), cut the input into
/// chunks of whole lines for the workers to parse, report progress after each.
public enum LineFile {
    /// How many bytes of lines a chunk holds, at least: a few thousand short records, so that
    /// handing one to a worker costs little against parsing it.
    public static let chunkBytes = 1 << 17

    /// Emits `file` as ``ExtractedRecord/chunk(_:)`` records of whole lines, each turned into
    /// records by `parse` on a worker thread; `cutBefore` and `scan` as in
    /// ``LineReader/nextChunk(minBytes:maxLines:cutBefore:scan:)``.
    static func forEachChunk(
        _ file: InputFileRef, chunkBytes: Int, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void,
        cutBefore: (RawLine) -> Bool = { _ in true }, scan: (RawLine) -> Void = { _ in },
        parse: @escaping (LineChunk) -> @Sendable ((ExtractedRecord) -> Void) -> Void
    ) throws {
        let reader = try LineReader(path: file.path)
        while let chunk = try reader.nextChunk(minBytes: max(1, chunkBytes), cutBefore: cutBefore, scan: scan) {
            try emit(.chunk(parse(chunk)))
            progress(reader.bytesRead)
        }
        progress(reader.bytesRead)
    }

    /// Emits `file`, one record per line, as chunks parsed by `record` on a worker thread.
    static func forEachLineRecord(
        _ file: InputFileRef, chunkBytes: Int, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void,
        record: @escaping @Sendable (RawLine) -> ExtractedRecord
    ) throws {
        try forEachChunk(file, chunkBytes: chunkBytes, progress: progress, emit: emit) { chunk in
            { out in chunk.forEachLine { out(record($0)) } }
        }
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
