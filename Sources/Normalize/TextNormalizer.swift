import CShims
import Formats

/// Options of ``TextNormalizer``, with explicit defaults.
public struct NormalizeOptions: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Fold full-width ASCII letters and digits (U+FF10–FF19, U+FF21–FF3A, U+FF41–FF5A) to
    /// half-width.
    ///
    /// Full-width punctuation is never folded: it is how Chinese text writes it.
    public static let foldWidth = NormalizeOptions(rawValue: 1 << 0)

    public static let `default`: NormalizeOptions = [.foldWidth]
}

/// The common text normalisation applied to every turn.
///
/// In one pass over the scalars it:
/// - removes zero-width characters (U+200B–U+200D, U+2060, U+FEFF);
/// - turns U+2028, U+2029 and U+0085 into `\n`;
/// - turns U+3000 (ideographic space) into an ASCII space;
/// - folds full-width ASCII letters and digits to half-width (``NormalizeOptions/foldWidth``);
/// - trims leading and trailing white space.
///
/// It does not touch inner spaces, punctuation width, or script; text that needs no change is
/// returned as it is, without copying.
public struct TextNormalizer: Sendable {
    public var options: NormalizeOptions

    public init(options: NormalizeOptions = .default) {
        self.options = options
    }

    /// The normalised text; `text` itself when nothing changes.
    public func normalize(_ text: String) -> String {
        normalizedIfChanged(text) ?? text
    }

    /// The normalised text, or `nil` when nothing changes (no copy of `text` is made then).
    ///
    /// Works on the UTF-8 bytes: every character it rewrites has a lead byte from a set of four,
    /// so the text is copied in runs between those, each rewrite replaces a whole character by
    /// ASCII (or nothing), and the result is trimmed by its bytes; one string is built at the end.
    public func normalizedIfChanged(_ text: String) -> String? {
        text.withUTF8Bytes { normalized(bytes: $0) }
    }

    /// ``normalizedIfChanged(_:)`` of the UTF-8 text `b`.
    public func normalized(bytes b: UnsafeBufferPointer<UInt8>) -> String? {
        guard needsWork(b) else { return nil }
        let fold = options.contains(.foldWidth)
        let n = b.count
        var out = [UInt8]()
        out.reserveCapacity(n)
        var copied = 0
        var i = ByteScan.first(of: 0xC2, 0xE2, 0xE3, 0xEF, in: b, from: 0)
        while i < n {
            if let (length, replacement) = Self.rewrite(b, at: i, fold: fold) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<i]))
                if replacement != 0 { out.append(replacement) }
                i += length
                copied = i
            } else {
                i += 1
            }
            i = ByteScan.first(of: 0xC2, 0xE2, 0xE3, 0xEF, in: b, from: i)
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<n]))
        return out.withUnsafeBufferPointer { o in
            let kept = Self.trimmedRange(o)
            return String(knownValidUTF8: UnsafeBufferPointer(rebasing: o[kept]))
        }
    }

    /// What the normaliser does with the character whose lead byte is at `i`: `nil` when it
    /// keeps it, otherwise the length of its encoding and the ASCII byte that replaces it (0:
    /// removed).
    @inline(__always)
    private static func rewrite(_ b: UnsafeBufferPointer<UInt8>, at i: Int, fold: Bool) -> (Int, UInt8)? {
        let n = b.count
        let lead = b[i]
        if lead == 0xC2 {
            return i + 1 < n && b[i + 1] == 0x85 ? (2, 0x0A) : nil
        }
        guard i + 2 < n else { return nil }
        let b1 = b[i + 1], b2 = b[i + 2]
        switch lead {
        case 0xE2:
            if b1 == 0x80, (0x8B...0x8D).contains(b2) { return (3, 0) }  // U+200B–U+200D
            if b1 == 0x80, b2 == 0xA8 || b2 == 0xA9 { return (3, 0x0A) }  // U+2028, U+2029
            if b1 == 0x81, b2 == 0xA0 { return (3, 0) }  // U+2060
        case 0xE3:
            if b1 == 0x80, b2 == 0x80 { return (3, 0x20) }  // U+3000
        case 0xEF:
            if b1 == 0xBB, b2 == 0xBF { return (3, 0) }  // U+FEFF
            // U+FF10–FF19, U+FF21–FF3A: EF BC 90–99, EF BC A1–BA; U+FF41–FF5A: EF BD 81–9A.
            if fold, b1 == 0xBC, (0x90...0x99).contains(b2) || (0xA1...0xBA).contains(b2) { return (3, b2 - 0x60) }
            if fold, b1 == 0xBD, (0x81...0x9A).contains(b2) { return (3, b2 - 0x20) }
        default: break
        }
        return nil
    }

    /// Whether the UTF-8 text `b` contains anything ``normalize(_:)`` would change.
    ///
    /// Checks the first and last scalar for white space, then looks for the exact encodings of
    /// the characters it rewrites, sixteen positions at a time in C (Chinese punctuation shares
    /// their lead bytes, so a search for the lead bytes alone stops every few characters);
    /// ordinary CJK text takes no copy.
    private func needsWork(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if Self.hasEdgeWhitespace(b) { return true }
        guard let base = b.baseAddress else { return false }
        return ccs_normaliser_finds(base, b.count, options.contains(.foldWidth) ? 1 : 0) != 0
    }

    /// The range of the UTF-8 text `b` without leading and trailing white space (what
    /// ``trim(_:)`` keeps).
    public static func trimmedRange(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = 0
        while start < b.count, let length = whitespaceLength(b, at: start) { start += length }
        var end = b.count
        while end > start {
            var last = end - 1
            while last > start, b[last] & 0xC0 == 0x80 { last -= 1 }
            guard whitespaceLength(b, at: last) != nil else { break }
            end = last
        }
        return start..<end
    }

    private static func isASCIISpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// Whether the first or last scalar of the UTF-8 text `b` is white space (Unicode
    /// `White_Space`), by its bytes: ASCII space and controls 09–0D, U+0085, U+00A0, U+1680,
    /// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
    static func hasEdgeWhitespace(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !b.isEmpty else { return false }
        if whitespaceLength(b, at: 0) != nil { return true }
        var i = b.count - 1
        while i > 0, b[i] & 0xC0 == 0x80 { i -= 1 }
        return whitespaceLength(b, at: i) != nil
    }

    /// The length of the white-space character starting at `i`, or `nil` when it is not one.
    private static func whitespaceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let b0 = b[i]
        if b0 < 0x80 { return isASCIISpace(b0) ? 1 : nil }
        let n = b.count - i
        switch b0 {
        case 0xC2: return n >= 2 && (b[i + 1] == 0x85 || b[i + 1] == 0xA0) ? 2 : nil
        case 0xE1: return n >= 3 && b[i + 1] == 0x9A && b[i + 2] == 0x80 ? 3 : nil
        case 0xE2:
            guard n >= 3 else { return nil }
            let (b1, b2) = (b[i + 1], b[i + 2])
            if b1 == 0x80 { return b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF ? 3 : nil }
            return b1 == 0x81 && b2 == 0x9F ? 3 : nil
        case 0xE3: return n >= 3 && b[i + 1] == 0x80 && b[i + 2] == 0x80 ? 3 : nil
        default: return nil
        }
    }

    /// `s` without leading and trailing white space (Unicode `White_Space`).
    public static func trim(_ s: String) -> String {
        s.withUTF8Bytes { b in
            let kept = trimmedRange(b)
            return kept.count == b.count ? s : String(knownValidUTF8: UnsafeBufferPointer(rebasing: b[kept]))
        }
    }
}
