import CShims
import Formats

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Substring search over UTF-8 bytes, for the filters and replacements on the hot path.
///
/// Foundation's `String.contains(_:)` and `replacingOccurrences(of:with:)` cost far more
/// per call than a byte search; since UTF-8 is self-synchronising, a byte match of a valid
/// needle is always a match of whole characters.
public enum UTF8Search {
    /// The byte offset of the first occurrence of `needle` in `text`, if any.
    ///
    /// - Parameter asciiCaseInsensitive: match ASCII letters regardless of case (`needle`
    ///   must then be lowercase); other characters match exactly.
    public static func firstOffset(of needle: [UInt8], in text: String, asciiCaseInsensitive: Bool = false) -> Int? {
        text.withUTF8Bytes { firstOffset(of: needle, in: $0, asciiCaseInsensitive: asciiCaseInsensitive) }
    }

    /// The offset of the first occurrence of `needle` in the UTF-8 bytes `hay`, if any (as for
    /// a `String` above).
    ///
    /// Positions where the needle's first two bytes match are found sixteen at a time in C
    /// (`ccs_find`), then the rest is compared: a filter on one byte stops too often, since the
    /// first byte of a Chinese needle leads thousands of other characters too.
    public static func firstOffset(
        of needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>, asciiCaseInsensitive: Bool = false
    ) -> Int? {
        guard !needle.isEmpty else { return 0 }
        guard hay.count >= needle.count, let base = hay.baseAddress else { return nil }
        let at = needle.withUnsafeBufferPointer {
            ccs_find(base, hay.count, $0.baseAddress, $0.count, asciiCaseInsensitive ? 1 : 0)
        }
        return at < hay.count ? at : nil
    }

    /// A few needles searched for one after another, held in one array: a search reaches
    /// them without a reference count per needle and per text.
    public struct Needles: Sendable {
        private let bytes: [UInt8]
        /// Needle `i` is `bytes[starts[i]..<starts[i + 1]]`.
        private let starts: [Int]
        private let asciiCaseInsensitive: Bool

        /// - Parameter asciiCaseInsensitive: as for ``firstOffset(of:in:asciiCaseInsensitive:)``
        ///   (the needles must then be lowercase).
        public init(_ needles: [[UInt8]], asciiCaseInsensitive: Bool = false) {
            bytes = needles.flatMap { $0 }
            starts = needles.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.count) }
            self.asciiCaseInsensitive = asciiCaseInsensitive
        }

        public var count: Int { starts.count - 1 }

        /// The index of the first needle (in their order) that occurs in `hay`, if any.
        public func firstFound(in hay: UnsafeBufferPointer<UInt8>) -> Int? {
            bytes.withUnsafeBufferPointer { all -> Int? in
                for i in 0..<count {
                    let m = starts[i + 1] - starts[i]
                    if m == 0 { return i }  // the empty needle is everywhere
                    guard m <= hay.count, let base = hay.baseAddress, let needle = all.baseAddress else { continue }
                    if ccs_find(base, hay.count, needle + starts[i], m, asciiCaseInsensitive ? 1 : 0) < hay.count {
                        return i
                    }
                }
                return nil
            }
        }
    }

    /// `text` with every occurrence of `target` replaced by `replacement`; `nil` when there
    /// is none (so callers can tell that nothing changed without comparing).
    public static func replacingAll(_ target: [UInt8], with replacement: [UInt8], in text: String) -> String? {
        guard firstOffset(of: target, in: text) != nil else { return nil }
        var out: [UInt8] = []
        text.withUTF8Bytes { hay in
            out.reserveCapacity(hay.count)
            var i = 0
            while i < hay.count {
                if i + target.count <= hay.count, hay[i] == target[0],
                    target.withUnsafeBufferPointer({
                        ByteScan.equal(UnsafeBufferPointer(rebasing: hay[i..<(i + target.count)]), $0)
                    })
                {
                    out.append(contentsOf: replacement)
                    i += target.count
                } else {
                    out.append(hay[i])
                    i += 1
                }
            }
        }
        // Whole matches of a valid needle replaced by valid text: still valid.
        return out.withUnsafeBufferPointer { String(knownValidUTF8: $0) }
    }

}
