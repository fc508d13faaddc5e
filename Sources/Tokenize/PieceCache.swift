import Formats

/// Token counts of recent pieces, keyed by their bytes, with no allocation per lookup.
///
/// Open addressing over a 64-bit hash; the bytes of each piece are kept in an arena and
/// compared on a hit, so a hash collision can never return a wrong count. When the table is
/// three-quarters full or the arena reaches its limit, everything is dropped: memory stays
/// bounded.
struct PieceCache {
    private var hashes: [UInt64]
    private var starts: [Int32]
    private var lengths: [Int32]
    private var counts: [Int32]
    private var arena: [UInt8] = []
    private var used = 0
    private let mask: Int
    private let arenaLimit: Int

    init(slots: Int = 1 << 18, arenaLimit: Int = 8 << 20) {
        hashes = [UInt64](repeating: 0, count: slots)
        starts = [Int32](repeating: 0, count: slots)
        lengths = [Int32](repeating: 0, count: slots)
        counts = [Int32](repeating: 0, count: slots)
        mask = slots - 1
        self.arenaLimit = arenaLimit
        arena.reserveCapacity(arenaLimit)
    }

    /// A piece's hash (``StableHasher``'s low half, never 0: 0 marks an empty slot).
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = StableHasher()
        h.combine(bytes: b)
        return h.finalize().lo | 1
    }

    /// The count stored for `piece` (whose hash is `h`), or -1.
    func lookup(_ piece: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int {
        var i = Int(truncatingIfNeeded: h) & mask
        while hashes[i] != 0 {
            if hashes[i] == h, Int(lengths[i]) == piece.count {
                let start = Int(starts[i])
                let same = arena.withUnsafeBufferPointer { a in
                    ByteScan.equal(UnsafeBufferPointer(rebasing: a[start..<(start + piece.count)]), piece)
                }
                if same { return Int(counts[i]) }
            }
            i = (i + 1) & mask
        }
        return -1
    }

    mutating func insert(_ piece: UnsafeBufferPointer<UInt8>, hash h: UInt64, count: Int) {
        if used * 4 >= hashes.count * 3 || arena.count + piece.count > arenaLimit { clear() }
        var i = Int(truncatingIfNeeded: h) & mask
        while hashes[i] != 0 { i = (i + 1) & mask }
        hashes[i] = h
        starts[i] = Int32(arena.count)
        lengths[i] = Int32(piece.count)
        counts[i] = Int32(count)
        arena.append(contentsOf: piece)
        used += 1
    }

    private mutating func clear() {
        for i in hashes.indices { hashes[i] = 0 }
        arena.removeAll(keepingCapacity: true)
        used = 0
    }
}
