import Formats
import Foundation

/// Escapes Markdown characters in text only where they would change the rendering.
///
/// Escaped: a backtick (it would open a code span); `*` and `_` where they could open emphasis
/// (at the start of a word, before a non-space; never inside a word, so `snake_case` and
/// `\sum_{i=1}` stay as written); a backslash before ASCII punctuation; `<` before a letter,
/// `/` or `!` (it would open HTML); and at the start of a line `#`, `>`, `-`, `+`, `*` or
/// `1.` followed by a space, which would make a heading, quote or list.
///
/// Most texts are escaped on their bytes: those in which every character is one Unicode scalar
/// that never joins its neighbours (ASCII, Latin-1 and the Latin letters after it, Greek,
/// Cyrillic, general punctuation, CJK, kana, Hangul syllables, full-width forms). A text with
/// anything else (combining marks, emoji, variation selectors, …) goes through the same rules
/// character by character, so both give the same result (tested on random texts).
enum MarkdownEscaper {
    /// Appends `text` (collapsed white space, UTF-8), escaped, to `out`, whose bytes from
    /// `start` are the text rendered before it in the same inline run.
    static func escape(_ text: [UInt8], previousFrom start: Int, in out: inout [UInt8]) {
        text.withUnsafeBufferPointer { escape($0, previousFrom: start, in: &out) }
    }

    /// ``escape(_:previousFrom:in:)`` for bytes in place.
    static func escape(_ text: UnsafeBufferPointer<UInt8>, previousFrom start: Int, in out: inout [UInt8]) {
        let atLineStart = lineStart(after: out, from: start)
        let lineStartRisk: Bool = {
            guard atLineStart, let b = text.first(where: { $0 != 0x20 }) else { return false }
            return b == 0x23 || b == 0x3E || b == 0x2D || b == 0x2B || (b >= 0x30 && b <= 0x39)
        }()
        guard lineStartRisk || hasMarkup(text) else {
            out.append(contentsOf: text)
            return
        }
        guard let prev = simpleTail(of: out, from: start), allSimple(text) else {
            let previous = String(decoding: out[start...], as: UTF8.self)
            out.append(contentsOf: escape(String(decoding: text, as: UTF8.self), after: previous).utf8)
            return
        }
        escapeSimple(text, atLineStart: atLineStart, previous: prev, into: &out)
    }

    /// Whether `text` holds a byte the rules may escape (`` ` * _ \ < ``): two vector scans.
    static func hasMarkup(_ text: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { hasMarkup($0) }
    }

    static func hasMarkup(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return false }
        return ByteScan.first(of: 0x60, 0x2A, 0x5F, 0x5C, in: b, from: 0) < b.count
            || memchr(base, 0x3C, b.count) != nil
    }

    /// Whether the bytes from `start` are empty or end with a line feed (not a CR LF pair,
    /// which is one character).
    private static func lineStart(after out: [UInt8], from start: Int) -> Bool {
        let n = out.count - start
        return n == 0 || (out[out.count - 1] == 0x0A && (n < 2 || out[out.count - 2] != 0x0D))
    }

    /// The last scalar of `out[start...]`, which is then its last character (`.some(nil)` when
    /// there is none), or `nil` when that character might be more than one scalar.
    private static func simpleTail(of out: [UInt8], from start: Int) -> Unicode.Scalar?? {
        guard out.count > start else { return .some(nil) }
        let s = out[start...]
        let (last, at) = UTF8Scalar.scalar(s, endingAt: s.endIndex)
        guard isSimple(last) else { return nil }
        if at > s.startIndex {
            guard isSimple(UTF8Scalar.scalar(s, endingAt: at).0) else { return nil }
        }
        return .some(last)
    }

    private static func allSimple(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < text.count {
            if text[i] < 0x80 {
                guard text[i] >= 0x20 && text[i] < 0x7F else { return false }
                i += 1
                continue
            }
            let (value, length) = UTF8Scalar.decode(text, at: i)
            guard isSimple(Unicode.Scalar(value) ?? "\u{FFFD}") else { return false }
            i += length
        }
        return true
    }

    /// Scalars that are a character on their own whatever surrounds them (no grapheme
    /// extenders, joiners, spacing marks, prepend marks, jamo, regional indicators or emoji).
    static func isSimple(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20...0x7E, 0xA0...0x2FF, 0x370...0x482, 0x2010...0x2027, 0x2030...0x205E,
            0x3000...0x3029, 0x3030...0x3098, 0x309B...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xAC00...0xD7A3, 0xFF01...0xFF9D:
            return true
        default:
            return false
        }
    }

    /// The rules of ``escape(_:after:)`` on bytes, for a text whose characters, and the one
    /// before it, are single scalars.
    static func escapeSimple(
        _ text: UnsafeBufferPointer<UInt8>, atLineStart: Bool, previous: Unicode.Scalar?, into out: inout [UInt8]
    ) {
        let n = text.count
        func scalar(at i: Int) -> (Unicode.Scalar, Int) {
            let (value, width) = UTF8Scalar.decode(text, at: i)
            return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
        }
        // At a line start, `1. ` or `1) ` would start an ordered list: escape its dot.
        var listDot = -1
        if atLineStart {
            var j = text.firstIndex { $0 != 0x20 } ?? n
            let digits = j
            while j < n, text[j] >= 0x30, text[j] <= 0x39 { j += 1 }
            if j > digits, j < n, text[j] == 0x2E || text[j] == 0x29, j + 1 == n || text[j + 1] == 0x20 {
                listDot = j
            }
        }
        var lineStart = atLineStart
        var prev = previous
        var i = 0
        while i < n {
            let (c, length) = scalar(at: i)
            let next: Unicode.Scalar? = i + length < n ? scalar(at: i + length).0 : nil
            if i == listDot { out.append(0x5C) }
            if lineStart && c != " " {
                if c == "#" || c == ">" || ((c == "-" || c == "+" || c == "*") && (next == " " || next == nil)) {
                    out.append(0x5C)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: text[i..<i + length]))
                    lineStart = false
                    prev = c
                    i += length
                    continue
                }
            }
            switch c {
            case "`":
                out.append(0x5C)
            case "*", "_":
                let wordBefore = prev.map { Character($0).isLetter || Character($0).isNumber } ?? false
                let spaceAfter = next.map { $0 == " " } ?? true
                if !wordBefore && !spaceAfter { out.append(0x5C) }
            case "\\":
                if let x = next, x.isASCII, Character(x).isPunctuation || Character(x).isSymbol { out.append(0x5C) }
            case "<":
                if let x = next, Character(x).isLetter || x == "/" || x == "!" { out.append(0x5C) }
            default:
                break
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[i..<i + length]))
            if c != " " { lineStart = false }
            prev = c
            i += length
        }
    }

    /// The rules character by character, for any text.
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
