import Foundation

/// Searches over bytes sixteen at a time with SIMD compares, for the scans that run over every
/// byte of every record (JSON escaping and string parsing, the normaliser's check for work).
///
/// A block with a byte sought is then searched one byte at a time. Inlinable, so that callers
/// in other modules run the loop without a call per hit.
public enum ByteScan {
    @inlinable @inline(__always) static func isJSONSpecial(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C }

    /// Whether `a` and `b` hold the same bytes: lengths first, then one `memcmp` (the generic
    /// `elementsEqual` compares byte by byte through the sequence protocol).
    @inlinable public static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return a.count == 0 }
        return memcmp(pa, pb, a.count) == 0
    }

    /// Whether the bytes `a` are the text `s`.
    @inlinable public static func equal(_ a: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        equal(a, UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Whether any lane of `mask` is set: the two halves of the mask OR-ed together.
    ///
    /// The standard library's `any(_:)` reduces the sixteen lanes through a generic `min()` that is
    /// called, not inlined, once per block of sixteen bytes.
    @inlinable @inline(__always) public static func anyLane(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        let halves = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        return halves[0] | halves[1] != 0
    }

    /// The index of the first byte at or after `start` that a JSON string cannot hold as it is
    /// (a control character, `"` or `\`), or `bytes.count`.
    @inlinable public static func firstJSONSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count
        var i = start
        let (space, quote, backslash) = (
            SIMD16<UInt8>(repeating: 0x20), SIMD16<UInt8>(repeating: 0x22), SIMD16<UInt8>(repeating: 0x5C)
        )
        while i + 16 <= n {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
            if anyLane((v .< space) .| (v .== quote) .| (v .== backslash)) { break }
            i += 16
        }
        // The bytes left after whole blocks (none found one): one more block over the last
        // sixteen answers at once when it holds no special byte; when it does (a byte there may
        // come before `i`), the bytes left are searched one by one.
        if i + 16 > n, i < n, n >= 16 {
            let v = UnsafeRawPointer(base + n - 16).loadUnaligned(as: SIMD16<UInt8>.self)
            if !anyLane((v .< space) .| (v .== quote) .| (v .== backslash)) { return n }
        }
        while i < n, !isJSONSpecial(base[i]) { i += 1 }
        return i
    }

    /// The index of the first byte at or after `start` equal to `byte`, or `bytes.count`
    /// (`memchr`).
    @inlinable public static func first(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count,
            let hit = memchr(base + start, Int32(byte), bytes.count - start)
        else { return bytes.count }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The index of the first byte at or after `start` equal to one of `a`, `b`, `c`, `d`, or
    /// `bytes.count`.
    @inlinable public static func first(
        of a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int
    ) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count
        var i = start
        let (va, vb, vc, vd) = (
            SIMD16<UInt8>(repeating: a), SIMD16<UInt8>(repeating: b), SIMD16(repeating: c), SIMD16(repeating: d)
        )
        while i + 16 <= n {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
            if anyLane((v .== va) .| (v .== vb) .| (v .== vc) .| (v .== vd)) { break }
            i += 16
        }
        while i < n {
            let x = base[i]
            if x == a || x == b || x == c || x == d { return i }
            i += 1
        }
        return n
    }
}
