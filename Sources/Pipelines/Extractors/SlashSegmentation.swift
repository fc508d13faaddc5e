import Formats

/// Undoes the per-character `/` segmentation of `dgk_shooter_min.conv`.
///
/// The generator wrote every character followed by `/` (`你/接/到/这/封/信/`), so a real slash
/// appears as `//`: `1/2` is `1///2/`. Taking every other character, after checking that the
/// ones between are all `/`, restores the text with its real slashes (the original deleted every
/// `/`, real ones included). A line that does not follow the pattern (some generator lines are
/// unsegmented) is kept as it is.
public enum SlashSegmentation {
    /// The utterance from the bytes after `M `; `nil` when they are not valid UTF-8.
    ///
    /// Works on the bytes: the pattern is checked and the kept characters copied without
    /// building a string of the segmented text first.
    public static func join(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard UTF8Validation.isValid(bytes) else { return nil }
        return unslashed(bytes) ?? String(knownValidUTF8: bytes)
    }

    /// ``join(_:)`` for the byte lane, on bytes already known to be valid UTF-8: the bytes
    /// themselves when they are not segmented, else the joined text written into `arena` (valid
    /// as long as the arena is).
    @Sendable
    public static func joined(_ bytes: UnsafeBufferPointer<UInt8>, into arena: TextArena) -> ByteConversation.Text {
        guard let kept = segmentedLength(bytes) else { return .borrowed(bytes) }
        return .borrowed(arena.write(atMost: kept) { unslash(bytes, into: $0) })
    }

    /// `text` with the segmentation slashes removed, or `text` when it is not segmented.
    public static func unslash(_ text: String) -> String {
        text.withUTF8Bytes { unslashed($0) } ?? text
    }

    /// The valid UTF-8 text `b` without its segmentation slashes; `nil` when it is not
    /// segmented.
    private static func unslashed(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        guard let kept = segmentedLength(b) else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: kept) { out -> String? in
            guard let base = out.baseAddress else { return nil }
            let w = unslash(b, into: base)
            // Whole characters of valid UTF-8, so valid.
            return String(knownValidUTF8: UnsafeBufferPointer(start: base, count: w))
        }
    }

    /// The length of the valid UTF-8 text `b` without its segmentation slashes; `nil` when it
    /// is not segmented (fewer than two characters, or a character other than the last not
    /// followed by `/`).
    private static func segmentedLength(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = b.count
        guard n > 0, length(of: b[0]) < n else { return nil }
        var kept = 0
        var i = 0
        while i < n {
            let end = i + length(of: b[i])
            kept += end - i
            guard end < n else { break }
            guard b[end] == UInt8(ascii: "/") else { return nil }
            i = end + 1
        }
        return kept
    }

    /// Writes the segmented text `b` without its slashes to `out` (room for
    /// ``segmentedLength(_:)`` bytes); returns how many bytes it wrote.
    private static func unslash(_ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = b.count
        var w = 0
        var i = 0
        while i < n {
            let end = min(i + length(of: b[i]), n)
            for k in i..<end {
                out[w] = b[k]
                w += 1
            }
            i = end + 1
        }
        return w
    }

    /// The length of the UTF-8 sequence that `lead` starts (in valid UTF-8).
    @inline(__always)
    private static func length(of lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }
}
