/// Decoding one scalar from valid UTF-8 bytes.
enum UTF8Scalar {
    /// The scalar at byte `i` of valid UTF-8 and its width in bytes.
    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(b[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0, i + 1 < b.count { return ((b0 & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F), 2) }
        if b0 < 0xF0, i + 2 < b.count {
            return ((b0 & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F), 3)
        }
        if i + 3 < b.count {
            return (
                (b0 & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6
                    | UInt32(b[i + 3] & 0x3F), 4
            )
        }
        return (0xFFFD, 1)
    }

    /// The scalar at byte `i` of the valid UTF-8 `s` and its width in bytes.
    static func scalar(_ s: ArraySlice<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let (value, width) = s.withUnsafeBufferPointer { decode($0, at: i - s.startIndex) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
    }

    /// The scalar of the valid UTF-8 `s` that ends just before byte `end`, and the byte it
    /// starts at.
    static func scalar(_ s: ArraySlice<UInt8>, endingAt end: Int) -> (Unicode.Scalar, Int) {
        var start = end - 1
        while start > s.startIndex && s[start] & 0xC0 == 0x80 && end - start < 4 { start -= 1 }
        return (scalar(s, at: start).0, start)
    }
}
