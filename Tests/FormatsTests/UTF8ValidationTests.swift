import Testing

@testable import Formats

@Suite struct UTF8ValidationTests {
    static let illFormed: [[UInt8]] = [
        [0x80],  // a lone continuation byte
        [0xC0, 0xAF],  // overlong "/"
        [0xE0, 0x80, 0xAF],  // overlong, three bytes
        [0xED, 0xA0, 0x80],  // a surrogate, U+D800
        [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
        [0xE4, 0xBD],  // truncated 你
        [0xFF],
        [0x61, 0xE4, 0xBD, 0x61],  // truncated in the middle
        [0xEF, 0xBF, 0xBD, 0x80],  // a real U+FFFD, then a bad byte
    ]

    @Test(arguments: illFormed)
    func illFormedBytesGiveNoString(bytes: [UInt8]) {
        #expect(bytes.withUnsafeBufferPointer { UTF8Validation.string($0) } == nil)
        #expect(bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) } == false)
    }

    @Test(arguments: ["", "a", "你好", "\u{FFFD}", "😀 e\u{301} \u{10FFFF}", String(repeating: "长", count: 100)])
    func wellFormedBytesGiveTheirString(text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { UTF8Validation.string($0) } == text)
        #expect(bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) })
        let unchecked = bytes.withUnsafeBufferPointer { String(knownValidUTF8: $0) }
        #expect(unchecked == text && Array(unchecked.utf8) == bytes)
        #expect(unchecked.unicodeScalars.count == text.unicodeScalars.count)
    }
}

@Suite struct UTF8ValidationAgreementTests {
    /// Random mixes of valid characters, ASCII and stray bytes, long enough to cross the
    /// validator's 64-byte blocks: it must agree with the standard library's own validator.
    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        let pieces: [[UInt8]] = [
            Array("你".utf8), Array("a".utf8), Array("😀".utf8), Array("é".utf8), [0x80], [0xC0, 0xAF],
            [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xBD], [0xFF], Array("\u{10FFFF}".utf8),
        ]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var invalid = 0
        for round in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<(round % 150) {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                // Mostly valid pieces, so a bad byte often sits deep inside a long run.
                let k = Int(state % 1024)
                bytes += pieces[k < 1016 ? k % 4 : 4 + k % (pieces.count - 4)]
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            if !expected { invalid += 1 }
            #expect(bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) } == expected, "\(bytes)")
            #expect(
                bytes.withUnsafeBufferPointer { UTF8Validation.string($0) }.map { Array($0.utf8) }
                    == (expected ? bytes : nil))
        }
        #expect(invalid > 200 && invalid < 1800)  // both answers were exercised
    }
}
