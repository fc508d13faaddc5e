import Formats

/// An input file of a source: its path on disk and its name in ids and messages.
public struct InputFileRef: Sendable, Hashable {
    /// The path to open.
    public var path: String
    /// The name relative to the source's folder, used in ids, issues and the manifest.
    public var name: String
    /// Size on disk.
    public var bytes: UInt64

    public init(path: String, name: String, bytes: UInt64) {
        self.path = path
        self.name = name
        self.bytes = bytes
    }
}

/// What an extractor yields: a parsed conversation, or a malformed record.
public enum ExtractedRecord {
    case conversation(Conversation)
    /// A conversation whose texts are still bytes of the input (the byte lane): emitted only
    /// inside a ``chunk(_:)``'s closure, and valid only during the call that receives it. A
    /// consumer that does not take the byte lane uses its ``ByteConversation/conversation()``.
    case bytes(ByteConversation)
    /// One input record that yields several conversations (a BELLE seed task's instances).
    case conversations([Conversation])
    case malformed(InputIssue)
    /// A record whose parsing is left to the parallel stage: the closure returns one of the
    /// other cases, and may run on a worker thread.
    case deferred(@Sendable () -> ExtractedRecord)
    /// Many records whose parsing is left to the parallel stage: the closure passes each, in
    /// input order, to the function it is given (none of them a chunk), and may run on a
    /// worker thread. Line sources emit runs of whole lines this way, so that the reading
    /// thread only finds line ends.
    case chunk(@Sendable (_ emit: (ExtractedRecord) -> Void) -> Void)
    /// The records of a chunk on the batch lane (see ``ByteBatch``), whose parsing is left to
    /// the parallel stage: the closure parses them into a batch whose texts it writes into the
    /// arena it is given (valid while the batch is processed), and may run on a worker thread.
    case batch(@Sendable (TextArena) -> ByteBatch)

    /// Calls `body` with this record, or with each record a deferred record or a chunk holds,
    /// parsed here.
    public func resolve(_ body: (ExtractedRecord) throws -> Void) rethrows {
        switch self {
        case .deferred(let make):
            try make().resolve(body)
        case .chunk(let records):
            // Resolved as they come: a byte conversation's bytes live only during the call.
            var parsed: [ExtractedRecord] = []
            records { $0.resolve { parsed.append($0) } }
            for record in parsed { try body(record) }
        case .bytes(let c):
            try body(.conversation(c.conversation()))
        case .batch(let make):
            let batch = make(TextArena())
            for r in 0..<batch.count { try batch.record(r).resolve(body) }
        default:
            try body(self)
        }
    }
}

/// Parses one source's raw files into conversations.
///
/// One conforming type per source format.
///
/// Extractors only parse: cleaning rules belong in the source's recipe as named steps. Records
/// are pushed to `emit` one at a time, in file order, so memory stays bounded.
public protocol SourceExtractor {
    /// Reads `file` and emits every record in it.
    ///
    /// - Parameters:
    ///   - file: the input file.
    ///   - progress: told the number of input bytes consumed so far, from time to time.
    ///   - emit: receives each record.
    /// - Throws: ``FormatsError`` when the file cannot be read; malformed records are emitted,
    ///   not thrown.
    func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws

    /// Reads all of a source's files, in order. The default reads them one by one.
    ///
    /// - Parameter warn: receives warnings about the input as a whole (e.g. Weibo's files of
    ///   different lengths); the runner logs them and records them in the manifest.
    func extract(
        files: [InputFileRef], progress: (UInt64) -> Void, warn: (String) -> Void,
        emit: (ExtractedRecord) throws -> Void
    ) throws
}

extension SourceExtractor {
    public func extract(
        files: [InputFileRef], progress: (UInt64) -> Void, warn: (String) -> Void,
        emit: (ExtractedRecord) throws -> Void
    ) throws {
        var before: UInt64 = 0
        for file in files {
            try extract(file, progress: { progress(before + $0) }, emit: emit)
            before += file.bytes
        }
    }
}

extension ByteBatch {
    /// Record `r` on its own: malformed, or a byte conversation (borrowing the batch's texts).
    public func record(_ r: Int) -> ExtractedRecord {
        if let issue = issue(r) { return .malformed(issue) }
        return .bytes(byteConversation(r))
    }
}
