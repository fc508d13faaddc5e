import CShims

/// A tokenizer's normalizer, applied to the text between added tokens before pre-tokenizing.
///
/// Works on UTF-8 bytes and returns `nil` when the text is already normal, which is the common
/// case (Chinese and ASCII text is already NFC), so the hot path copies nothing.
indirect enum Normalizer: Sendable {
    case unicode(form: Int32)
    case lowercase
    case prepend([UInt8])
    case replace(pattern: [UInt8], content: [UInt8])
    case strip(left: Bool, right: Bool)
    case stripAccents
    case bert(BertNormalizer)
    case sequence([Normalizer])

    /// The normalized bytes, or `nil` when `bytes` are unchanged.
    func apply(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [UInt8]? {
        switch self {
        case .unicode(let form):
            if form == Int32(CCS_NFC) ? Self.isNFCQuick(bytes) : Self.isASCII(bytes) { return nil }
            return try Self.icuNormalize(form, bytes)
        case .lowercase:
            return Self.lowercase(bytes)
        case .prepend(let prefix):
            return bytes.isEmpty ? nil : prefix + Array(bytes)
        case .replace(let pattern, let content):
            return UTF8Bytes.replacing(pattern, with: content, in: bytes)
        case .strip(let left, let right):
            return Self.strip(bytes, left: left, right: right)
        case .stripAccents:
            let removed = UTF8Bytes.filterScalars(bytes) { $0.properties.generalCategory != .nonspacingMark }
            return removed
        case .bert(let bert):
            return try bert.apply(bytes)
        case .sequence(let steps):
            var current: [UInt8]? = nil
            for step in steps {
                let next: [UInt8]?
                if let c = current {
                    next = try c.withUnsafeBufferPointer { try step.apply($0) }
                } else {
                    next = try step.apply(bytes)
                }
                if let next { current = next }
            }
            return current
        }
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.contains { $0 >= 0x80 }
    }

    /// Whether every scalar is one that NFC leaves alone whatever surrounds it: quick-check Yes and
    /// canonical combining class 0 (Latin-1, CJK ideographs, kana, CJK punctuation, full-width
    /// forms).
    ///
    /// Anything else goes to ICU.
    static func isNFCQuick(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0xCC { i += b0 < 0x80 ? 1 : 2; continue }  // below U+0300
            guard b0 >= 0xE0, b0 < 0xF0, i + 2 < n else { return false }
            let cp = (UInt32(b0 & 0x0F) << 12) | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F)
            switch cp {
            case 0x3000..<0x302A, 0x3030..<0x3099, 0x309B..<0x3100, 0x3400..<0x4DC0, 0x4E00..<0xA000,
                0xFF00..<0xFFF0:
                i += 3
            default:
                return false
            }
        }
        return true
    }

    static func icuNormalize(_ form: Int32, _ bytes: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        var capacity = bytes.count * 3 + 16
        while true {
            var status: Int32 = 0
            var out = [UInt8](repeating: 0, count: capacity)
            let n = out.withUnsafeMutableBufferPointer { o in
                bytes.withMemoryRebound(to: CChar.self) { b in
                    o.withMemoryRebound(to: CChar.self) { o in
                        ccs_normalize(form, b.baseAddress, Int64(b.count), o.baseAddress, Int64(o.count), &status)
                    }
                }
            }
            if n < 0 { throw TokenizerError.icu(operation: "normalizing", status: UnicodeRegex.name(status)) }
            if Int(n) <= capacity {
                out.removeSubrange(Int(n)...)
                return out
            }
            capacity = Int(n)
        }
    }

    static func lowercase(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if isASCII(bytes) {
            guard bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
            return bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        }
        // Scalar by scalar, full mappings, no context (as Rust's char::to_lowercase).
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var changed = false
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            let lower = scalar.properties.lowercaseMapping
            if lower.unicodeScalars.count == 1, lower.unicodeScalars.first == scalar {
                UTF8.encode(scalar) { out.append($0) }
            } else {
                changed = true
                out.append(contentsOf: lower.utf8)
            }
        }
        return changed ? out : nil
    }

    static func strip(_ bytes: UnsafeBufferPointer<UInt8>, left: Bool, right: Bool) -> [UInt8]? {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var lo = 0
        var hi = scalars.count
        if left { while lo < hi, scalars[lo].properties.isWhitespace { lo += 1 } }
        if right { while hi > lo, scalars[hi - 1].properties.isWhitespace { hi -= 1 } }
        if lo == 0, hi == scalars.count { return nil }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[lo..<hi])
        return Array(String(s).utf8)
    }
}

/// BERT's normalizer: clean control characters, space out CJK ideographs, strip accents,
/// lowercase; in that order, as the tokenizers library does.
struct BertNormalizer: Sendable {
    var cleanText: Bool
    var handleChineseChars: Bool
    var stripAccents: Bool
    var lowercase: Bool

    func apply(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [UInt8]? {
        var current: [UInt8]? = nil
        func step(_ f: (UnsafeBufferPointer<UInt8>) throws -> [UInt8]?) rethrows {
            let r: [UInt8]?
            if let c = current { r = try c.withUnsafeBufferPointer(f) } else { r = try f(bytes) }
            if let r { current = r }
        }
        if cleanText {
            step { b in
                UTF8Bytes.mapScalars(b) { s in
                    let v = s.value
                    if v == 0 || v == 0xFFFD || Self.isControl(s) { return [] }
                    if Self.isWhitespace(s) { return [" "] }
                    return nil
                }
            }
        }
        if handleChineseChars {
            step { b in UTF8Bytes.mapScalars(b) { s in Self.isChineseChar(s.value) ? [" ", s, " "] : nil } }
        }
        if stripAccents {
            try step { b in
                let decomposed = Normalizer.isASCII(b) ? nil : try Normalizer.icuNormalize(Int32(CCS_NFD), b)
                let base = decomposed ?? Array(b)
                let stripped = base.withUnsafeBufferPointer { d in
                    UTF8Bytes.filterScalars(d) { $0.properties.generalCategory != .nonspacingMark }
                }
                return stripped ?? decomposed
            }
        }
        if lowercase {
            step { Normalizer.lowercase($0) }
        }
        return current
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    /// Cc, Cf, Co and Cs, except tab, LF and CR.
    ///
    /// Unassigned code points (Cn) are kept: the tokenizers library's category tables do not list
    /// them (checked: U+0378 gives `[UNK]`).
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// The tokenizers library's ranges (which skip U+2B820–U+2B91F, unlike BERT's Python code).
    static func isChineseChar(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }
}

/// Byte-level helpers over UTF-8 text.
enum UTF8Bytes {
    /// `bytes` with every occurrence of `pattern` replaced, or `nil` when there is none.
    static func replacing(_ pattern: [UInt8], with content: [UInt8], in bytes: UnsafeBufferPointer<UInt8>)
        -> [UInt8]?
    {
        guard let first = pattern.first else { return nil }
        var out: [UInt8] = []
        var i = 0
        var last = 0
        var found = false
        let n = bytes.count
        let m = pattern.count
        while i + m <= n {
            if bytes[i] == first, pattern.indices.allSatisfy({ bytes[i + $0] == pattern[$0] }) {
                if !found {
                    found = true
                    out.reserveCapacity(n + n / 4)
                }
                out.append(contentsOf: bytes[last..<i])
                out.append(contentsOf: content)
                i += m
                last = i
            } else {
                i += 1
            }
        }
        guard found else { return nil }
        out.append(contentsOf: bytes[last..<n])
        return out
    }

    /// Maps each scalar to a replacement (`nil` keeps it); `nil` when nothing changed.
    static func mapScalars(_ bytes: UnsafeBufferPointer<UInt8>, _ f: (Unicode.Scalar) -> [Unicode.Scalar]?)
        -> [UInt8]?
    {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var changed = false
        for s in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if let r = f(s) {
                changed = true
                for x in r { UTF8.encode(x) { out.append($0) } }
            } else {
                UTF8.encode(s) { out.append($0) }
            }
        }
        return changed ? out : nil
    }

    /// Keeps the scalars for which `keep` holds; `nil` when all are kept.
    static func filterScalars(_ bytes: UnsafeBufferPointer<UInt8>, _ keep: (Unicode.Scalar) -> Bool) -> [UInt8]? {
        mapScalars(bytes) { keep($0) ? nil : [] }
    }
}
