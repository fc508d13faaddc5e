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
        var texts: [String] = []
        if let opening = conversation.metadata[Self.openingKey] { texts.append(opening) }
        texts.append(contentsOf: conversation.turns.map(\.text))
        guard texts.count >= 2 else { return 0 }
        for i in 1..<texts.count {
            Self.appendField(texts[i - 1], to: &out)
            out.append(0x09)
            Self.appendField(texts[i], to: &out)
            out.append(0x0A)
        }
        return texts.count - 1
    }

    /// Appends `s` with `\`, TAB, LF and CR escaped.
    public static func appendField(_ s: String, to out: inout [UInt8]) {
        for b in s.utf8 {
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
