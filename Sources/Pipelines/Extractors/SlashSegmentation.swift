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

    /// ``join(_:)`` for the byte lane: the bytes themselves when they are not segmented.
    @Sendable
    public static func joined(_ bytes: UnsafeBufferPointer<UInt8>) -> ByteConversation.Text? {
        guard UTF8Validation.isValid(bytes) else { return nil }
        return unslashed(bytes).map { .owned($0) } ?? .borrowed(bytes)
    }

    /// `text` with the segmentation slashes removed, or `text` when it is not segmented.
    public static func unslash(_ text: String) -> String {
        text.withUTF8Bytes { unslashed($0) } ?? text
    }

    /// The valid UTF-8 text `b` without its segmentation slashes; `nil` when it is not
    /// segmented (fewer than two characters, or a character other than the last not followed
    /// by `/`).
    private static func unslashed(_ b: UnsafeBufferPointer<UInt8>) -> String? {
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
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: kept) { out in
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
            // Whole characters of valid UTF-8, so valid.
            return String(knownValidUTF8: UnsafeBufferPointer(rebasing: out[..<w]))
        }
    }

    /// The length of the UTF-8 sequence that `lead` starts (in valid UTF-8).
    @inline(__always)
    private static func length(of lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }
}
