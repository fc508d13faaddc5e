import Formats

/// `dedup.exact`: removes exact repeats within a source (`duplicate`), compared after
/// normalisation.
///
/// Keeps a 128-bit hash of each conversation's roles and texts, not the texts, and the
/// position of its first occurrence, so the rejection can name the id it repeats. The hash
/// is a fixed function (no per-process seed), so decisions are the same on every run.
public struct ExactDeduplicator: PipelineStep {
    public let id = "dedup.exact"
    public var parameters: [String: String] { ["key": "roles+texts", "hash": "128-bit"] }
    public var isStateful: Bool { true }

    private var seen = HashIndex()
    private var files: [String] = []
    private var fileIndex: [String: Int] = [:]

    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        var h = StableHasher()
        for turn in c.turns {
            h.combine(byte: turn.role == .human ? 1 : 2)
            h.combine(turn.text)
        }
        let key = h.finalize()
        let f: Int
        if let last = files.last, last == c.origin.file {
            f = files.count - 1  // the common case: records arrive file by file
        } else if let known = fileIndex[c.origin.file] {
            f = known
        } else {
            files.append(c.origin.file)
            fileIndex[c.origin.file] = files.count - 1
            f = files.count - 1
        }
        let here = UInt64(f) << 40 | UInt64(c.origin.ordinal)
        if let first = seen.insertIfAbsent(key, value: here) {
            let firstID = "\(c.source):\(files[Int(first >> 40)]):\(first & (1 << 40 - 1))"
            return .rejected(.duplicate, detail: firstID)
        }
        return .unchanged
    }
}

/// A 128-bit hash value.
public struct StableHash: Hashable, Sendable {
    public var lo: UInt64
    public var hi: UInt64
}

/// A fast, fixed (unseeded) 128-bit hash over bytes, for deduplication keys.
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
        var s = s
        s.withUTF8 { p in
            let n = p.count
            var i = 0
            let raw = UnsafeRawBufferPointer(p)
            while i + 8 <= n {
                mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            mix(tail ^ (UInt64(n) << 56))
            length &+= UInt64(n)
        }
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
