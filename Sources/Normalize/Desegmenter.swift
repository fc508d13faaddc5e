#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Removes word-segmentation spaces between Chinese characters, and only there.
///
/// Douban and Weibo are distributed word-segmented: tokens separated by ASCII spaces
/// (`我 喜欢 北京 ！`). A run of spaces is removed when the characters on both sides are each a
/// CJK ideograph or CJK/full-width punctuation; every other space is kept, so Latin words,
/// numbers, URLs and emoticons stay apart, and so does CJK next to Latin:
/// `I love you 北 京 ！` → `I love you 北京！` (the original project deleted every space and
/// wrote `Iloveyou北京！`).
///
/// "CJK" here is: ideographs (U+3400–U+4DBF, U+4E00–U+9FFF, U+F900–U+FAFF, U+20000–U+3FFFF),
/// CJK symbols and punctuation U+3000–U+303F, and the full-width forms U+FF00–U+FF0F,
/// U+FF1A–U+FF20, U+FF3B–U+FF40, U+FF5B–U+FF65 (full-width punctuation, not letters or digits).
public struct Desegmenter: Sendable {
    public init() {}

    /// `text` without segmentation spaces; `text` itself when there are none.
    ///
    /// Works on the UTF-8 bytes: a run of spaces is looked at only where it is, decoding the
    /// scalar before and after it; the output is built only once a space is removed.
    public func desegment(_ text: String) -> String {
        desegmentedIfChanged(text) ?? text
    }

    /// `text` without segmentation spaces, or `nil` when it has none (no copy is made then).
    ///
    /// Finds the first run of spaces to remove with memchr; from there, copies the rest word by
    /// word into the new string (segmented text has a space every few characters, too close
    /// together for a search call per space to pay).
    public func desegmentedIfChanged(_ text: String) -> String? {
        text.withUTF8Bytes { desegmented(bytes: $0) }
    }

    /// ``desegmentedIfChanged(_:)`` of the UTF-8 text `b`.
    public func desegmented(bytes b: UnsafeBufferPointer<UInt8>) -> String? {
        guard let first = Self.firstRemovableRun(in: b) else { return nil }
        // Built in scratch memory and copied into the string unvalidated: removing ASCII
        // spaces from valid UTF-8 leaves it valid.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: b.count) { out in
            guard let dest = out.baseAddress else { return nil }
            let w = Self.write(b, from: first, into: dest)
            return String(knownValidUTF8: UnsafeBufferPointer(start: dest, count: w))
        }
    }

    /// ``desegmented(bytes:)`` written to `out`, which has room for `b.count` bytes: the number
    /// of bytes written, or `nil` (nothing written) when `b` has no segmentation space.
    public func desegmented(bytes b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard let first = Self.firstRemovableRun(in: b) else { return nil }
        return Self.write(b, from: first, into: out)
    }

    /// The first run of spaces to remove, found with memchr.
    private static func firstRemovableRun(in b: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let base = b.baseAddress else { return nil }
        let n = b.count
        var i = 0
        while i < n, let hit = memchr(base + i, 0x20, n - i) {
            i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            var j = i + 1
            while j < n, b[j] == 0x20 { j += 1 }
            if removable(i..<j, in: b) { return i..<j }
            i = j
        }
        return nil
    }

    /// Writes `b` without its segmentation spaces to `dest` (room for `b.count` bytes), the
    /// first run to remove being `firstRun`, and returns the number of bytes written.
    ///
    /// From that run on it copies word by word (segmented text has a space every few
    /// characters, too close together for a search call per space to pay).
    private static func write(
        _ b: UnsafeBufferPointer<UInt8>, from firstRun: Range<Int>, into dest: UnsafeMutablePointer<UInt8>
    ) -> Int {
        guard let base = b.baseAddress else { return 0 }
        let n = b.count
        var w = firstRun.lowerBound
        if w > 0 { dest.update(from: base, count: w) }
        var i = firstRun.upperBound
        while i < n {
            // The word up to the next space: short, so copied as one 16-byte block when it fits
            // (the block may write past the word; `w <= i` keeps it inside the room for `n`).
            let j = nextSpace(in: b, from: i)
            if j - i <= 16, i + 16 <= n {
                UnsafeMutableRawPointer(dest + w).storeBytes(
                    of: UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            } else {
                (dest + w).update(from: base + i, count: j - i)
            }
            w += j - i
            guard j < n else { break }
            var k = j + 1
            while k < n, b[k] == 0x20 { k += 1 }
            if !removable(j..<k, in: b) {
                (dest + w).update(repeating: 0x20, count: k - j)
                w += k - j
            }
            i = k
        }
        return w
    }

    /// The index of the first space at or after `start` in `b`, or `b.count`: eight bytes at a
    /// time (the lowest zero byte of the word XOR spaces), since words are short.
    @inline(__always)
    private static func nextSpace(in b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = b.baseAddress else { return start }
        let n = b.count
        var j = start
        while j + 8 <= n {
            let w = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self) ^ 0x2020_2020_2020_2020
            let zero = (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080
            if zero != 0 { return j + zero.trailingZeroBitCount / 8 }
            j += 8
        }
        while j < n, b[j] != 0x20 { j += 1 }
        return j
    }

    /// Whether the run of spaces `run` of `b` lies between two CJK characters.
    @inline(__always)
    private static func removable(_ run: Range<Int>, in b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard run.lowerBound > 0, run.upperBound < b.count else { return false }
        var s = run.lowerBound - 1
        while s > 0, b[s] & 0xC0 == 0x80 { s -= 1 }
        return isCJK(value: scalarValue(at: s, in: b)) && isCJK(value: scalarValue(at: run.upperBound, in: b))
    }

    /// The value of the scalar starting at byte `i` of `b`, which holds a string's (valid) UTF-8.
    @inline(__always)
    private static func scalarValue(at i: Int, in b: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let b0 = UInt32(b[i])
        if b0 < 0x80 { return b0 }
        if b0 < 0xE0 { return (b0 & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F) }
        if b0 < 0xF0 { return (b0 & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F) }
        return (b0 & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6
            | UInt32(b[i + 3] & 0x3F)
    }

    /// Whether `s` is a CJK ideograph or CJK/full-width punctuation.
    public static func isCJK(_ s: Unicode.Scalar) -> Bool { isCJK(value: s.value) }

    @inline(__always)
    static func isCJK(value: UInt32) -> Bool {
        switch value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF: return true
        case 0x3000...0x303F: return true
        case 0xFF00...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65: return true
        default: return false
        }
    }
}
