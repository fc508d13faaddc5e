import Formats

/// An open-addressing map from ``StableHash`` to a 64-bit value, for deduplication.
///
/// The keys are already well-mixed 128-bit hashes, so the table uses their low bits as the
/// bucket directly instead of hashing again. Each slot keeps key and value together (24 bytes,
/// one cache line touched per probe); the table is at most 70% full and only grows. Values are
/// stored plus one, so 0 marks an empty slot.
struct HashIndex {
    private struct Slot {
        var lo: UInt64
        var hi: UInt64
        var value: UInt64
    }

    private var slots: [Slot]
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        var n = 16
        while n < capacity { n <<= 1 }
        slots = Array(repeating: Slot(lo: 0, hi: 0, value: 0), count: n)
    }

    /// The value stored for `key`, or stores `value` and returns `nil`.
    mutating func insertIfAbsent(_ key: StableHash, value: UInt64) -> UInt64? {
        if (count + 1) * 10 > slots.count * 7 { grow() }
        return slots.withUnsafeMutableBufferPointer { s -> UInt64? in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: key.lo) & mask
            while s[i].value != 0 {
                if s[i].lo == key.lo && s[i].hi == key.hi { return s[i].value - 1 }
                i = (i + 1) & mask
            }
            s[i] = Slot(lo: key.lo, hi: key.hi, value: value + 1)
            count += 1
            return nil
        }
    }

    private mutating func grow() {
        var bigger = HashIndex(capacity: slots.count * 2)
        for slot in slots where slot.value != 0 {
            _ = bigger.insertIfAbsent(StableHash(lo: slot.lo, hi: slot.hi), value: slot.value - 1)
        }
        self = bigger
    }
}
