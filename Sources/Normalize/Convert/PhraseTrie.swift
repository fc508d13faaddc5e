/// Phrases keyed by Unicode scalars, matched longest-first.
///
/// A trie whose edges live in one dictionary keyed by (node, scalar), plus a bitset of the
/// scalars that start any phrase, so text that starts no phrase costs one bit test per
/// character. Outputs are stored as UTF-8 bytes, ready to append.
public struct PhraseTrie: Sendable {
    private var edges: [UInt64: Int32] = [:]
    private var outputs: [Int32: [UInt8]] = [:]
    private var nodes: Int32 = 1
    private var startBits = [UInt64](repeating: 0, count: 1024)
    private var startOther: Set<UInt32> = []
    /// The longest key, in scalars.
    public private(set) var maxLength = 0
    /// How many phrases are stored.
    public var count: Int { outputs.count }

    public init() {}

    /// Stores `key → value`; an existing key is replaced only when `replace` is set.
    public mutating func insert(_ key: String, _ value: String, replace: Bool) {
        let scalars = key.unicodeScalars.map(\.value)
        guard let first = scalars.first else { return }
        var node: Int32 = 0
        for s in scalars {
            let k = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(s)
            if let next = edges[k] {
                node = next
            } else {
                edges[k] = nodes
                node = nodes
                nodes += 1
            }
        }
        if outputs[node] != nil && !replace { return }
        outputs[node] = Array(value.utf8)
        if first < 0x10000 { startBits[Int(first >> 6)] |= 1 << UInt64(first & 63) } else { startOther.insert(first) }
        maxLength = max(maxLength, scalars.count)
    }

    /// Whether some phrase starts with `cp`.
    @inline(__always)
    public func startsPhrase(_ cp: UInt32) -> Bool {
        cp < 0x10000 ? startBits[Int(cp >> 6)] & (1 << UInt64(cp & 63)) != 0 : startOther.contains(cp)
    }

    /// The longest phrase starting at byte `from` of the UTF-8 text `bytes`: its length in
    /// bytes and its output.
    public func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> (length: Int, output: [UInt8])? {
        var node: Int32 = 0
        var best: (Int, [UInt8])?
        var i = from
        var depth = 0
        while i < bytes.count, depth < maxLength {
            let (cp, width) = UTF8Scalar.decode(bytes, at: i)
            let k = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(cp)
            guard let next = edges[k] else { break }
            node = next
            i += width
            depth += 1
            if let out = outputs[node] { best = (i - from, out) }
        }
        return best
    }
}
