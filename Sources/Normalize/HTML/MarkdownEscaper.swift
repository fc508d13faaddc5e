/// Escapes Markdown characters in text only where they would change the rendering.
///
/// Escaped: a backtick (it would open a code span); `*` and `_` where they could open emphasis
/// (at the start of a word, before a non-space; never inside a word, so `snake_case` and
/// `\sum_{i=1}` stay as written); a backslash before ASCII punctuation; `<` before a letter,
/// `/` or `!` (it would open HTML); and at the start of a line `#`, `>`, `-`, `+`, `*` or
/// `1.` followed by a space, which would make a heading, quote or list.
enum MarkdownEscaper {
    static func escape(_ text: String, after previous: String) -> String {
        // Fast path: nothing that can change the rendering anywhere (` * _ \ <), and nothing
        // at a line start that could begin a block (# > - + or a digit).
        let lineStartRisk: Bool = {
            guard previous.isEmpty || previous.hasSuffix("\n") else { return false }
            guard let b = text.utf8.first(where: { $0 != 0x20 }) else { return false }
            return b == 0x23 || b == 0x3E || b == 0x2D || b == 0x2B || (b >= 0x30 && b <= 0x39)
        }()
        guard
            lineStartRisk
                || text.utf8.contains(where: { b in
                    b == 0x60 || b == 0x2A || b == 0x5F || b == 0x5C || b == 0x3C
                })
        else { return text }
        let chars = Array(text)
        let atLineStart = previous.isEmpty || previous.hasSuffix("\n")
        // At a line start, `1. ` or `1) ` would start an ordered list: escape its dot.
        var listDot: Int?
        if atLineStart {
            var j = chars.firstIndex { $0 != " " } ?? chars.count
            let digits = j
            while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
            if j > digits, j < chars.count, chars[j] == "." || chars[j] == ")",
                j + 1 == chars.count || chars[j + 1] == " "
            {
                listDot = j
            }
        }
        var out = ""
        var lineStart = atLineStart
        var prev: Character? = previous.last
        for (i, c) in chars.enumerated() {
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if i == listDot { out.append("\\") }
            if lineStart && c != " " {
                if c == "#" || c == ">" || ((c == "-" || c == "+" || c == "*") && (next == " " || next == nil)) {
                    out.append("\\")
                    out.append(c)
                    lineStart = false
                    prev = c
                    continue
                }
            }
            switch c {
            case "`":
                out.append("\\")
            case "*", "_":
                let wordBefore = prev.map { $0.isLetter || $0.isNumber } ?? false
                let spaceAfter = next.map { $0 == " " } ?? true
                if !wordBefore && !spaceAfter { out.append("\\") }
            case "\\":
                if let n = next, n.isASCII, n.isPunctuation || n.isSymbol { out.append("\\") }
            case "<":
                if let n = next, n.isLetter || n == "/" || n == "!" { out.append("\\") }
            default:
                break
            }
            out.append(c)
            if c != " " { lineStart = false }
            prev = c
        }
        return out
    }
}
