/// Something that counts the tokens of a text: a real tokenizer's ``TokenCounter`` or the
/// ``TokenEstimator``.
///
/// One per thread.
public protocol TokenCounting: AnyObject {
    /// Tokens in `text`, as `len(tokenizer(text).input_ids)` counts them (or an estimate).
    func count(_ text: String) throws -> Int
}

extension TokenCounter: TokenCounting {}

/// A token estimate for when no tokenizer is given: characters divided by a rate per script.
///
/// Rates (characters per token), chosen for orientation from common tokenizers on chat text:
/// Chinese, Japanese and Korean characters and full-width punctuation 1.4; code (inside ```
/// fences) 2.5; everything else (English and other alphabetic text, spaces, digits) 3.2. The
/// sum is rounded up. Always labelled an estimate in manifests and output.
public final class TokenEstimator: TokenCounting {
    /// How manifests describe the estimate.
    public static let label =
        "estimate: CJK 1.4, code 2.5, other 3.2 characters per token (no --tokenizer given)"

    public init() {}

    public func count(_ text: String) -> Int {
        var cjk = 0
        var code = 0
        var other = 0
        var inCode = false
        var lineStart = true
        var backticks = 0
        for s in text.unicodeScalars {
            // A line starting with ``` toggles a fence.
            if lineStart || backticks > 0 {
                if s == "`" {
                    backticks += 1
                    if backticks == 3 { inCode.toggle() }
                } else {
                    backticks = 0
                }
            }
            lineStart = s == "\n"
            if inCode {
                code += 1
            } else if Self.isCJK(s.value) {
                cjk += 1
            } else {
                other += 1
            }
        }
        // cjk / 1.4 + code / 2.5 + other / 3.2 = (400 cjk + 224 code + 175 other) / 560, rounded
        // up, in integers so that no rounding error adds a token.
        let numerator = cjk * 400 + code * 224 + other * 175
        return (numerator + 559) / 560
    }

    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x2E80...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFFEF,
            0x20000...0x3FFFF:
            return true
        default: return false
        }
    }
}
