import Formats

/// Options of ``TextNormalizer``, with explicit defaults.
public struct NormalizeOptions: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Fold full-width ASCII letters and digits (U+FF10–FF19, U+FF21–FF3A, U+FF41–FF5A) to
    /// half-width. Full-width punctuation is never folded: it is how Chinese text writes it.
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
    public func normalizedIfChanged(_ text: String) -> String? {
        guard needsWork(text) else { return nil }
        var scalars = String.UnicodeScalarView()
        let fold = options.contains(.foldWidth)
        for s in text.unicodeScalars {
            switch s.value {
            case 0x200B...0x200D, 0x2060, 0xFEFF:
                continue
            case 0x2028, 0x2029, 0x85:
                scalars.append("\n")
            case 0x3000:
                scalars.append(" ")
            case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
                scalars.append(fold ? Unicode.Scalar(UInt8(s.value - 0xFEE0)) : s)
            default:
                scalars.append(s)
            }
        }
        return Self.trim(String(scalars))
    }

    /// Whether `text` contains anything ``normalize(_:)`` would change.
    ///
    /// Checks the first and last scalar for white space, then scans the UTF-8 bytes for the
    /// exact encodings of the characters it rewrites, so ordinary CJK text takes no copy.
    private func needsWork(_ text: String) -> Bool {
        let fold = options.contains(.foldWidth)
        return text.withUTF8Bytes { b -> Bool in
            if Self.hasEdgeWhitespace(b) { return true }
            let n = b.count
            // Every character rewritten starts with one of these lead bytes, which never occur
            // inside another character's encoding: only their positions need a look.
            var i = ByteScan.first(of: 0xC2, 0xE2, 0xE3, 0xEF, in: b, from: 0)
            while i < n {
                let lead = b[i]
                if lead == 0xC2, i + 1 < n, b[i + 1] == 0x85 { return true }
                if i + 2 < n {
                    let b1 = b[i + 1], b2 = b[i + 2]
                    switch lead {
                    case 0xE2:
                        if b1 == 0x80, (0x8B...0x8D).contains(b2) || b2 == 0xA8 || b2 == 0xA9 { return true }
                        if b1 == 0x81, b2 == 0xA0 { return true }
                    case 0xE3:
                        if b1 == 0x80, b2 == 0x80 { return true }
                    case 0xEF:
                        if b1 == 0xBB, b2 == 0xBF { return true }
                        if fold, b1 == 0xBC, (0x90...0x99).contains(b2) || (0xA1...0xBA).contains(b2) { return true }
                        if fold, b1 == 0xBD, (0x81...0x9A).contains(b2) { return true }
                    default: break
                    }
                }
                i = ByteScan.first(of: 0xC2, 0xE2, 0xE3, 0xEF, in: b, from: i + 1)
            }
            return false
        }
    }

    private static func isASCIISpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// Whether the first or last scalar of the UTF-8 text `b` is white space (Unicode
    /// `White_Space`), by its bytes: ASCII space and controls 09–0D, U+0085, U+00A0, U+1680,
    /// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
    static func hasEdgeWhitespace(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !b.isEmpty else { return false }
        if isWhitespace(b, at: 0) { return true }
        var i = b.count - 1
        while i > 0, b[i] & 0xC0 == 0x80 { i -= 1 }
        return isWhitespace(b, at: i)
    }

    private static func isWhitespace(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        let b0 = b[i]
        if b0 < 0x80 { return isASCIISpace(b0) }
        let n = b.count - i
        switch b0 {
        case 0xC2: return n >= 2 && (b[i + 1] == 0x85 || b[i + 1] == 0xA0)
        case 0xE1: return n >= 3 && b[i + 1] == 0x9A && b[i + 2] == 0x80
        case 0xE2:
            guard n >= 3 else { return false }
            let (b1, b2) = (b[i + 1], b[i + 2])
            if b1 == 0x80 { return b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF }
            return b1 == 0x81 && b2 == 0x9F
        case 0xE3: return n >= 3 && b[i + 1] == 0x80 && b[i + 2] == 0x80
        default: return false
        }
    }

    static func hasEdgeWhitespace(_ s: String) -> Bool {
        s.withUTF8Bytes { hasEdgeWhitespace($0) }
    }

    /// `s` without leading and trailing white space (Unicode `White_Space`).
    public static func trim(_ s: String) -> String {
        guard hasEdgeWhitespace(s) else { return s }
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return s }
        return String(scalars[first...last])
    }
}
