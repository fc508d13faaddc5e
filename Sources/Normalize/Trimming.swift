/// The character sets of Foundation's `trimmingCharacters(in:)` that the Markdown renderer
/// trims with, matched on scalars in Swift: Foundation on Linux bridges every call through
/// `NSString`, which cost a few percent of a ShareGPT run.
enum TrimSet {
    /// `CharacterSet.whitespaces`: Unicode general category Zs, TAB, and U+200B ZERO WIDTH
    /// SPACE (Zs in older Unicode data, which Foundation's set still follows; a test checks
    /// every BMP scalar against Foundation).
    case whitespaces
    /// `CharacterSet.newlines`: U+000A–U+000D, U+0085, U+2028, U+2029.
    case newlines
    /// `CharacterSet.whitespacesAndNewlines`: both.
    case whitespacesAndNewlines

    func contains(_ s: Unicode.Scalar) -> Bool {
        switch self {
        case .whitespaces: return Self.isWhitespace(s)
        case .newlines: return Self.isNewline(s)
        case .whitespacesAndNewlines: return Self.isWhitespace(s) || Self.isNewline(s)
        }
    }

    private static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        // Zs is U+0020, U+00A0, U+1680, U+2000–U+200A, U+202F, U+205F and U+3000 (checked
        // against Foundation's set on every BMP scalar by a test).
        switch s.value {
        case 0x20, 0x09, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    private static func isNewline(_ s: Unicode.Scalar) -> Bool {
        (0x0A...0x0D).contains(s.value) || s.value == 0x85 || s.value == 0x2028 || s.value == 0x2029
    }
}

extension TrimSet {
    /// The valid UTF-8 text `s` without leading and trailing scalars of this set.
    func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = s.startIndex
        var hi = s.endIndex
        while lo < hi {
            let (scalar, length) = UTF8Scalar.scalar(s, at: lo)
            guard contains(scalar) else { break }
            lo += length
        }
        while hi > lo {
            let (scalar, start) = UTF8Scalar.scalar(s, endingAt: hi)
            guard contains(scalar) else { break }
            hi = start
        }
        return s[lo..<hi]
    }
}

extension StringProtocol {
    /// The text without leading and trailing scalars of `set` (``TrimSet/trim(_:)`` on its
    /// UTF-8 bytes).
    func trimming(_ set: TrimSet) -> String {
        String(decoding: set.trim(Array(utf8)[...]), as: UTF8.self)
    }
}
