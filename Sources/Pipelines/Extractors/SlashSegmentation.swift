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
    @Sendable
    public static func join(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let text = UTF8Validation.string(bytes) else { return nil }
        return unslash(text)
    }

    /// `text` with the segmentation slashes removed, or `text` when it is not segmented.
    public static func unslash(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 2 else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            out.append(scalars[i])
            if i + 1 < scalars.count {
                guard scalars[i + 1] == "/" else { return text }
            }
            i += 2
        }
        return String(out)
    }
}
