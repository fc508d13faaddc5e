/// Word-at-a-time searches over bytes: eight bytes per step in plain integer arithmetic
/// ("SWAR"), for the scans that run over every byte of every record (JSON escaping and string
/// parsing, the normaliser's check for work).
///
/// A lane test on a 64-bit word is exact for "is there such a byte in the word"; the byte's
/// position is then found one byte at a time within that word.
public enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// High bits set where (at least) a lane of `v` is zero; zero when no lane is.
    @inline(__always) static func zeroLanes(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }

    /// Non-zero when some lane of `w` equals `byte`.
    @inline(__always) static func lanes(_ w: UInt64, equal byte: UInt8) -> UInt64 {
        zeroLanes(w ^ (ones &* UInt64(byte)))
    }

    /// Non-zero when some lane of `w` is below `n` (for `n` ≤ 0x80).
    @inline(__always) static func lanes(_ w: UInt64, below n: UInt8) -> UInt64 {
        (w &- ones &* UInt64(n)) & ~w & highs
    }

    @inline(__always) static func isJSONSpecial(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C }

    /// The index of the first byte at or after `start` that a JSON string cannot hold as it is
    /// (a control character, `"` or `\`), or `bytes.count`.
    public static func firstJSONSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count
        var i = start
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if lanes(w, below: 0x20) | lanes(w, equal: 0x22) | lanes(w, equal: 0x5C) != 0 { break }
            i += 8
        }
        while i < n, !isJSONSpecial(base[i]) { i += 1 }
        return i
    }

    /// The index of the first byte at or after `start` equal to one of `a`, `b`, `c`, `d`, or
    /// `bytes.count`.
    public static func first(
        of a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int
    ) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count
        var i = start
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if lanes(w, equal: a) | lanes(w, equal: b) | lanes(w, equal: c) | lanes(w, equal: d) != 0 { break }
            i += 8
        }
        while i < n {
            let x = base[i]
            if x == a || x == b || x == c || x == d { return i }
            i += 1
        }
        return n
    }
}
