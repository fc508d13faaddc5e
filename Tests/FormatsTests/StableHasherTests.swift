import Testing

@testable import Formats

@Suite struct StableHasherTests {
    static func hash(_ bytes: [UInt8]) -> StableHash {
        var h = StableHasher()
        bytes.withUnsafeBufferPointer { h.combine(bytes: $0) }
        return h.finalize()
    }

    /// Every byte counts, wherever it falls: in a sixteen-byte round (either lane), in the
    /// eight-byte word after the rounds, or in the tail.
    ///
    /// A lane that dropped its word, or a round that skipped bytes, would make some of these flips
    /// collide with the original.
    @Test func flippingAnyBitOfAnyByteChangesTheHash() {
        for length in 0...70 {
            let text = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var seen: Set<StableHash> = [Self.hash(text)]
            for i in 0..<length {
                for bit in 0..<8 {
                    var flipped = text
                    flipped[i] ^= 1 << UInt8(bit)
                    #expect(seen.insert(Self.hash(flipped)).inserted, "length \(length), byte \(i), bit \(bit)")
                }
            }
        }
    }

    /// The two words of a round go to different lanes, so swapping them changes the hash;
    /// so does appending a zero byte (the length is part of the hash).
    @Test func wordOrderAndLengthCount() {
        let a: [UInt8] = Array("0123456789abcdefghijklmnopqrstuv".utf8)
        let swapped = Array(a[8..<16] + a[0..<8] + a[16..<32])
        #expect(Self.hash(a) != Self.hash(swapped))
        let rounds = Array(a[16..<32] + a[0..<16])
        #expect(Self.hash(a) != Self.hash(rounds))
        for n in 0..<40 {
            let text = [UInt8](repeating: 0, count: n)
            #expect(Self.hash(text) != Self.hash(text + [0]), "length \(n)")
        }
    }

    /// The same bytes give the same hash, whether they come from an array or a string.
    @Test func stringsAndBytesAgree() {
        for text in ["", "a", "你好，世界", String(repeating: "碼", count: 40)] {
            var h = StableHasher()
            h.combine(text)
            #expect(h.finalize() == Self.hash(Array(text.utf8)))
        }
    }
}

@Suite struct StableHasherValueTests {
    /// The hashes of texts of every length up to 70 stay what they were.
    ///
    /// Folded into one number: the value the hasher gave when it read a text's last bytes one
    /// at a time. Reading them with one load of the last eight bytes gives the same hashes.
    @Test func theHashesOfEveryLengthStayTheSame() {
        var fold: UInt64 = 0
        for length in 0...70 {
            let text = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let h = StableHasherTests.hash(text)
            fold = (fold &* 31) ^ h.lo ^ (h.hi &* 7)
        }
        #expect(String(fold, radix: 16) == "e6d6331046ab6c9e")
    }

    /// A text's hash does not depend on the bytes around it in memory.
    @Test func bytesAroundTheTextDoNotCount() {
        let wide = (0..<96).map { UInt8(truncatingIfNeeded: $0 &* 53 &+ 7) }
        var other = wide
        for length in 0...40 {
            for start in [0, 3, 8, 17] {
                let range = start..<(start + length)
                // Change every byte outside the text.
                for i in other.indices where !range.contains(i) { other[i] = wide[i] ^ 0xA5 }
                for i in range { other[i] = wide[i] }
                let a = wide.withUnsafeBufferPointer { buffer -> StableHash in
                    var h = StableHasher()
                    h.combine(bytes: UnsafeBufferPointer(rebasing: buffer[range]))
                    return h.finalize()
                }
                let b = other.withUnsafeBufferPointer { buffer -> StableHash in
                    var h = StableHasher()
                    h.combine(bytes: UnsafeBufferPointer(rebasing: buffer[range]))
                    return h.finalize()
                }
                #expect(a == b, "length \(length) at \(start)")
                #expect(a == StableHasherTests.hash(Array(wide[range])))
            }
        }
    }
}
