import Normalize
import Testing

@Suite struct ICUTransformTests {
    @Test func traditionalToSimplified() throws {
        let t = try ICUTransform(id: "Traditional-Simplified")
        #expect(try t.apply("漢語簡體轉換，測試𠮷!") == "汉语简体转换，测试𠮷!")
        #expect(try t.apply("") == "")
    }

    /// A transform compiled from its rules in ICU's index is the one ICU's registry opens by id:
    /// the same source set, and the same result for every code point in it, alone and in a
    /// phrase that ICU's context rules change.
    @Test(arguments: ["Traditional-Simplified", "Simplified-Traditional", "Hant-Hans"])
    func compiledFromTheIndexEqualsTheRegistry(id: String) throws {
        let fromIndex = try ICUTransform(id: id)
        let fromRegistry = try ICUTransform(id: id, registry: true)
        #expect(fromIndex.compiledFromIndex && !fromRegistry.compiledFromIndex)
        let ranges = try fromIndex.sourceRanges()
        #expect(ranges == (try fromRegistry.sourceRanges()))
        #expect(ranges.reduce(0) { $0 + $1.count } > 1000)
        var text = String.UnicodeScalarView()
        for cp in ranges.joined() where cp != 0x0A {
            guard let s = Unicode.Scalar(cp) else { continue }
            text.append(s)
            text.append("\n")
        }
        let all = String(text)
        #expect(try fromIndex.apply(all) == (try fromRegistry.apply(all)))
        let phrase = "乾坤乾燥，著作看著，於是于飛。"
        #expect(try fromIndex.apply(phrase) == (try fromRegistry.apply(phrase)))
    }

    /// Ids that are not one rule-based entry of the index (a compound, a built-in transform)
    /// still open, through the registry.
    @Test func otherIDsOpenThroughTheRegistry() throws {
        let upper = try ICUTransform(id: "Any-Upper")
        #expect(!upper.compiledFromIndex)
        #expect(try upper.apply("abc") == "ABC")
        let compound = try ICUTransform(id: "NFD; [:Nonspacing Mark:] Remove; NFC")
        #expect(!compound.compiledFromIndex)
        #expect(try compound.apply("café") == "cafe")
    }

    @Test func badTransformIDIsATypedError() {
        #expect {
            _ = try ICUTransform(id: "No-Such-Transform")
        } throws: { error in
            guard case NormalizeError.icuTransform(let id, let status) = error else { return false }
            return id == "No-Such-Transform" && status.hasPrefix("U_")
        }
    }
}
