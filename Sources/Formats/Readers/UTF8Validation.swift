#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Strict UTF-8 validation and decoding of byte buffers, without generic dispatch.
///
/// `String(validating:as:)` goes through a generic entry point that costs more than the
/// validation itself on short records. ``string(_:)`` lets `String(decoding:as:)` validate
/// (it must anyway, to build the string) and compares the result with the input: it replaces
/// every ill-formed sequence with U+FFFD and never changes well-formed input, so the two are
/// equal exactly when the input was well-formed. ``isValid(_:)`` checks the bytes alone (ASCII
/// eight at a time, then the well-formed sequences of Unicode Table 3-7: no overlongs, no
/// surrogates, nothing past U+10FFFF).
public enum UTF8Validation {
    /// The bytes as a string, or `nil` when they are not well-formed UTF-8.
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var s = String(decoding: bytes, as: UTF8.self)
        let unchanged = s.withUTF8 { out in
            out.count == bytes.count
                && (out.isEmpty || memcmp(out.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        return unchanged ? s : nil
    }

    /// Whether `bytes` is well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        while i < n {
            if i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let b0 = base[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            switch b0 {
            case 0xC2...0xDF:
                guard i + 1 < n, base[i + 1] & 0xC0 == 0x80 else { return false }
                i += 2
            case 0xE0...0xEF:
                guard i + 2 < n else { return false }
                let b1 = base[i + 1]
                let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
                let hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
                guard b1 >= lo && b1 <= hi, base[i + 2] & 0xC0 == 0x80 else { return false }
                i += 3
            case 0xF0...0xF4:
                guard i + 3 < n else { return false }
                let b1 = base[i + 1]
                let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
                let hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
                guard b1 >= lo && b1 <= hi, base[i + 2] & 0xC0 == 0x80, base[i + 3] & 0xC0 == 0x80 else {
                    return false
                }
                i += 4
            default:
                return false
            }
        }
        return true
    }
}

extension String {
    /// Calls `body` with the string's UTF-8 bytes, valid only during the call.
    ///
    /// Unlike `withUTF8`, which is `mutating` and so makes callers copy the string first (a
    /// retain and a release per call on the hot path), this borrows a native string's storage.
    @inlinable
    public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}

extension String {
    /// A string of `bytes`, which the caller knows to be well-formed UTF-8, without validating
    /// them again (`String(decoding:as:)` validates every byte it copies).
    ///
    /// For text the project builds itself from valid UTF-8 by whole-character edits: spaces or
    /// slashes removed, characters replaced by ASCII, slices at character boundaries. Debug
    /// builds check the promise.
    @inlinable
    public init(knownValidUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        assert(UTF8Validation.isValid(bytes), "not well-formed UTF-8")
        self = unsafe String(copying: UTF8Span(unchecked: Span(_unsafeElements: bytes)))
    }
}
