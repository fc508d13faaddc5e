import Testing

@testable import Formats

@Suite struct ByteScanTests {
    /// `equal` answers what comparing the arrays answers, for buffers equal, of other lengths,
    /// and differing at one byte anywhere (empty ones included).
    @Test func equalAgreesWithArrayEquality() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let a = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...3, using: &rng) }
            var b = a
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: break
            case 1: if !b.isEmpty { b[Int.random(in: 0..<b.count, using: &rng)] ^= 1 }
            default: b.append(0)
            }
            let same = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in ByteScan.equal(x, y) } }
            #expect(same == (a == b))
        }
        #expect(Array("human".utf8).withUnsafeBufferPointer { ByteScan.equal($0, "human") })
        #expect(!Array("humans".utf8).withUnsafeBufferPointer { ByteScan.equal($0, "human") })
    }

    /// Against a byte-by-byte search, on random buffers dense and sparse in the bytes sought,
    /// from every start: the block-at-a-time scans find the same first index.
    @Test func scansAgreeWithAPlainSearch() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x00, 0x1F, 0x20, 0x22, 0x5C, 0x41, 0x7F, 0x80, 0xC2, 0xE2, 0xE3, 0xE4, 0xEF, 0xFF]
        for trial in 0..<400 {
            let n = Int.random(in: 0...80, using: &rng)
            // Mostly filler, so that hits are sometimes several words apart.
            let bytes: [UInt8] = (0..<n).map { _ in
                trial % 2 == 0 || Int.random(in: 0..<10, using: &rng) == 0
                    ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0x23...0x5B, using: &rng)
            }
            bytes.withUnsafeBufferPointer { p in
                for start in 0...n {
                    let json = (start..<n).first { p[$0] < 0x20 || p[$0] == 0x22 || p[$0] == 0x5C } ?? n
                    #expect(ByteScan.firstJSONSpecial(p, from: start) == json)
                    let leads = (start..<n).first { [0xC2, 0xE2, 0xE3, 0xEF].contains(p[$0]) } ?? n
                    #expect(ByteScan.first(of: 0xC2, 0xE2, 0xE3, 0xEF, in: p, from: start) == leads)
                }
            }
        }
    }
}
