/// Strict UTF-8 validation of byte buffers: the well-formed sequences of Unicode Table 3-7 (no
/// overlongs, no surrogates, nothing past U+10FFFF).
///
/// simdjson's validator (SIMD, through ``SimdJSON``) checks the bytes; a string is then built
/// without a second validation. `String(validating:as:)` goes through a generic entry point
/// that costs more than the validation itself on short records, and `String(decoding:as:)`
/// validates byte by byte (and would replace, not reject, what is ill-formed).
public enum UTF8Validation {
    /// The bytes as a string, or `nil` when they are not well-formed UTF-8.
    @inline(__always)
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard isValid(bytes) else { return nil }
        return String(knownValidUTF8: bytes)
    }

    /// Whether `bytes` is well-formed UTF-8.
    @inline(__always)
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        SimdJSON.isValidUTF8(bytes)
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
