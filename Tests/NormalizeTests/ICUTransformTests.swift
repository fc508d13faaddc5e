import Normalize
import Testing

@Suite struct ICUTransformTests {
    @Test func traditionalToSimplified() throws {
        let t = try ICUTransform(id: "Traditional-Simplified")
        #expect(try t.apply("漢語簡體轉換，測試𠮷!") == "汉语简体转换，测试𠮷!")
        #expect(try t.apply("") == "")
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
