import Normalize
import Testing

/// The byte search against a plain search over the same bytes, on random texts.
@Suite struct UTF8SearchTests {
    static func reference(_ needle: [UInt8], _ hay: [UInt8], caseInsensitive: Bool) -> Int? {
        let fold: (UInt8) -> UInt8 = { caseInsensitive && $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        guard needle.count <= hay.count else { return needle.isEmpty ? 0 : nil }
        for i in 0...(hay.count - needle.count) where (0..<needle.count).allSatisfy({ fold(hay[i + $0]) == needle[$0] })
        {
            return i
        }
        return nil
    }

    @Test(arguments: [false, true]) func firstOffsetMatchesAPlainSearch(caseInsensitive: Bool) {
        let pieces = ["a", "A", "q", "Q", "菲", "é", " ", "qq", "QQ", "openai", "OpenAI", "0123456789abcdef"]
        // An upper-case letter in a needle never matches under case folding, in both.
        let needles = ["qq", "菲菲", "openai", "a", "q菲", "é q", "oPen", "0123456789abcdef0"].map { Array($0.utf8) }
        var rng = SystemRandomNumberGenerator()
        // Up to sixty pieces, so that matches fall in every position of several sixteen-byte
        // blocks and of the bytes after the last block.
        for _ in 0..<5000 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<60, using: &rng) { text += pieces.randomElement(using: &rng)! }
            let hay = Array(text.utf8)
            for needle in needles {
                #expect(
                    UTF8Search.firstOffset(of: needle, in: text, asciiCaseInsensitive: caseInsensitive)
                        == Self.reference(needle, hay, caseInsensitive: caseInsensitive),
                    "\(text.debugDescription) \(String(decoding: needle, as: UTF8.self))")
            }
        }
    }

    /// ``UTF8Search/Needles`` finds the first needle, in their order, that occurs anywhere:
    /// as searching for each in turn does.
    @Test(arguments: [false, true]) func needlesFindTheFirstNeedleThatOccurs(caseInsensitive: Bool) {
        let pieces = ["a", "A", "q", "Q", "菲", "{", "}", "br", " ", "qq", "QQ"]
        let lists = [["qq", "菲菲"], ["{br}"], ["a", "qq"], ["", "q"], ["菲菲菲菲菲菲", "q"], []].map {
            $0.map { Array($0.utf8) }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? "" }
                .joined()
            for list in lists {
                let needles = UTF8Search.Needles(list, asciiCaseInsensitive: caseInsensitive)
                let expected = list.firstIndex {
                    UTF8Search.firstOffset(of: $0, in: text, asciiCaseInsensitive: caseInsensitive) != nil
                }
                let found = Array(text.utf8).withUnsafeBufferPointer { needles.firstFound(in: $0) }
                #expect(found == expected, "\(text.debugDescription) \(list)")
            }
        }
    }

    @Test func replacingAllReplacesEveryOccurrence() {
        #expect(UTF8Search.replacingAll(Array("|".utf8), with: Array("\\|".utf8), in: "a|b||c") == "a\\|b\\|\\|c")
        #expect(UTF8Search.replacingAll(Array("{br}".utf8), with: Array("\n".utf8), in: "一{br}二{br}") == "一\n二\n")
        #expect(UTF8Search.replacingAll(Array("x".utf8), with: [], in: "没有") == nil)
    }
}
