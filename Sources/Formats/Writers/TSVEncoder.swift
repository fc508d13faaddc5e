/// Encodes conversations as `query\tanswer` lines: one line per consecutive pair of turns.
///
/// This is the original project's view of the data, kept as an export. Fields are escaped so
/// that a line is always exactly two fields: backslash as `\\`, TAB as `\t`, LF as `\n` and CR
/// as `\r`. An utterance dropped from the front of an odd-length session (kept in the
/// metadata key ``openingKey``) still pairs with the next utterance here.
public struct TSVEncoder: Sendable {
    /// The metadata key under which the role step keeps a dropped opening utterance.
    public static let openingKey = "opening"

    public init() {}

    /// Appends the pair lines of `conversation` to `out`; returns how many lines it wrote.
    @discardableResult
    public func encode(_ conversation: Conversation, into out: inout [UInt8]) -> Int {
        encodeTurns(conversation, into: &out)
    }

    /// The same for a conversation of the byte lane.
    @discardableResult
    public func encode(_ conversation: ByteConversation, into out: inout [UInt8]) -> Int {
        encodeTurns(conversation, into: &out)
    }

    /// The same for a record of a ``ByteBatch``.
    @discardableResult
    public func encode(_ record: ByteBatch.Record, into out: inout [UInt8]) -> Int {
        encodeTurns(record, into: &out)
    }

    /// The body of all three: specialised here, in this module, for each.
    private func encodeTurns<C: TurnBytes>(_ conversation: C, into out: inout [UInt8]) -> Int {
        let opening = conversation.metadata[Self.openingKey]
        let first = opening == nil ? 0 : -1  // the opening utterance, when kept, is text -1
        guard conversation.turnCount - first >= 2 else { return 0 }
        func field(_ i: Int) {
            if i >= 0 {
                conversation.withText(at: i) { Self.appendField($0, to: &out) }
            } else if let opening {
                opening.withUTF8Bytes { Self.appendField($0, to: &out) }
            }
        }
        for i in (first + 1)..<conversation.turnCount {
            field(i - 1)
            out.append(0x09)
            field(i)
            out.append(0x0A)
        }
        return conversation.turnCount - first - 1
    }

    /// Appends `s` with `\`, TAB, LF and CR escaped.
    public static func appendField(_ s: String, to out: inout [UInt8]) {
        s.withUTF8Bytes { appendField($0, to: &out) }
    }

    /// Appends the UTF-8 text `bytes` with `\`, TAB, LF and CR escaped.
    static func appendField(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            switch b {
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            default: out.append(b)
            }
        }
    }
}
