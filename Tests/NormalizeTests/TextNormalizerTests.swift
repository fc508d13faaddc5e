import Normalize
import Testing

@Suite struct TextNormalizerTests {
    @Test(arguments: [
        ("  你好  ", "你好"),
        ("\u{3000}你好\u{3000}世界\u{3000}", "你好 世界"),
        ("零\u{200B}宽\u{200C}字\u{200D}符\u{2060}\u{FEFF}", "零宽字符"),
        ("行\u{2028}分\u{2029}隔\u{85}符", "行\n分\n隔\n符"),
        ("ＡＢＣ ｘｙｚ ０１２９", "ABC xyz 0129"),
        ("你好，世界！（测试）：；？", "你好，世界！（测试）：；？"),
        ("全角＠＃％＋－", "全角＠＃％＋－"),
        ("普通的中文句子。", "普通的中文句子。"),
        ("\u{200B}", ""),
        ("", ""),
        ("a  b", "a  b"),
        ("emoji 😀 ok", "emoji 😀 ok"),
        ("\u{A0}nbsp\u{A0}", "nbsp"),
    ])
    func normalizes(_ input: String, _ expected: String) {
        #expect(TextNormalizer().normalize(input) == expected)
    }

    @Test func keepWidth() {
        #expect(TextNormalizer(options: []).normalize(" ＡＢＣ１ ") == "ＡＢＣ１")
    }

    @Test func untouchedTextIsReturnedAsIs() {
        let s = "今天天气很好，出去走走吧。"
        #expect(TextNormalizer().normalize(s) == s)
    }
}

/// The normaliser's byte-level rewrite against a plain scalar-by-scalar statement of the rules,
/// on random texts built from the characters it treats specially and their neighbours.
@Suite struct TextNormalizerReferenceTests {
    static func referenceTrim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    static func reference(_ text: String, fold: Bool) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0x200B...0x200D, 0x2060, 0xFEFF: continue
            case 0x2028, 0x2029, 0x85: scalars.append("\n")
            case 0x3000: scalars.append(" ")
            case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
                scalars.append(fold ? Unicode.Scalar(UInt8(s.value - 0xFEE0)) : s)
            default: scalars.append(s)
            }
        }
        return referenceTrim(String(scalars))
    }

    static let alphabet: [Unicode.Scalar] = [
        "a", "Z", "0", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{85}", "\u{A0}", "\u{A9}", "\u{1680}",
        "\u{2000}", "\u{200A}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{2028}", "\u{2029}", "\u{202F}",
        "\u{205F}", "\u{2060}", "\u{2061}", "\u{3000}", "\u{3001}", "\u{3002}", "\u{FEFF}", "\u{FF0C}", "\u{FF0F}",
        "\u{FF10}", "\u{FF19}", "\u{FF1A}", "\u{FF20}", "\u{FF21}", "\u{FF3A}", "\u{FF3B}", "\u{FF40}", "\u{FF41}",
        "\u{FF5A}", "\u{FF5B}", "\u{FFFD}", "你", "好", "\u{1F600}", "\u{20000}",
    ]

    /// The check for work reads sixteen positions at a time (in C) and the last ones from a
    /// zero-padded copy: a character to rewrite is found at every byte offset of texts of many
    /// lengths.
    @Test func everyOffsetIsChecked() {
        let normalizer = TextNormalizer(options: .default)
        for target in ["\u{85}", "\u{200B}", "\u{2028}", "\u{2060}", "\u{3000}", "\u{FEFF}", "\u{FF21}"] {
            for before in 0..<100 {
                for after in 0..<4 {
                    // CJK punctuation around it shares the lead bytes of what is rewritten.
                    let pad = String(repeating: "a", count: before % 3) + String(repeating: "。", count: before / 3)
                    let text = "x" + pad + target + String(repeating: "b", count: after) + "y"
                    #expect(
                        normalizer.normalizedIfChanged(text) != nil,
                        "\(before) \(after) \(target.unicodeScalars.map(\.value))")
                }
            }
        }
    }

    @Test(arguments: [true, false]) func matchesTheRulesOnRandomTexts(fold: Bool) {
        var rng = SystemRandomNumberGenerator()
        let normalizer = TextNormalizer(options: fold ? .default : [])
        for _ in 0..<20_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int(rng.next() % 40) {
                scalars.append(Self.alphabet[Int(rng.next() % UInt64(Self.alphabet.count))])
            }
            let text = String(scalars)
            let expected = Self.reference(text, fold: fold)
            #expect(
                normalizer.normalize(text) == expected, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect((normalizer.normalizedIfChanged(text) == nil) == (expected == text))
            #expect(TextNormalizer.trim(text) == Self.referenceTrim(text))
        }
    }
}
