import CShims
import Formats

/// An open-addressing set of ``StableHash`` keys, each with a 40-bit value, for deduplication.
///
/// Memory is what bounds a source's run at full scale (BELLE has millions of records), so a
/// slot is 16 bytes: the key's low 64 bits, then 24 more of its bits beside the value (88 bits
/// of hash compared in all: for ten million keys the chance of one false match is about
/// 10⁻¹³). The keys are already well-mixed hashes, so their low bits pick the bucket directly.
/// The table is a power of two, at most 80% full (linear probing stays short with four slots to
/// a cache line), and only grows: about 21 to 40 bytes per key. Values are stored plus one, so 0
/// marks an empty slot.
///
/// The table is made at the first insert, not with the index: a pipeline's steps are copied
/// before a run (the run's description keeps the steps as given), and a table made before that
/// was shared by the copies, so the first insert copied all of it (a megabyte, every page of it
/// a fault) in every run.
struct HashIndex {
    /// The largest value a slot holds.
    static let maxValue: UInt64 = 1 << 40 - 2

    private struct Slot {
        var lo: UInt64
        /// The key's bits 40–63 of `hi` in the top 24 bits, the value plus one below.
        var tagged: UInt64
    }

    private var slots: [Slot] = []
    private(set) var count = 0
    /// The slots of the table the first insert makes.
    private let firstSlots: Int

    init(capacity: Int = 1 << 16) {
        var n = 16
        while n < capacity { n <<= 1 }
        firstSlots = n
    }

    /// The slots of the table (0 before the first insert).
    var slotCount: Int { slots.count }

    /// `n` empty slots; a table of megabytes asks for huge pages before it is first written.
    private static func emptySlots(_ n: Int) -> [Slot] {
        [Slot](unsafeUninitializedCapacity: n) { buffer, count in
            let bytes = n * MemoryLayout<Slot>.stride
            if bytes >= 4 << 20 { ccs_advise_huge_pages(buffer.baseAddress, bytes) }
            buffer.initialize(repeating: Slot(lo: 0, tagged: 0))
            count = n
        }
    }

    /// The value stored for `key`, or stores `value` (at most ``maxValue``) and returns `nil`.
    mutating func insertIfAbsent(_ key: StableHash, value: UInt64) -> UInt64? {
        if (count + 1) * 5 > slots.count * 4 { grow() }
        return Self.insert(key.lo, tag: key.hi >> 40, value: min(value, Self.maxValue) + 1, into: &slots, count: &count)
    }

    /// Starts bringing the slot where a lookup of `key` begins into the cache, so that a
    /// lookup a little later does not wait for memory (the table is far larger than the cache).
    func prefetch(_ key: StableHash) {
        slots.withUnsafeBufferPointer { s in
            guard let base = s.baseAddress, s.count > 0 else { return }
            ccs_prefetch(base + (Int(truncatingIfNeeded: key.lo) & (s.count - 1)))
        }
    }

    private static func insert(_ lo: UInt64, tag: UInt64, value: UInt64, into slots: inout [Slot], count: inout Int)
        -> UInt64?
    {
        slots.withUnsafeMutableBufferPointer { s -> UInt64? in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: lo) & mask
            while s[i].tagged != 0 {
                if s[i].lo == lo && s[i].tagged >> 40 == tag { return (s[i].tagged & (1 << 40 - 1)) - 1 }
                i = (i + 1) & mask
            }
            s[i] = Slot(lo: lo, tagged: tag << 40 | value)
            count += 1
            return nil
        }
    }

    private mutating func grow() {
        var bigger = Self.emptySlots(slots.isEmpty ? firstSlots : slots.count * 2)
        var n = 0
        for slot in slots where slot.tagged != 0 {
            _ = Self.insert(
                slot.lo, tag: slot.tagged >> 40, value: slot.tagged & (1 << 40 - 1), into: &bigger, count: &n)
        }
        slots = bigger
    }
}
