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

    /// What the lines of a batch's records have in common, escaped once for the batch (the line
    /// up to the ordinal in the id, and from the ordinal to the first turn), and room to write a
    /// line in: for one thread, while it encodes the batch's records.
    public final class Head {
        let id: [UInt8]
        let source: [UInt8]
        private var room: UnsafeMutablePointer<UInt8>
        private var capacity = 1024

        init(source: String, file: String, listOpen: StaticString) {
            var id: [UInt8] = []
            JSONString.appendRaw(#"{"id":""#, to: &id)
            JSONString.appendEscaped(source, to: &id)
            id.append(UInt8(ascii: ":"))
            JSONString.appendEscaped(file, to: &id)
            id.append(UInt8(ascii: ":"))
            self.id = id
            var rest: [UInt8] = []
            JSONString.appendRaw(#"","source":"#, to: &rest)
            JSONString.append(source, to: &rest)
            JSONString.appendRaw(listOpen, to: &rest)
            self.source = rest
            room = .allocate(capacity: capacity)
        }

        deinit { room.deallocate() }

        /// Room for at least `count` bytes.
        func room(_ count: Int) -> UnsafeMutablePointer<UInt8> {
            if capacity < count {
                room.deallocate()
                capacity = max(count, 2 * capacity)
                room = .allocate(capacity: capacity)
            }
            return room
        }
    }

    /// The ``Head`` of `batch`'s lines.
    public func head(of batch: ByteBatch) -> Head {
        Head(source: batch.source, file: batch.file, listOpen: listOpen)
    }

    /// ``encode(_:into:)`` with the batch's ``Head`` (`head(of:)` of the record's batch): the
    /// same line, written in one piece when no text needs escaping and the record has no
    /// metadata but a kept opening (nearly all), else as ``encode(_:into:)`` writes it.
    public func encode(_ record: ByteBatch.Record, head: Head, into out: inout [UInt8]) {
        // The metadata string: `"{}"`, or `"{\"opening\":\"…\"}"` (an opening with nothing to
        // escape is the same escaped twice).
        let closing: StaticString = "],\"metadata\":\"{}\"}\n"
        let openingStart: StaticString = "],\"metadata\":\"{\\\"opening\\\":\\\""
        let openingEnd: StaticString = "\\\"}\"}\n"
        guard record.otherMetadata.isEmpty, record.ordinal >= 0 else { return encodeTurns(record, into: &out) }
        var length = head.id.count + 20 + head.source.count + closing.utf8CodeUnitCount
        if let opening = record.opening {
            guard ByteScan.firstJSONSpecial(opening, from: 0) == opening.count else {
                return encodeTurns(record, into: &out)
            }
            length += openingStart.utf8CodeUnitCount + opening.count + openingEnd.utf8CodeUnitCount
        }
        for i in 0..<record.turnCount {
            let text = record.texts[i]
            guard ByteScan.firstJSONSpecial(text, from: 0) == text.count else { return encodeTurns(record, into: &out) }
            let open = record.role(at: i) == .human ? humanOpen : gptOpen
            length += open.utf8CodeUnitCount + text.count + 4
        }
        let start = head.room(length)
        var p = start
        func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let from = bytes.baseAddress else { return }
            p.update(from: from, count: bytes.count)
            p += bytes.count
        }
        func put(_ s: StaticString) { put(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
        head.id.withUnsafeBufferPointer(put)
        p += JSONString.writeDecimal(record.ordinal, to: p)
        head.source.withUnsafeBufferPointer(put)
        for i in 0..<record.turnCount {
            if i > 0 {
                p.pointee = UInt8(ascii: ",")
                p += 1
            }
            put(record.role(at: i) == .human ? humanOpen : gptOpen)
            p.pointee = UInt8(ascii: "\"")
            p += 1
            put(record.texts[i])
            p[0] = UInt8(ascii: "\"")
            p[1] = UInt8(ascii: "}")
            p += 2
        }
        if let opening = record.opening {
            put(openingStart)
            put(opening)
            put(openingEnd)
        } else {
            put(closing)
        }
        out.append(contentsOf: UnsafeBufferPointer(start: start, count: p - start))
    }

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

    /// Writes the digits of `n`'s magnitude at `p`; returns how many (at most 20).
    ///
    /// Runs once per output line (the ordinal in the id): the digits are counted against
    /// powers of ten, then written from the last, two per division.
    static func writeDecimal(_ n: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var v = n.magnitude
        var digits = 1
        var bound: UInt = 10
        while v >= bound {
            digits += 1
            if digits == 20 { break }  // 10^19 is the last power of ten a UInt holds
            bound &*= 10
        }
        let zero = UInt8(ascii: "0")
        var end = digits
        while v >= 100 {
            let q = v / 100
            let r = v &- q &* 100
            end -= 2
            p[end] = zero &+ UInt8(r / 10)
            p[end + 1] = zero &+ UInt8(r % 10)
            v = q
        }
        if v >= 10 {
            p[0] = zero &+ UInt8(v / 10)
            p[1] = zero &+ UInt8(v % 10)
        } else {
            p[0] = zero &+ UInt8(v)
        }
        return digits
    }

    static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        // Into a fixed buffer (Int.min has 19 digits), then appended.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            let p = buffer.bindMemory(to: UInt8.self)
            guard let base = p.baseAddress else { return }
            out.append(contentsOf: UnsafeBufferPointer(start: base, count: writeDecimal(n, to: base)))
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
