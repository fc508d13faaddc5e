/// The records of one chunk of a file, their texts still UTF-8 bytes, held column by column: the
/// batch lane of the pipeline (see `docs/pipeline.md`).
///
/// A ``ByteConversation`` per record costs an array of texts, a copy of the source's and the
/// file's names and a call per step; for short records that is more than the steps' own work.
/// A batch keeps every text of the chunk in one array and each record as a range of it, so an
/// extractor appends a record without allocating, and a step runs once over all of them.
///
/// Texts are borrowed, as a byte conversation's are: from the chunk's bytes or from the batch's
/// ``arena``, valid while the chunk's records are processed. Every text is well-formed UTF-8.
/// Malformed records keep their place in the batch, so records stay in input order.
public struct ByteBatch {
    /// One record: a range of ``texts``, or a malformed record (then in ``issues``).
    @usableFromInline
    struct Entry {
        @usableFromInline var start: Int32
        @usableFromInline var end: Int32
        @usableFromInline var line: Int
        @usableFromInline var ordinal: Int
        /// Where its metadata is in ``metadataStore``, or -1 when it has none.
        @usableFromInline var metadata: Int32 = -1
        /// Where its kept opening utterance is in ``texts`` (the metadata's `opening`, see
        /// ``TSVEncoder/openingKey``), or -1 when it has none.
        @usableFromInline var opening: Int32 = -1
    }

    /// The source's and the file's names, held once for the batch.
    public final class Names: Sendable {
        public let source: String
        /// The input file, relative to the source's folder (``RecordOrigin/file``).
        public let file: String

        init(source: String, file: String) {
            self.source = source
            self.file = file
        }
    }

    public let names: Names
    public var source: String { names.source }
    /// The input file, relative to the source's folder (``RecordOrigin/file``).
    public var file: String { names.file }
    /// Where the texts the extractor and the steps make are written.
    public let arena: TextArena
    /// The bytes the texts borrow from (a chunk's, or two files' chunks), kept alive with the
    /// batch.
    public let storage: [[UInt8]]
    @usableFromInline var texts: [UnsafeBufferPointer<UInt8>] = []
    @usableFromInline var entries: [Entry] = []
    /// The start in ``texts`` of the record being built (see ``open(line:)``), or -1.
    private var openStart = -1
    private var openLine = 0
    /// Metadata of the records that have any (``ByteConversation/metadata``), but for a kept
    /// opening utterance, which is a text of its own.
    @usableFromInline var metadataStore: [[String: String]] = []
    /// The malformed records, by index.
    public private(set) var issues: [Int: InputIssue] = [:]

    /// An empty batch whose texts will borrow from `storage` and `arena`, with room for
    /// `capacity` records.
    public init(source: String, file: String, arena: TextArena, holding storage: [[UInt8]] = [], capacity: Int = 0) {
        names = Names(source: source, file: file)
        self.arena = arena
        self.storage = storage
        entries.reserveCapacity(capacity)
        texts.reserveCapacity(2 * capacity)
    }

    /// How many records the batch holds, malformed ones included.
    @inlinable public var count: Int { entries.count }

    // MARK: Building

    /// Adds a record of two texts (a question and its answer).
    public mutating func append(
        line: Int, ordinal: Int, _ question: UnsafeBufferPointer<UInt8>,
        _ answer: UnsafeBufferPointer<UInt8>
    ) {
        let start = Int32(texts.count)
        texts.append(question)
        texts.append(answer)
        entries.append(Entry(start: start, end: start + 2, line: line, ordinal: ordinal))
    }

    /// Adds a record with the texts of ``ByteConversation/Text`` values: a string is copied into
    /// the arena.
    public mutating func append(line: Int, ordinal: Int, texts new: [ByteConversation.Text]) {
        open(line: line)
        for text in new { add(text) }
        close(ordinal: ordinal)
    }

    /// Adds a malformed record.
    public mutating func append(malformed issue: InputIssue) {
        issues[entries.count] = issue
        entries.append(Entry(start: 0, end: 0, line: issue.line, ordinal: 0))
    }

    /// Starts a record whose texts come one by one (``add(_:)``), until ``close(ordinal:)`` or
    /// ``discard()``; malformed records appended meanwhile come before it.
    public mutating func open(line: Int) {
        discard()
        openStart = texts.count
        openLine = line
    }

    /// Whether a record is open, and how many texts it has so far.
    public var openTexts: Int? { openStart < 0 ? nil : texts.count - openStart }

    /// Adds a text to the open record.
    public mutating func add(_ text: UnsafeBufferPointer<UInt8>) {
        precondition(openStart >= 0, "no record is open")
        texts.append(text)
    }

    /// Adds a text to the open record: its bytes, or a copy of the string in the arena.
    public mutating func add(_ text: ByteConversation.Text) {
        add(borrowed(text))
    }

    /// Ends the open record and adds it.
    public mutating func close(ordinal: Int) {
        precondition(openStart >= 0, "no record is open")
        entries.append(Entry(start: Int32(openStart), end: Int32(texts.count), line: openLine, ordinal: ordinal))
        openStart = -1
    }

    /// Forgets the open record, if any.
    public mutating func discard() {
        guard openStart >= 0 else { return }
        texts.removeSubrange(openStart...)
        openStart = -1
    }

    /// The bytes of `text`: its own, or a copy of the string in the arena.
    public func borrowed(_ text: ByteConversation.Text) -> UnsafeBufferPointer<UInt8> {
        switch text {
        case .borrowed(let bytes): return bytes
        case .owned(let string): return copy(string)
        }
    }

    /// A copy of `string`'s bytes in the arena.
    public func copy(_ string: String) -> UnsafeBufferPointer<UInt8> {
        string.withUTF8Bytes { bytes in
            arena.write(atMost: bytes.count) { out in
                if let base = bytes.baseAddress { out.update(from: base, count: bytes.count) }
                return bytes.count
            }
        }
    }

    // MARK: Reading and changing records

    /// The malformed record at `r`, if it is one.
    @inlinable
    public func issue(_ r: Int) -> InputIssue? {
        issues.isEmpty ? nil : issues[r]
    }

    /// The number of texts of record `r`.
    @inlinable
    public func textCount(_ r: Int) -> Int { Int(entries[r].end - entries[r].start) }

    /// Text `i` of record `r`.
    @inlinable
    public func text(_ r: Int, _ i: Int) -> UnsafeBufferPointer<UInt8> { texts[Int(entries[r].start) + i] }

    /// Puts `new` in the place of text `i` of record `r`.
    public mutating func setText(_ r: Int, _ i: Int, _ new: UnsafeBufferPointer<UInt8>) {
        texts[Int(entries[r].start) + i] = new
    }

    /// Makes the first text of record `r` its kept opening utterance (the metadata's
    /// `opening`), in place of any it had.
    public mutating func keepFirstTextAsOpening(_ r: Int) {
        entries[r].opening = entries[r].start
        entries[r].start += 1
    }

    /// The kept opening utterance of record `r`, if it has one.
    @inlinable
    public func opening(_ r: Int) -> UnsafeBufferPointer<UInt8>? {
        let i = entries[r].opening
        return i < 0 ? nil : texts[Int(i)]
    }

    /// Makes `text` the kept opening utterance of record `r`, or removes it (`nil`).
    public mutating func setOpening(_ r: Int, _ text: UnsafeBufferPointer<UInt8>?) {
        guard let text else {
            entries[r].opening = -1
            return
        }
        if entries[r].opening >= 0 {
            texts[Int(entries[r].opening)] = text
        } else {
            entries[r].opening = Int32(texts.count)
            texts.append(text)
        }
    }

    /// Puts `new` in the place of record `r`'s texts.
    public mutating func setTexts(_ r: Int, _ new: [ByteConversation.Text]) {
        if new.count <= textCount(r) {
            for (i, text) in new.enumerated() { setText(r, i, borrowed(text)) }
            entries[r].end = entries[r].start + Int32(new.count)
        } else {
            entries[r].start = Int32(texts.count)
            for text in new { texts.append(borrowed(text)) }
            entries[r].end = Int32(texts.count)
        }
    }

    /// The metadata of record `r` (``ByteConversation/metadata``), its kept opening included.
    public func metadata(_ r: Int) -> [String: String] {
        withRecord(r) { $0.metadata }
    }

    /// Makes `metadata` the metadata of record `r` (an `opening` becomes its kept opening).
    public mutating func setMetadata(_ r: Int, _ metadata: [String: String]) {
        var metadata = metadata
        setOpening(r, metadata.removeValue(forKey: TSVEncoder.openingKey).map(copy))
        let slot = entries[r].metadata
        if slot >= 0 {
            metadataStore[Int(slot)] = metadata
        } else if !metadata.isEmpty {
            entries[r].metadata = Int32(metadataStore.count)
            metadataStore.append(metadata)
        }
    }

    /// The line and the ordinal of record `r` (its ``origin(_:)`` without the file's name).
    @inlinable
    public func position(_ r: Int) -> (line: Int, ordinal: Int) { (entries[r].line, entries[r].ordinal) }

    /// Where record `r` came from.
    public func origin(_ r: Int) -> RecordOrigin {
        RecordOrigin(file: file, line: entries[r].line, ordinal: entries[r].ordinal)
    }

    /// Record `r` as a byte conversation (its texts borrowed from the batch), for a step or a
    /// path that has no batch form.
    public func byteConversation(_ r: Int) -> ByteConversation {
        var c = ByteConversation(
            source: source, origin: origin(r), texts: (0..<textCount(r)).map { .borrowed(text(r, $0)) },
            metadata: metadata(r))
        c.arena = arena
        return c
    }

    /// Calls `body` with record `r` as ``TurnBytes`` (for the writers and the deduplicator).
    @inlinable
    public func withRecord<R>(_ r: Int, _ body: (Record) throws -> R) rethrows -> R {
        let entry = entries[r]
        return try texts.withUnsafeBufferPointer { all in
            try body(
                Record(
                    names: names, line: entry.line, ordinal: entry.ordinal,
                    otherMetadata: entry.metadata < 0 ? [:] : metadataStore[Int(entry.metadata)],
                    opening: entry.opening < 0 ? nil : all[Int(entry.opening)],
                    texts: UnsafeBufferPointer(rebasing: all[Int(entry.start)..<Int(entry.end)])))
        }
    }

    /// One record of a batch, read through ``withRecord(_:_:)``.
    public struct Record: TurnBytes {
        /// Not counted: the record lives only while ``withRecord(_:_:)`` runs, and its batch,
        /// which holds the names, longer.
        @usableFromInline unowned(unsafe) let names: Names
        @usableFromInline let line: Int
        public let ordinal: Int
        /// The metadata but for the kept opening utterance.
        public let otherMetadata: [String: String]
        /// The kept opening utterance, if any (the metadata's `opening`).
        public let opening: UnsafeBufferPointer<UInt8>?
        /// The record's texts, in order.
        public let texts: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>

        @inlinable
        init(
            names: Names, line: Int, ordinal: Int, otherMetadata: [String: String],
            opening: UnsafeBufferPointer<UInt8>?, texts: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>
        ) {
            self.names = names
            self.line = line
            self.ordinal = ordinal
            self.otherMetadata = otherMetadata
            self.opening = opening
            self.texts = texts
        }

        /// The whole metadata, the opening included.
        public var metadata: [String: String] {
            guard let opening else { return otherMetadata }
            var metadata = otherMetadata
            metadata[TSVEncoder.openingKey] = String(knownValidUTF8: opening)
            return metadata
        }

        @inlinable public var source: String { names.source }
        @inlinable public var origin: RecordOrigin { RecordOrigin(file: names.file, line: line, ordinal: ordinal) }
        @inlinable public var explicitID: String? { nil }
        @inlinable public var turnCount: Int { texts.count }

        @inlinable
        public func role(at i: Int) -> Role { (texts.count - 1 - i) % 2 == 0 ? .gpt : .human }

        @inlinable
        public func withText<R>(at i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            try body(texts[i])
        }
    }
}
