/// The record format of the output shards.
public enum OutputFormat: String, Sendable, CaseIterable, Codable {
    /// One conversation per line (canonical).
    case jsonl
    /// `query\tanswer`, one line per consecutive pair of turns (an export view).
    case tsv

    public var fileExtension: String { rawValue }
}

/// How a conversation is spelled in JSONL.
public enum ConversationLayout: String, Sendable, CaseIterable, Codable {
    /// ShareGPT/FastChat: `{"id","source","conversations":[{"from":"human"|"gpt","value"}]}`.
    case sharegpt
    /// Chat messages: `{"id","source","messages":[{"role":"user"|"assistant","content"}]}`.
    case messages
}

/// How shards are compressed.
public enum Compression: String, Sendable, CaseIterable, Codable {
    case zstd
    case none
}
