import Formats
import Normalize

/// `convert.t2s`: traditional to simplified Chinese, character by character, with ICU's
/// `Traditional-Simplified` transform.
///
/// An interim converter: it has no phrase layer and no regional vocabulary yet (the manifest
/// says so in its parameters). Corner brackets 「」『』 are kept as written: the text is
/// converted between them, since ICU would turn 「」 into “” but leave 『』.
/// Simplified text passes through unchanged.
public struct ScriptConvertStep: PipelineStep {
    public let id = "convert.t2s"
    private let transform: ICUTransform

    /// - Throws: ``NormalizeError/icuTransform(id:status:)`` when ICU lacks the transform.
    public init() throws {
        transform = try ICUTransform(id: "Traditional-Simplified")
    }

    public var parameters: [String: String] {
        ["engine": "icu:Traditional-Simplified", "phrases": "none (interim)", "quotes": "kept"]
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        var changed = false
        for i in c.turns.indices {
            let t = convert(c.turns[i].text)
            if t != c.turns[i].text {
                c.turns[i].text = t
                changed = true
            }
        }
        return changed ? .modified : .unchanged
    }

    private func convert(_ text: String) -> String {
        // Only text with characters outside ASCII can change.
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        var out = ""
        var run = ""
        for ch in text {
            if ch == "「" || ch == "」" || ch == "『" || ch == "』" {
                out += (try? transform.apply(run)) ?? run
                out.append(ch)
                run = ""
            } else {
                run.append(ch)
            }
        }
        out += (try? transform.apply(run)) ?? run
        return out
    }
}
