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
