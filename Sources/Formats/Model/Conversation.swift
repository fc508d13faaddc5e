/// Who speaks a turn.
///
/// The canonical names are ShareGPT/FastChat's (`human`, `gpt`); the `messages` layout
/// spells them `user` and `assistant` (see ``ConversationLayout``).
public enum Role: String, Sendable, Codable, Hashable {
    case human
    case gpt

    /// The role that answers this one.
    public var other: Role { self == .human ? .gpt : .human }
}

/// One utterance of a conversation.
public struct Turn: Sendable, Codable, Hashable {
    public var role: Role
    public var text: String

    public init(_ role: Role, _ text: String) {
        self.role = role
        self.text = text
    }
}

/// Where a record came from: enough to find it again in the raw input.
public struct RecordOrigin: Sendable, Codable, Hashable {
    /// The input file, relative to the source's folder.
    public var file: String
    /// The 1-based line (or, for JSON arrays, the byte offset) where the record starts.
    public var line: Int
    /// The 1-based ordinal of the record within its file.
    public var ordinal: Int

    public init(file: String, line: Int, ordinal: Int) {
        self.file = file
        self.line = line
        self.ordinal = ordinal
    }
}

/// A conversation: the unit every pipeline step and writer works on.
///
/// The id traces back to the input as `<source>:<file>:<ordinal>`, so any output line can be
/// found in the raw corpus. Metadata is a flat string map, written with sorted keys.
public struct Conversation: Sendable, Codable, Hashable {
    /// The id, when it is not the one derived from the origin (such as an id from the record).
    public var explicitID: String?
    public var source: String
    public var turns: [Turn]
    public var metadata: [String: String]
    public var origin: RecordOrigin
    /// The token count of each turn, when the `tokens.count` step has run (the tokenizer's
    /// `len(tokenizer(text).input_ids)`, or the estimate).
    ///
    /// Not part of the output.
    public var turnTokens: [Int]?

    /// `<source>:<file>:<ordinal>` unless the record brought its own id.
    ///
    /// Derived on demand rather than stored: building a string per record is measurable on
    /// the hot path, and the writers spell it straight into their buffers.
    public var id: String {
        get { explicitID ?? "\(source):\(origin.file):\(origin.ordinal)" }
        set { explicitID = newValue }
    }

    public init(
        id: String? = nil, source: String, turns: [Turn], metadata: [String: String] = [:],
        origin: RecordOrigin
    ) {
        self.explicitID = id
        self.source = source
        self.turns = turns
        self.metadata = metadata
        self.origin = origin
    }

    /// A session of two utterances (see ``session(source:origin:utterances:metadata:)``),
    /// built without an array of utterances first.
    public static func pair(source: String, origin: RecordOrigin, _ question: String, _ answer: String) -> Conversation
    {
        Conversation(source: source, turns: [Turn(.human, question), Turn(.gpt, answer)], origin: origin)
    }

    /// Builds a conversation from a session of utterances by people chatting.
    ///
    /// The last utterance is `gpt` and roles alternate backwards from it; whether the
    /// session has an even length is decided later by the `roles.pair-alternation` step.
    public static func session(
        source: String, origin: RecordOrigin, utterances: [String],
        metadata: [String: String] = [:]
    ) -> Conversation {
        let parity = (utterances.count + 1) % 2  // the index parity of the last utterance
        let turns = utterances.enumerated().map { i, text in Turn(i % 2 == parity ? .gpt : .human, text) }
        return Conversation(source: source, turns: turns, metadata: metadata, origin: origin)
    }
}
