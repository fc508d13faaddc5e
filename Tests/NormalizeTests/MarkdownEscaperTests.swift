import Testing

@testable import Normalize

/// The escaper's byte path must give what the character-by-character rules give.
@Suite struct MarkdownEscaperTests {
    /// Characters that matter to the rules, and plain ones around them: ASCII punctuation and
    /// digits, Latin-1 and Greek letters, CJK text and punctuation, full-width forms.
    private static let simple: [Unicode.Scalar] =
        Array(" `*_\\<>#-+.)!/1234567890aZ(".unicodeScalars)
        + ["é", "ß", "λ", "Ж", "中", "文", "一", "，", "。", "Ａ", "１", "\u{A0}", "—", "\u{3000}", "가"]
    /// Scalars that join their neighbours into one character: combining marks, emoji and their
    /// modifiers, a variation selector, a zero-width joiner, a Hangul jamo.
    private static let joining: [Unicode.Scalar] = [
        "\u{301}", "\u{1F600}", "\u{1F3FB}", "\u{FE0F}", "\u{200D}", "\u{1161}",
    ]

    private func random(
        _ alphabet: [Unicode.Scalar], _ length: Int, _ rng: inout SystemRandomNumberGenerator
    ) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<length { s.append(alphabet[Int.random(in: alphabet.indices, using: &rng)]) }
        return String(s)
    }

    private func bytePath(_ text: String, after previous: String) -> String {
        var out = Array(("<p>" + previous).utf8)
        MarkdownEscaper.escape(Array(text.utf8), previousFrom: 3, in: &out)
        return String(decoding: out.dropFirst(3 + previous.utf8.count), as: UTF8.self)
    }

    @Test func bytePathAgreesWithTheCharacterRules() {
        var rng = SystemRandomNumberGenerator()
        var escaped = 0
        for round in 0..<20_000 {
            // Every fourth text also holds joining scalars, which take the character walk.
            let alphabet = round % 4 == 3 ? Self.simple + Self.joining : Self.simple
            let text = random(alphabet, Int.random(in: 0..<12, using: &rng), &rng)
            let previous =
                random(alphabet, Int.random(in: 0..<4, using: &rng), &rng) + (Bool.random(using: &rng) ? "\n" : "")
            let expected = MarkdownEscaper.escape(text, after: previous)
            #expect(
                bytePath(text, after: previous) == expected,
                "\(text.debugDescription) after \(previous.debugDescription)")
            if expected != text { escaped += 1 }
        }
        #expect(escaped > 5_000)
    }

    /// The quick check for bytes the rules may escape finds one at every offset, in texts
    /// long enough for the sixteen-byte scan, and none in texts without them.
    @Test func markupCheckFindsEveryEscapableByteAtEveryOffset() {
        for length in 0..<70 {
            let plain = (0..<length).map { UInt8(0x61 + $0 % 26) }
            #expect(!MarkdownEscaper.hasMarkup(plain))
            for at in 0..<length {
                for b: UInt8 in [0x60, 0x2A, 0x5F, 0x5C, 0x3C] {
                    var text = plain
                    text[at] = b
                    #expect(MarkdownEscaper.hasMarkup(text), "\(b) at \(at) of \(length)")
                }
                var other = plain
                other[at] = 0x3E  // `>` alone is for line starts, not this check
                #expect(!MarkdownEscaper.hasMarkup(other))
            }
        }
    }

    @Test func simpleScalarsAreCharactersOfTheirOwn() {
        for scalar in Self.simple { #expect(MarkdownEscaper.isSimple(scalar)) }
        for scalar in Self.joining { #expect(!MarkdownEscaper.isSimple(scalar)) }
        // Every simple scalar stays one character next to any other simple scalar.
        let all = (0...0xFFFF).compactMap(Unicode.Scalar.init).filter(MarkdownEscaper.isSimple)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let a = all.randomElement(using: &rng)!, b = all.randomElement(using: &rng)!
            var pair = String.UnicodeScalarView()
            pair.append(a)
            pair.append(b)
            #expect(String(pair).count == 2, "U+\(String(a.value, radix: 16)) U+\(String(b.value, radix: 16))")
        }
    }
}
