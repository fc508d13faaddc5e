/// A 128-bit hash value.
public struct StableHash: Hashable, Sendable {
    public var lo: UInt64
    public var hi: UInt64

    public init(lo: UInt64, hi: UInt64) {
        self.lo = lo
        self.hi = hi
    }
}

/// A fast, fixed (unseeded) 128-bit hash over bytes, for deduplication keys and caches.
///
/// Two 64-bit multiply-rotate lanes over 8-byte words, with a length-aware finaliser.
/// Not cryptographic: it guards against accidental collisions in honest data.
public struct StableHasher {
    private var a: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private var length: UInt64 = 0

    public init() {}

    private mutating func mix(_ w: UInt64) {
        a = (a ^ w) &* 0xFF51_AFD7_ED55_8CCD
        a = (a << 31) | (a >> 33)
        b = (b ^ (w &+ 0x1656_67B1_9E37_79F9)) &* 0xC4CE_B9FE_1A85_EC53
        b = (b << 27) | (b >> 37)
        a = a &+ b
    }

    public mutating func combine(byte: UInt8) {
        mix(UInt64(byte) | 0x100)
        length &+= 1
    }

    public mutating func combine(_ s: String) {
        s.withUTF8Bytes { combine(bytes: $0) }
    }

    public mutating func combine(bytes p: UnsafeBufferPointer<UInt8>) {
        let n = p.count
        var i = 0
        let raw = UnsafeRawBufferPointer(p)
        while i + 8 <= n {
            mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        // The last n - i bytes (under eight), the first of them lowest.
        var tail: UInt64 = 0
        let rest = n - i
        if rest > 0 && n >= 8 {
            // One load of the text's last eight bytes, shifted down past those already mixed.
            let last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            tail = last >> UInt64(8 * (8 - rest))
        } else {
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
        }
        mix(tail ^ (UInt64(n) << 56))
        length &+= UInt64(n)
    }

    public func finalize() -> StableHash {
        func fmix(_ x: UInt64) -> UInt64 {
            var k = x
            k ^= k >> 33
            k = k &* 0xFF51_AFD7_ED55_8CCD
            k ^= k >> 33
            k = k &* 0xC4CE_B9FE_1A85_EC53
            k ^= k >> 33
            return k
        }
        let lo = fmix(a ^ length)
        let hi = fmix(b &+ lo)
        return StableHash(lo: lo, hi: hi)
    }
}
