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
    public func desegment(_ text: String) -> String {
        guard text.utf8.contains(0x20) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var changed = false
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            guard s == " " else {
                out.append(s)
                i += 1
                continue
            }
            var j = i
            while j < scalars.count, scalars[j] == " " { j += 1 }
            if i > 0, j < scalars.count, Self.isCJK(scalars[i - 1]), Self.isCJK(scalars[j]) {
                changed = true
            } else {
                out.append(contentsOf: scalars[i..<j])
            }
            i = j
        }
        return changed ? String(out) : text
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
