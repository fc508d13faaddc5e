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
