import Formats

/// The loop every line-oriented extractor shares: open (zstd or plain), read raw lines,
/// report progress now and then.
enum LineFile {
    static func forEachLine(
        _ file: InputFileRef, progress: (UInt64) -> Void, _ body: (RawLine) throws -> Void
    ) throws {
        let reader = try LineReader(path: file.path)
        while try reader.nextRaw({ line in
            if line.number & 0x3FFF == 0 { progress(reader.bytesRead) }
            try body(line)
        }) {}
        progress(reader.bytesRead)
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
