/// Encodes conversations as JSON Lines, one object per line, keys in a fixed order.
///
/// Written by hand rather than with `JSONEncoder` because it runs once per output record on
/// the hot path: it appends UTF-8 straight into a reusable buffer. Strings are escaped per
/// RFC 8259 (`"`, `\`, and control characters; everything else is written as UTF-8).
/// Metadata, when present, follows the turns as an object with sorted keys.
public struct JSONLEncoder: Sendable {
    public var layout: ConversationLayout

    public init(layout: ConversationLayout = .sharegpt) {
        self.layout = layout
    }

    /// Appends `conversation` and a `\n` to `out`.
    public func encode(_ conversation: Conversation, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONString.append(conversation.id, to: &out)
        out.append(contentsOf: #","source":"#.utf8)
        JSONString.append(conversation.source, to: &out)
        let (listKey, roleKey, textKey) =
            layout == .sharegpt ? ("conversations", "from", "value") : ("messages", "role", "content")
        out.append(contentsOf: ",\"\(listKey)\":[".utf8)
        for (i, turn) in conversation.turns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "{\"\(roleKey)\":\"".utf8)
            out.append(contentsOf: roleName(turn.role).utf8)
            out.append(contentsOf: "\",\"\(textKey)\":".utf8)
            JSONString.append(turn.text, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if !conversation.metadata.isEmpty {
            out.append(contentsOf: #","metadata":"#.utf8)
            JSONString.appendObject(conversation.metadata, to: &out)
        }
        out.append(contentsOf: "}\n".utf8)
    }

    private func roleName(_ role: Role) -> String {
        switch (layout, role) {
        case (.sharegpt, .human): return "human"
        case (.sharegpt, .gpt): return "gpt"
        case (.messages, .human): return "user"
        case (.messages, .gpt): return "assistant"
        }
    }
}

/// JSON string and flat-object escaping into a byte buffer.
public enum JSONString {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a quoted JSON string.
    public static func append(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                runStart = i + 1
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a string map as a JSON object with sorted keys.
    public static func appendObject(_ map: [String: String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, key) in map.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            append(key, to: &out)
            out.append(UInt8(ascii: ":"))
            append(map[key] ?? "", to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
