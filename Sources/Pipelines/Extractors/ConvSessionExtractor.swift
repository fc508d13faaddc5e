import Formats

/// The dgk `.conv` E/M layout (xiaohuangji; subtitle with a de-slashing transform).
///
/// ```
/// E
/// M 呵呵
/// M 是王若猫的。
/// ```
/// A line `E` starts a session; each `M ␠text` line is one utterance. The last session is
/// kept even without a closing `E`. Rules:
/// - a session is one record, identified by its ordinal in the file and its `E` line;
/// - `M` lines before the first `E` form a session of their own;
/// - a session with any line that is not valid UTF-8 is malformed (`invalid-utf8`) as a whole;
/// - any other line (blank, a timestamp, `m …`, ` M …`) is a malformed record of its own
///   (`stray-line`), reported with its line number, and does not end the session;
/// - an `E` directly followed by another `E` (or the end) holds no utterance and no record.
/// Role assignment and the minimum length are the recipe's job (`roles.pair-alternation`).
public struct ConvSessionExtractor: SourceExtractor {
    public let source: String
    /// Turns the bytes after `M `, once checked to be valid UTF-8, into the utterance (the bytes
    /// themselves for unsegmented files; a text it makes is written into the chunk's arena).
    public let utterance: @Sendable (UnsafeBufferPointer<UInt8>, TextArena) -> ByteConversation.Text

    /// Bytes of lines handed to a worker at a time (see ``LineFile``); chunks end before an
    /// `E` line, so a session never spans two.
    public var chunkBytes = LineFile.chunkBytes

    public init(
        source: String,
        utterance: @escaping @Sendable (UnsafeBufferPointer<UInt8>, TextArena) -> ByteConversation.Text = {
            bytes, _ in .borrowed(bytes)
        }
    ) {
        self.source = source
        self.utterance = utterance
    }

    static func isSessionStart(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.first == UInt8(ascii: "E") && b.dropFirst().allSatisfy({ $0 == 0x20 || $0 == 0x09 })
    }

    static func isUtterance(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.first == UInt8(ascii: "M") && (b.count == 1 || b[1] == 0x20)
    }

    public func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws {
        // The reading thread only counts sessions (one ordinal per session with an `M` line),
        // so that each chunk knows the ordinal it starts after.
        var sessions = 0
        var inSession = false  // the current session has an `M` line
        var before = 0  // sessions before the chunk being cut
        try LineFile.forEachChunk(
            file, chunkBytes: chunkBytes, progress: progress, emit: emit,
            cutBefore: { Self.isSessionStart($0.bytes) },
            scan: { line in
                if Self.isSessionStart(line.bytes) {
                    inSession = false
                } else if !inSession, Self.isUtterance(line.bytes) {
                    inSession = true
                    sessions += 1
                }
            },
            parse: { [source, utterance] chunk in
                let first = before
                before = sessions
                return .batch { arena in
                    var batch = ByteBatch(chunk, source: source, file: file.name, arena: arena)
                    Self.parse(chunk, after: first, file: file, utterance: utterance, into: &batch)
                    return batch
                }
            })
    }

    /// Adds the records of a chunk that starts at a session's start (or the file's) to
    /// `batch`; `after` is the number of sessions before it.
    static func parse(
        _ chunk: LineChunk, after: Int, file: InputFileRef,
        utterance: (UnsafeBufferPointer<UInt8>, TextArena) -> ByteConversation.Text, into batch: inout ByteBatch
    ) {
        var ordinal = after
        let arena = batch.arena
        // The session being read: its first line, and its first line that is not valid UTF-8.
        // Its utterances are the texts of the batch's open record.
        var start: Int?
        var badLine: (line: Int, raw: [UInt8])?

        func flush() {
            defer {
                start = nil
                badLine = nil
            }
            guard let line = start else { return }
            guard (batch.openTexts ?? 0) > 0 || badLine != nil else { return batch.discard() }
            ordinal += 1
            if let bad = badLine {
                batch.discard()
                batch.append(
                    malformed: InputIssue(
                        kind: .invalidUTF8, file: file.name, line: bad.line,
                        detail: "utterance is not valid UTF-8 (session starting at line \(line))", raw: bad.raw))
                return
            }
            batch.close(ordinal: ordinal)
        }

        func begin(at line: Int) {
            start = line
            batch.open(line: line)
        }

        func read(_ line: RawLine) {
            let b = line.bytes
            if isSessionStart(b) {
                flush()
                begin(at: line.number)
            } else if isUtterance(b) {
                if start == nil { begin(at: line.number) }
                // After `M ` (ASCII): a part of the line that is valid when the line is.
                let bytes = UnsafeBufferPointer(rebasing: b[min(2, b.count)...])
                if line.isValidUTF8(bytes) {
                    batch.add(utterance(bytes, arena))
                } else if badLine == nil {
                    badLine = (line.number, Array(b))
                }
            } else if let text = line.text {
                batch.append(
                    malformed: InputIssue(
                        kind: .strayLine, file: file.name, line: line.number,
                        detail: "expected an `E` line or an `M <text>` line", raw: Array(text.utf8)))
            } else {
                batch.append(malformed: .invalidUTF8(file, line))
            }
        }
        chunk.forEachLine(checkingUTF8: true, read, then: flush)
    }
}
