/// A conversation read from a session of utterances whose texts are still UTF-8 bytes: the byte
/// lane of the pipeline (see `docs/pipeline.md`).
///
/// Line sources parse thousands of short records a second per core, and building a `String`
/// per turn, an array of turns and a ``Conversation`` per record costs more than the steps
/// themselves when, as for most records, the steps change nothing. A byte conversation borrows
/// its texts from the extractor's buffer; a step that changes a text replaces it with bytes of
/// its own, in the conversation's ``arena`` when it has one, else in a string.
/// ``conversation()`` gives the ``Conversation`` the extractor would have built, for the
/// general path.
///
/// Borrowed texts (from a line chunk, from a BELLE record as simdjson parsed it, or from a
/// ``TextArena``) are valid only while the chunk's records are being processed, so a byte
/// conversation never outlives the call that receives it. Every text is well-formed UTF-8
/// (the extractor checks it before borrowing; what a step writes stays so).
public struct ByteConversation {
    /// One turn's text.
    public enum Text {
        /// Bytes of the input or of a ``TextArena``, valid only while the chunk is processed.
        case borrowed(UnsafeBufferPointer<UInt8>)
        /// Text a step wrote into a string of its own.
        case owned(String)
    }

    public var source: String
    public var origin: RecordOrigin
    /// The utterances, in order; roles follow the session rule of
    /// ``Conversation/session(source:origin:utterances:metadata:)`` (the last is `gpt`).
    public var texts: [Text]
    /// The record's own id, when it has one (``Conversation/explicitID``).
    public var explicitID: String?
    /// As ``Conversation/metadata``: most records have none (an empty dictionary costs no
    /// allocation); an extractor that sets the same few keys on every record can share one
    /// dictionary between them.
    public var metadata: [String: String]
    /// Where a step may write the texts it makes, when the run gives one: they are then
    /// borrowed like the input's bytes (see ``TextArena``), not strings of their own.
    public var arena: TextArena?

    public init(
        source: String, origin: RecordOrigin, texts: [Text], explicitID: String? = nil,
        metadata: [String: String] = [:]
    ) {
        self.source = source
        self.origin = origin
        self.texts = texts
        self.explicitID = explicitID
        self.metadata = metadata
    }

    /// A session of two utterances: a question and its answer.
    public static func pair(
        source: String, origin: RecordOrigin, _ question: UnsafeBufferPointer<UInt8>,
        _ answer: UnsafeBufferPointer<UInt8>
    ) -> ByteConversation {
        ByteConversation(source: source, origin: origin, texts: [.borrowed(question), .borrowed(answer)])
    }

    /// The role of turn `i`: the last turn is `gpt`, roles alternating backwards from it.
    @inlinable
    public func role(at i: Int) -> Role {
        (texts.count - 1 - i) % 2 == 0 ? .gpt : .human
    }

    /// Calls `body` with the bytes of turn `i`.
    @inlinable
    public func withText<R>(at i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        switch texts[i] {
        case .borrowed(let bytes): return try body(bytes)
        case .owned(let text): return try text.withUTF8Bytes(body)
        }
    }

    /// The conversation the general path works on: the same source, origin, id, utterances and
    /// metadata.
    public func conversation() -> Conversation {
        var c = Conversation.session(
            source: source, origin: origin,
            utterances: texts.map { text in
                switch text {
                case .borrowed(let bytes): return String(knownValidUTF8: bytes)
                case .owned(let text): return text
                }
            }, metadata: metadata)
        c.explicitID = explicitID
        return c
    }
}

/// What the writers and the deduplicator read of a conversation: its identity and its turns as
/// bytes.
///
/// ``Conversation`` and ``ByteConversation`` both have it, so one encoder serves both.
public protocol TurnBytes {
    var source: String { get }
    var origin: RecordOrigin { get }
    /// The id, when it is not the one derived from the origin.
    var explicitID: String? { get }
    var metadata: [String: String] { get }
    var turnCount: Int { get }
    func role(at i: Int) -> Role
    func withText<R>(at i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R
}

extension ByteConversation: TurnBytes {
    @inlinable
    public var turnCount: Int { texts.count }
}

extension Conversation: TurnBytes {
    @inlinable
    public var turnCount: Int { turns.count }

    @inlinable
    public func role(at i: Int) -> Role { turns[i].role }

    @inlinable
    public func withText<R>(at i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try turns[i].text.withUTF8Bytes(body)
    }
}
