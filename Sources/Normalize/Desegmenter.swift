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
    public func desegmentedIfChanged(_ text: String) -> String? {
        var out: [UInt8] = []
        let changed = text.withUTF8Bytes { b -> Bool in
            var copied = 0  // bytes of `b` already in `out`
            var i = 0
            var removed = false
            while i < b.count {
                guard let base = b.baseAddress, let hit = memchr(base + i, 0x20, b.count - i) else { break }
                i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                var j = i
                while j < b.count, b[j] == 0x20 { j += 1 }
                if i > 0, j < b.count, Self.isCJK(Self.scalar(before: i, in: b)), Self.isCJK(Self.scalar(at: j, in: b))
                {
                    if !removed { out.reserveCapacity(b.count) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<i]))
                    copied = j
                    removed = true
                }
                i = j
            }
            if removed { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied...])) }
            return removed
        }
        return changed ? String(decoding: out, as: UTF8.self) : nil
    }

    /// The scalar starting at byte `i` of `b`, which holds a string's (valid) UTF-8.
    private static func scalar(at i: Int, in b: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar {
        let b0 = UInt32(b[i])
        let value: UInt32
        if b0 < 0x80 {
            value = b0
        } else if b0 < 0xE0 {
            value = (b0 & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F)
        } else if b0 < 0xF0 {
            value = (b0 & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F)
        } else {
            value =
                (b0 & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6
                | UInt32(b[i + 3] & 0x3F)
        }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    private static func scalar(before i: Int, in b: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar {
        var s = i - 1
        while s > 0, b[s] & 0xC0 == 0x80 { s -= 1 }
        return scalar(at: s, in: b)
    }

    /// Whether `s` is a CJK ideograph or CJK/full-width punctuation.
    public static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF: return true
        case 0x3000...0x303F: return true
        case 0xFF00...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65: return true
        default: return false
        }
    }
}
