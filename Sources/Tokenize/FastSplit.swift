/// A hand-written matcher for the pre-tokenizer regexes most tokenizers share, giving the same
/// matches as the regex engine, several times faster.
///
/// It covers, character for character:
/// - Qwen2's (also zh-en-bbpe-16k's):
///   `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// - Llama 3's and GLM-4's: the same with `\p{N}{1,3}`;
/// - GPT-2's: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
///
/// Any other pattern goes to ``UnicodeRegex``; the tests check this matcher against it on
/// random text. Each alternative below is taken in the regex's order, with the regex's
/// backtracking worked out (see the comments).
struct FastSplit: Sendable {
    enum Family: Sendable, Equatable {
        case qwen(maxDigits: Int)
        case gpt2
    }

    let family: Family

    init?(pattern: String) {
        let contractions = "(?i:'s|'t|'re|'ve|'m|'ll|'d)"
        let qwenTail = #"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        switch pattern {
        case contractions + #"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"# + qwenTail: family = .qwen(maxDigits: 1)
        case contractions + #"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"# + qwenTail: family = .qwen(maxDigits: 3)
        case PreTokenizer.gpt2Pattern: family = .gpt2
        default: return nil
        }
    }

    // Character classes, as bits; 0 is "other" ([^\s\p{L}\p{N}]).
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let space: UInt8 = 4  // White_Space
    static let crlf: UInt8 = 8

    /// The classes of the Basic Multilingual Plane, computed once.
    static let bmp: [UInt8] = (0..<0x10000).map { v in
        Unicode.Scalar(UInt32(v)).map(classify) ?? 0
    }

    static func classify(_ s: Unicode.Scalar) -> UInt8 {
        let p = s.properties
        var c: UInt8 = 0
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: c |= letter
        case .decimalNumber, .letterNumber, .otherNumber: c |= number
        default: break
        }
        if p.isWhitespace { c |= space }
        if s == "\r" || s == "\n" { c |= crlf }
        return c
    }

    /// Calls `body` with the byte range of each match in `b` (valid UTF-8), left to right.
    ///
    /// Every character starts some alternative, so the matches tile the text.
    func forEachMatch(in b: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        var text = Classified(b)
        var k = 0
        while k < text.count {
            let end = contraction(&text, k) ?? (family == .gpt2 ? gpt2(&text, k) : qwen(&text, k))
            body(text.offset(k), text.offset(end))
            k = end
        }
    }

    /// The text as characters: class, scalar and byte offset of each.
    struct Classified {
        var cls: [UInt8] = []
        var scalars: [UInt32] = []
        var offsets: [Int] = []
        let byteCount: Int

        init(_ b: UnsafeBufferPointer<UInt8>) {
            byteCount = b.count
            cls.reserveCapacity(b.count)
            scalars.reserveCapacity(b.count)
            offsets.reserveCapacity(b.count)
            var i = 0
            while i < b.count {
                let (v, len) = BPEWorkspace.decode(b, at: i)
                cls.append(v < 0x10000 ? FastSplit.bmp[Int(v)] : FastSplit.classify(Unicode.Scalar(v) ?? "\u{FFFD}"))
                scalars.append(v)
                offsets.append(i)
                i += len
            }
        }

        var count: Int { cls.count }
        func offset(_ k: Int) -> Int { k < count ? offsets[k] : byteCount }
        func scalar(_ k: Int) -> UInt32 { k < count ? scalars[k] : 0 }
        func has(_ k: Int, _ bits: UInt8) -> Bool { k < count && cls[k] & bits != 0 }
        /// Whether scalar `k` is in `[^\s\p{L}\p{N}]`.
        func isOther(_ k: Int) -> Bool { k < count && cls[k] & (letter | number | space) == 0 }
        func end(from k: Int, while bits: UInt8) -> Int {
            var e = k
            while has(e, bits) { e += 1 }
            return e
        }
        func otherEnd(from k: Int) -> Int {
            var e = k
            while isOther(e) { e += 1 }
            return e
        }
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` at k, case-insensitively for the Qwen family (where `ſ`
    /// folds to `s`): the end, or nil.
    private func contraction(_ t: inout Classified, _ k: Int) -> Int? {
        guard t.scalar(k) == 0x27 else { return nil }
        let caseless = family != .gpt2
        func eq(_ j: Int, _ ch: UInt32) -> Bool {
            let v = t.scalar(j)
            return v == ch || (caseless && (v == ch - 0x20 || (ch == 0x73 && v == 0x17F)))
        }
        let s: UInt32 = 0x73
        let tt: UInt32 = 0x74
        let r: UInt32 = 0x72
        let e: UInt32 = 0x65
        let v: UInt32 = 0x76
        let m: UInt32 = 0x6D
        let l: UInt32 = 0x6C
        let d: UInt32 = 0x64
        for word in [[s], [tt], [r, e], [v, e], [m], [l, l], [d]] {
            if word.indices.allSatisfy({ eq(k + 1 + $0, word[$0]) }) { return k + 1 + word.count }
        }
        return nil
    }

    private func qwen(_ t: inout Classified, _ k: Int) -> Int {
        let c = t.cls[k]
        // [^\r\n\p{L}\p{N}]?\p{L}+ : the optional character only when a letter follows it.
        if c & (Self.crlf | Self.letter | Self.number) == 0, t.has(k + 1, Self.letter) {
            return t.end(from: k + 1, while: Self.letter)
        }
        if c & Self.letter != 0 { return t.end(from: k, while: Self.letter) }
        // \p{N} (or \p{N}{1,3})
        if c & Self.number != 0 {
            guard case .qwen(let maxDigits) = family else { return k + 1 }
            var e = k + 1
            while e - k < maxDigits, t.has(e, Self.number) { e += 1 }
            return e
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        let start = t.scalar(k) == 0x20 && t.isOther(k + 1) ? k + 1 : k
        if t.isOther(start) { return t.end(from: t.otherEnd(from: start), while: Self.crlf) }
        // Only white space is left: its run is [k, run).
        let run = t.end(from: k, while: Self.space)
        // \s*[\r\n]+ : \s* backtracks to the run's last CR or LF, which [\r\n]+ takes.
        if let last = (k..<run).last(where: { t.has($0, Self.crlf) }) { return last + 1 }
        // \s+(?!\S) : the run if the text ends there, else all but its last character when
        // that leaves one; otherwise \s+ : the run.
        return run < t.count && run - k > 1 ? run - 1 : run
    }

    private func gpt2(_ t: inout Classified, _ k: Int) -> Int {
        let space = t.scalar(k) == 0x20
        //  ?\p{L}+ |  ?\p{N}+
        for bits in [Self.letter, Self.number] {
            let start = space && t.has(k + 1, bits) ? k + 1 : k
            if t.has(start, bits) { return t.end(from: start, while: bits) }
        }
        //  ?[^\s\p{L}\p{N}]+
        let start = space && t.isOther(k + 1) ? k + 1 : k
        if t.isOther(start) { return t.otherEnd(from: start) }
        // \s+(?!\S) | \s+
        let run = t.end(from: k, while: Self.space)
        return run < t.count && run - k > 1 ? run - 1 : run
    }
}
