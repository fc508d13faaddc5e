import CShims

/// Encodes conversations as JSON Lines, one object per line, keys in a fixed order.
///
/// Written by hand rather than with `JSONEncoder` because it runs once per output record on
/// the hot path: it appends UTF-8 straight into a reusable buffer. Strings are escaped per
/// RFC 8259 (`"`, `\`, and control characters; everything else is written as UTF-8).
/// Metadata follows the turns on every line, as a *string* holding a JSON object with sorted
/// keys (`"{}"` when empty): the keys differ between records and sources, and a column whose
/// type changes from row to row breaks Arrow-based loaders such as Hugging Face `datasets`.
public struct JSONLEncoder: Sendable {
    public let layout: ConversationLayout
    // The fixed pieces of a line, as static strings: appending one costs no reference counting.
    private let listOpen: StaticString
    private let humanOpen: StaticString
    private let gptOpen: StaticString

    public init(layout: ConversationLayout = .sharegpt) {
        self.layout = layout
        switch layout {
        case .sharegpt:
            listOpen = #","conversations":["#
            humanOpen = #"{"from":"human","value":"#
            gptOpen = #"{"from":"gpt","value":"#
        case .messages:
            listOpen = #","messages":["#
            humanOpen = #"{"role":"user","content":"#
            gptOpen = #"{"role":"assistant","content":"#
        }
    }

    /// Appends `conversation` and a `\n` to `out`.
    public func encode(_ conversation: Conversation, into out: inout [UInt8]) {
        encodeTurns(conversation, into: &out)
    }

    /// Appends a conversation of the byte lane: the same line as for its
    /// ``ByteConversation/conversation()``.
    public func encode(_ conversation: ByteConversation, into out: inout [UInt8]) {
        encodeTurns(conversation, into: &out)
    }

    /// Appends the line of a record of a ``ByteBatch``.
    public func encode(_ record: ByteBatch.Record, into out: inout [UInt8]) {
        encodeTurns(record, into: &out)
    }

    /// The body of both: specialised here, in this module, for each.
    private func encodeTurns<C: TurnBytes>(_ conversation: C, into out: inout [UInt8]) {
        JSONString.appendRaw(#"{"id":"#, to: &out)
        if let id = conversation.explicitID {
            JSONString.append(id, to: &out)
        } else {
            JSONString.appendDerivedID(source: conversation.source, origin: conversation.origin, to: &out)
        }
        JSONString.appendRaw(#","source":"#, to: &out)
        JSONString.append(conversation.source, to: &out)
        JSONString.appendRaw(listOpen, to: &out)
        for i in 0..<conversation.turnCount {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.appendRaw(conversation.role(at: i) == .human ? humanOpen : gptOpen, to: &out)
            out.append(UInt8(ascii: "\""))
            conversation.withText(at: i) { JSONString.appendEscaped(bytes: $0, to: &out) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        JSONString.appendRaw(#","metadata":"#, to: &out)
        let metadata = conversation.metadata
        if metadata.isEmpty {
            JSONString.appendRaw(#""{}""#, to: &out)
        } else {
            var object: [UInt8] = []
            JSONString.appendObject(metadata, to: &object)
            JSONString.append(String(decoding: object, as: UTF8.self), to: &out)
        }
        JSONString.appendRaw("}\n", to: &out)
    }
}

/// JSON string and flat-object escaping into a byte buffer.
public enum JSONString {
    /// Appends the bytes of `s` as they are (a fixed piece of JSON).
    @inline(__always)
    public static func appendRaw(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends `s` as a quoted JSON string.
    public static func append(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendEscaped(s, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Appends the escaped content of `s`, without quotes.
    static func appendEscaped(_ s: String, to out: inout [UInt8]) {
        s.withUTF8Bytes { appendEscaped(bytes: $0, to: &out) }
    }

    /// Appends the escaped content of the UTF-8 text `bytes`, without quotes.
    ///
    /// Text with nothing to escape is appended as it is; from the first byte that needs an
    /// escape on, the C escaper writes into a buffer on the stack, a chunk at a time, and each
    /// chunk is appended once (instead of an append per run and per escape).
    static func appendEscaped(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let n = bytes.count
        let first = ByteScan.firstJSONSpecial(bytes, from: 0)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<first]))
        guard first < n, let base = bytes.baseAddress else { return }
        let chunk = Swift.min(escapeChunk, n - first)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6 * chunk) { room in
            guard let roomBase = room.baseAddress else { return }
            var i = first
            while i < n {
                let k = Swift.min(chunk, n - i)
                let written = ccs_json_escape(base + i, k, roomBase)
                out.append(contentsOf: UnsafeBufferPointer(start: roomBase, count: written))
                i += k
            }
        }
    }

    /// Input bytes escaped per chunk (its room, six times as many, is on the stack).
    static var escapeChunk: Int { 2048 }

    /// Appends `"<source>:<file>:<ordinal>"` without building the string first.
    static func appendDerivedID(source: String, origin: RecordOrigin, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendEscaped(source, to: &out)
        out.append(UInt8(ascii: ":"))
        appendEscaped(origin.file, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDecimal(origin.ordinal, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        // Digits from the last, into a fixed buffer (Int.min has 19), then appended in order.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var v = n.magnitude
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[i...]))
        }
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
