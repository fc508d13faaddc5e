/// A byte-pair-encoding model: the vocabulary and merge ranks of a tokenizer.json, on ids.
///
/// Byte-level models (GPT-2, Qwen, GLM, DeepSeek) start from one symbol per UTF-8 byte;
/// SentencePiece-style models (LLaMA, Mistral) from one symbol per character, with
/// `byte_fallback` turning an unknown character into its `<0xXX>` byte tokens. Merges then
/// apply lowest rank first, leftmost first among equal ranks, exactly as the tokenizers
/// library's heap does. Immutable and shared by every ``TokenCounter``.
final class BPEModel: Sendable {
    let byteLevel: Bool
    /// Byte-level: the id of each byte's symbol, -1 when the vocabulary lacks it.
    let byteIDs: [Int32]
    /// Character-level: the id of each single-character token.
    let scalarIDs: [UInt32: Int32]
    /// `<0xXX>` ids when `byte_fallback` is on (all 256 present), else empty.
    let fallbackIDs: [Int32]
    let unkID: Int32?
    let fuseUnk: Bool
    /// `ignore_merges`: a piece that is itself in the vocabulary is one token.
    let wholePieceIDs: [[UInt8]: Int32]?
    let merges: PairTable

    init(
        byteLevel: Bool, byteIDs: [Int32], scalarIDs: [UInt32: Int32], fallbackIDs: [Int32], unkID: Int32?,
        fuseUnk: Bool, wholePieceIDs: [[UInt8]: Int32]?, merges: PairTable
    ) {
        self.byteLevel = byteLevel
        self.byteIDs = byteIDs
        self.scalarIDs = scalarIDs
        self.fallbackIDs = fallbackIDs
        self.unkID = unkID
        self.fuseUnk = fuseUnk
        self.wholePieceIDs = wholePieceIDs
        self.merges = merges
    }
}

/// The per-counter working memory of BPE: symbol list, links and the merge heap.
struct BPEWorkspace {
    private var ids: [Int32] = []
    private var next: [Int32] = []
    private var prev: [Int32] = []
    private var heap: [UInt64] = []

    /// Appends the ids of `piece` to `out`.
    mutating func encode(_ piece: UnsafeBufferPointer<UInt8>, _ model: BPEModel, into out: inout [Int32]) {
        if let whole = model.wholePieceIDs, let id = whole[Array(piece)] {
            out.append(id)
            return
        }
        initialSymbols(piece, model)
        mergeAll(model.merges)
        out.append(contentsOf: ids)
    }

    private mutating func initialSymbols(_ piece: UnsafeBufferPointer<UInt8>, _ model: BPEModel) {
        ids.removeAll(keepingCapacity: true)
        var lastWasUnk = false
        func unknown() {
            guard let unk = model.unkID else { return }  // no unk token: the symbol is dropped
            if model.fuseUnk, lastWasUnk { return }
            ids.append(unk)
            lastWasUnk = true
        }
        if model.byteLevel {
            for b in piece {
                let id = model.byteIDs[Int(b)]
                if id >= 0 {
                    ids.append(id)
                    lastWasUnk = false
                } else {
                    unknown()
                }
            }
        } else {
            var i = 0
            let n = piece.count
            while i < n {
                let (scalar, len) = Self.decode(piece, at: i)
                if let id = model.scalarIDs[scalar] {
                    ids.append(id)
                    lastWasUnk = false
                } else if !model.fallbackIDs.isEmpty {
                    for k in i..<(i + len) { ids.append(model.fallbackIDs[Int(piece[k])]) }
                    lastWasUnk = false
                } else {
                    unknown()
                }
                i += len
            }
        }
        let n = ids.count
        next.removeAll(keepingCapacity: true)
        prev.removeAll(keepingCapacity: true)
        for k in 0..<n {
            next.append(k + 1 < n ? Int32(k + 1) : -1)
            prev.append(Int32(k - 1))
        }
    }

    /// One UTF-8 scalar of valid text at `i`: its value and length.
    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(b[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return (((b0 & 0x1F) << 6) | (UInt32(b[i + 1]) & 0x3F), 2) }
        if b0 < 0xF0 {
            return (((b0 & 0x0F) << 12) | ((UInt32(b[i + 1]) & 0x3F) << 6) | (UInt32(b[i + 2]) & 0x3F), 3)
        }
        return (
            ((b0 & 0x07) << 18) | ((UInt32(b[i + 1]) & 0x3F) << 12) | ((UInt32(b[i + 2]) & 0x3F) << 6)
                | (UInt32(b[i + 3]) & 0x3F), 4
        )
    }

    /// Applies merges, lowest rank first and leftmost first among equals; heap entries are
    /// `rank << 32 | position`, checked against the current symbols when popped.
    private mutating func mergeAll(_ merges: PairTable) {
        let n = ids.count
        guard n > 1 else { return }
        if heap.count < 4 * n { heap = [UInt64](repeating: 0, count: 4 * n) }
        let w = merges.withLookup { lookup in
            ids.withUnsafeMutableBufferPointer { ids in
                next.withUnsafeMutableBufferPointer { next in
                    prev.withUnsafeMutableBufferPointer { prev in
                        heap.withUnsafeMutableBufferPointer { heap in
                            Self.mergeAll(n, ids, next, prev, heap, lookup)
                        }
                    }
                }
            }
        }
        ids.removeSubrange(w...)
    }

    /// The merge loop on raw buffers; returns how many symbols are left (compacted in `ids`).
    private static func mergeAll(
        _ n: Int, _ ids: UnsafeMutableBufferPointer<Int32>, _ next: UnsafeMutableBufferPointer<Int32>,
        _ prev: UnsafeMutableBufferPointer<Int32>, _ heap: UnsafeMutableBufferPointer<UInt64>,
        _ lookup: PairTable.Lookup
    ) -> Int {
        var size = 0
        @inline(__always) func push(_ v: UInt64) {
            var i = size
            size += 1
            while i > 0 {
                let p = (i - 1) >> 1
                if heap[p] <= v { break }
                heap[i] = heap[p]
                i = p
            }
            heap[i] = v
        }
        @inline(__always) func pop() -> UInt64 {
            let top = heap[0]
            size -= 1
            let last = heap[size]
            var i = 0
            while true {
                let l = 2 * i + 1
                if l >= size { break }
                var c = l
                if l + 1 < size, heap[l + 1] < heap[l] { c = l + 1 }
                if heap[c] >= last { break }
                heap[i] = heap[c]
                i = c
            }
            heap[i] = last
            return top
        }
        for k in 0..<(n - 1) {
            let m = lookup.find(ids[k], ids[k + 1])
            if m != PairTable.absent { push(m & 0xFFFF_FFFF_0000_0000 | UInt64(k)) }
        }
        while size > 0 {
            // The heap holds at most one entry per merge made plus the initial pairs: < 4n.
            let top = pop()
            let pos = Int(top & 0xFFFF_FFFF)
            let left = ids[pos]
            guard left >= 0 else { continue }
            let r = Int(next[pos])
            guard r >= 0 else { continue }
            let m = lookup.find(left, ids[r])
            guard m != PairTable.absent, m >> 32 == top >> 32 else { continue }
            let merged = Int32(truncatingIfNeeded: m & 0xFFFF_FFFF)
            ids[pos] = merged
            ids[r] = -1
            let after = next[r]
            next[pos] = after
            if after >= 0 { prev[Int(after)] = Int32(pos) }
            let before = prev[pos]
            if before >= 0 {
                let m2 = lookup.find(ids[Int(before)], merged)
                if m2 != PairTable.absent { push(m2 & 0xFFFF_FFFF_0000_0000 | UInt64(before)) }
            }
            if after >= 0 {
                let m3 = lookup.find(merged, ids[Int(after)])
                if m3 != PairTable.absent { push(m3 & 0xFFFF_FFFF_0000_0000 | UInt64(pos)) }
            }
        }
        // Drop the merged-away symbols; what is left is in order.
        var w = 0
        for k in 0..<n where ids[k] >= 0 {
            ids[w] = ids[k]
            w += 1
        }
        return w
    }
}

/// An open-addressing table from a pair of token ids to `rank << 32 | merged id`.
struct PairTable: Sendable {
    static let absent = UInt64.max
    /// Key and value side by side: slot i is `[2i]` (key, `UInt64.max` when empty) and `[2i+1]`.
    private var slots: [UInt64]
    private let mask: Int

    init(capacityFor count: Int) {
        var size = 16
        while size < count * 2 { size <<= 1 }
        slots = [UInt64](repeating: .max, count: 2 * size)
        mask = size - 1
    }

    @inline(__always)
    static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    /// Stores the merge of a pair; a pair listed twice keeps its last rank, as the tokenizers
    /// library's map does.
    mutating func insert(_ a: Int32, _ b: Int32, rank: UInt32, merged: Int32) {
        let key = Self.key(a, b)
        var i = Self.slot(key, mask)
        while slots[2 * i] != .max, slots[2 * i] != key { i = (i + 1) & mask }
        slots[2 * i] = key
        slots[2 * i + 1] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merged))
    }

    /// Lookups over the raw table, for the merge loop.
    struct Lookup {
        let slots: UnsafeBufferPointer<UInt64>
        let mask: Int

        @inline(__always)
        func find(_ a: Int32, _ b: Int32) -> UInt64 {
            let key = PairTable.key(a, b)
            var i = PairTable.slot(key, mask)
            while true {
                let k = slots[2 * i]
                if k == key { return slots[2 * i + 1] }
                if k == .max { return PairTable.absent }
                i = (i + 1) & mask
            }
        }
    }

    func withLookup<R>(_ body: (Lookup) -> R) -> R {
        slots.withUnsafeBufferPointer { body(Lookup(slots: $0, mask: mask)) }
    }
}
