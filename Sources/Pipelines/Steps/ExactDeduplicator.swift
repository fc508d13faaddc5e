import Formats

/// `dedup.exact`: removes exact repeats within a source (`duplicate`), compared after
/// normalisation.
///
/// Keeps a 128-bit hash of each conversation's roles and texts, not the texts, and the
/// position of its first occurrence, so the rejection can name the id it repeats. The hash
/// is a fixed function (no per-process seed), so decisions are the same on every run.
public struct ExactDeduplicator: KeyedStep {
    public let id = "dedup.exact"
    public var parameters: [String: String] { ["key": "roles+texts", "hash": "128-bit"] }

    private var seen = HashIndex()
    private var files: [String] = []
    private var fileIndex: [String: Int] = [:]

    public init() {}

    public static func key(for c: Conversation) -> StableHash { key(of: c) }

    public static func key(bytes c: ByteConversation) -> StableHash? { key(of: c) }

    public static func key(record r: ByteBatch.Record) -> StableHash? { key(of: r) }

    /// Roles and texts, in order: the same hash for a conversation and its byte form.
    static func key<C: TurnBytes>(of c: C) -> StableHash {
        var h = StableHasher()
        for i in 0..<c.turnCount {
            h.combine(byte: c.role(at: i) == .human ? 1 : 2)
            c.withText(at: i) { h.combine(bytes: $0) }
        }
        return h.finalize()
    }

    public func prefetch(key: StableHash) { seen.prefetch(key) }

    public mutating func decide(key: StableHash, record c: RecordIdentity) -> StepVerdict {
        let f: Int
        if let last = files.last, last == c.origin.file {
            f = files.count - 1  // the common case: records arrive file by file
        } else if let known = fileIndex[c.origin.file] {
            f = known
        } else {
            files.append(c.origin.file)
            fileIndex[c.origin.file] = files.count - 1
            f = files.count - 1
        }
        // The first occurrence's position in the index's 40-bit value: 12 bits of file, 28 of
        // ordinal; past those (4,095 files, 268 million records a file) it is not kept.
        let ordinal = UInt64(max(0, c.origin.ordinal))
        let here = f < 4095 && ordinal < 1 << 28 ? UInt64(f) << 28 | ordinal : HashIndex.maxValue
        if let first = seen.insertIfAbsent(key, value: here) {
            guard first != HashIndex.maxValue else {
                return .rejected(.duplicate, detail: "an earlier record of \(c.source)")
            }
            let firstID = "\(c.source):\(files[Int(first >> 28)]):\(first & (1 << 28 - 1))"
            return .rejected(.duplicate, detail: firstID)
        }
        return .unchanged
    }
}
