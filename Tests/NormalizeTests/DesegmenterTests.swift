import Normalize
import Testing

@Suite struct DesegmenterTests {
    @Test(arguments: [
        ("I love you 北 京 ！", "I love you 北京！"),
        ("我 喜欢 北京 。", "我喜欢北京。"),
        ("竟然 下雪 了 ， 不 喜欢 冬天", "竟然下雪了，不喜欢冬天"),
        ("记得 雪莱 的 诗句 吗 ？ ＂ 冬天 来 了 ＂", "记得雪莱的诗句吗？＂冬天来了＂"),
        ("my hometown 的 中文 歌词", "my hometown 的中文歌词"),
        ("2010 08 30 15 49 53", "2010 08 30 15 49 53"),
        ("求 v", "求 v"),
        ("看 http://t.cn/abc 这个", "看 http://t.cn/abc 这个"),
        ("哈哈  哈", "哈哈哈"),
        ("好 (^_^) 好", "好 (^_^) 好"),
        ("ＡＢ 中", "ＡＢ 中"),
        ("「 你好 」", "「你好」"),
        ("𠮷 野 家", "𠮷野家"),
        (" 前后 空格 ", " 前后空格 "),
        ("没有空格", "没有空格"),
    ])
    func desegments(_ input: String, _ expected: String) {
        #expect(Desegmenter().desegment(input) == expected)
    }

    /// The byte-level rewrite against the rule stated on scalars, on random segmented texts.
    @Test func matchesTheRuleOnRandomTexts() {
        func reference(_ text: String) -> String {
            let scalars = Array(text.unicodeScalars)
            var out = String.UnicodeScalarView()
            var i = 0
            while i < scalars.count {
                guard scalars[i] == " " else {
                    out.append(scalars[i])
                    i += 1
                    continue
                }
                var j = i
                while j < scalars.count, scalars[j] == " " { j += 1 }
                let between =
                    i > 0 && j < scalars.count && Desegmenter.isCJK(scalars[i - 1]) && Desegmenter.isCJK(scalars[j])
                if !between { out.append(contentsOf: scalars[i..<j]) }
                i = j
            }
            return String(out)
        }
        let pieces = [" ", " ", "  ", "北", "京", "！", "。", "a", "1", "é", "𠮷", "\u{3000}", "\u{4DC0}", "ＡＢ", "，", "\t"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<30, using: &rng) {
                text += pieces[Int.random(in: pieces.indices, using: &rng)]
            }
            #expect(Desegmenter().desegment(text) == reference(text), "\(text.debugDescription)")
            #expect((Desegmenter().desegmentedIfChanged(text) == nil) == (reference(text) == text))
            // Into a buffer of the text's size, as the byte lane writes it.
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBufferPointer { b -> String? in
                var room = [UInt8](repeating: 0, count: b.count)
                let count = room.withUnsafeMutableBufferPointer { out -> Int? in
                    guard let base = out.baseAddress else { return nil }
                    return Desegmenter().desegmented(bytes: b, into: base)
                }
                return count.map { String(decoding: room[..<$0], as: UTF8.self) }
            }
            #expect(written == Desegmenter().desegmentedIfChanged(text), "\(text.debugDescription)")
        }
    }
}
