/// A tokenizer's pre-tokenizer: how normalized text is cut into pieces ("words") before the model
/// sees them.
///
/// Pieces are byte ranges of the normalized text.
indirect enum PreTokenizer: Sendable {
    /// Split on a regex or literal, keeping, dropping or attaching the delimiters.
    case split(pattern: SplitPattern, behavior: SplitBehavior, invert: Bool)
    /// GPT-2's byte-level pre-tokenizer: optionally split with GPT-2's regex; bytes are mapped
    /// to characters by the model's vocabulary (see ``BPEModel``).
    case byteLevel(useRegex: Bool)
    /// BERT: split on white space (dropped) and punctuation (isolated).
    case bert
    /// SentencePiece's: spaces become `replacement` (▁), which is also prepended to the text
    /// (`always`, or `first`: only to the text at the very start of the input, before any
    /// added token; `never`), and, with `split`, each ▁ starts a new piece. Only as the first
    /// stage, since it changes the bytes the later stages see.
    case metaspace(replacement: [UInt8], prepend: PrependScheme, split: Bool)
    /// `\w+|[^\w\s]+`.
    case whitespace
    /// Split on white space.
    case whitespaceSplit
    case sequence([PreTokenizer])

    enum SplitPattern: Sendable {
        case regex(String)
        case literal([UInt8])
    }

    enum PrependScheme: String, Sendable {
        case always, first, never
    }

    enum SplitBehavior: String, Sendable {
        case removed = "Removed"
        case isolated = "Isolated"
        case mergedWithPrevious = "MergedWithPrevious"
        case mergedWithNext = "MergedWithNext"
        case contiguous = "Contiguous"
    }

    /// GPT-2's pattern, implied by `ByteLevel` with `use_regex: true`.
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    /// Whether the pieces are mapped to bytes (GPT-2 style), not characters.
    var isByteLevel: Bool {
        switch self {
        case .byteLevel: return true
        case .sequence(let items): return items.contains { $0.isByteLevel }
        default: return false
        }
    }

    /// The flat list of splitting stages, each applied to every piece of the one before.
    var stages: [PreTokenizer] {
        switch self {
        case .sequence(let items): return items.flatMap(\.stages)
        case .byteLevel(let useRegex):
            return useRegex ? [.split(pattern: .regex(Self.gpt2Pattern), behavior: .isolated, invert: false)] : []
        case .metaspace(let replacement, _, let split):
            return split ? [.split(pattern: .literal(replacement), behavior: .mergedWithNext, invert: false)] : []
        default: return [self]
        }
    }

    /// The Metaspace rewrite that comes before the splitting stages, if any.
    var metaspace: (replacement: [UInt8], prepend: PrependScheme)? {
        switch self {
        case .metaspace(let r, let p, _): return (r, p)
        case .sequence(let items): return items.first?.metaspace
        default: return nil
        }
    }

    /// Whether a Metaspace stage stands anywhere but first (which is not supported).
    var hasLateMetaspace: Bool {
        guard case .sequence(let items) = self else { return false }
        return items.enumerated().contains { i, item in (i > 0 && item.metaspace != nil) || item.hasLateMetaspace }
    }
}

/// The runnable form of a pre-tokenizer, with its compiled regexes (one per ``TokenCounter``).
final class PreTokenizerRunner {
    private enum Stage {
        case fast(FastSplit)
        case regex(UnicodeRegex, PreTokenizer.SplitBehavior, Bool)
        case literal([UInt8], PreTokenizer.SplitBehavior, Bool)
        case bert
        case whitespace
        case whitespaceSplit
    }

    private let stages: [Stage]
    private var scratch: [Range<Int>] = []
    private var marks: [(Range<Int>, Bool)] = []

    /// - Parameter fast: use ``FastSplit`` for the patterns it covers (tests turn it off to
    ///   compare it with the regex engine).
    init(_ pre: PreTokenizer?, fast: Bool = true) throws {
        var stages: [Stage] = []
        for stage in pre?.stages ?? [] {
            switch stage {
            case .split(.regex(let p), let behavior, let invert):
                if fast, behavior == .isolated, !invert, let split = FastSplit(pattern: p) {
                    stages.append(.fast(split))
                } else {
                    stages.append(.regex(try UnicodeRegex(pattern: p), behavior, invert))
                }
            case .split(.literal(let l), let behavior, let invert):
                stages.append(.literal(l, behavior, invert))
            case .bert: stages.append(.bert)
            case .whitespace: stages.append(.whitespace)
            case .whitespaceSplit: stages.append(.whitespaceSplit)
            case .byteLevel, .sequence, .metaspace: break  // flattened by `stages`
            }
        }
        self.stages = stages
    }

    /// Cuts `bytes` into pieces, written to `pieces` (cleared first).
    func split(_ bytes: UnsafeBufferPointer<UInt8>, into pieces: inout [Range<Int>]) throws {
        pieces.removeAll(keepingCapacity: true)
        guard !bytes.isEmpty else { return }
        pieces.append(0..<bytes.count)
        for stage in stages {
            scratch.removeAll(keepingCapacity: true)
            for piece in pieces {
                let sub = UnsafeBufferPointer(rebasing: bytes[piece])
                marks.removeAll(keepingCapacity: true)
                switch stage {
                case .fast(let matcher):
                    let o = piece.lowerBound
                    matcher.forEachMatch(in: sub) { s, e in scratch.append((o + s)..<(o + e)) }
                case .regex(let regex, .isolated, false):
                    // The common case: matches and the gaps between them, straight to the output.
                    var at = 0
                    let o = piece.lowerBound
                    try regex.forEachMatch(in: sub) { s, e in
                        if s > at { scratch.append((o + at)..<(o + s)) }
                        scratch.append((o + s)..<(o + e))
                        at = e
                    }
                    if at < sub.count { scratch.append((o + at)..<(o + sub.count)) }
                case .regex(let regex, let behavior, let invert):
                    var at = 0
                    try regex.forEachMatch(in: sub) { s, e in
                        if s > at { marks.append((at..<s, invert)) }
                        marks.append((s..<e, !invert))
                        at = e
                    }
                    if at < sub.count { marks.append((at..<sub.count, invert)) }
                    Self.combine(marks, behavior, offset: piece.lowerBound, into: &scratch)
                case .literal(let literal, let behavior, let invert):
                    Self.literalMarks(literal, sub, invert, into: &marks)
                    Self.combine(marks, behavior, offset: piece.lowerBound, into: &scratch)
                case .bert:
                    Self.bertSplit(sub, offset: piece.lowerBound, into: &scratch)
                case .whitespace:
                    Self.classSplit(sub, offset: piece.lowerBound, into: &scratch, wordClasses: true)
                case .whitespaceSplit:
                    Self.classSplit(sub, offset: piece.lowerBound, into: &scratch, wordClasses: false)
                }
            }
            swap(&pieces, &scratch)
        }
    }

    /// Turns matched/unmatched spans into pieces as the tokenizers library's split behaviours do.
    private static func combine(
        _ marks: [(Range<Int>, Bool)], _ behavior: PreTokenizer.SplitBehavior, offset: Int,
        into out: inout [Range<Int>]
    ) {
        // The folds of the tokenizers library's SplitDelimiterBehavior, over (span, is-match).
        var acc: [Range<Int>] = []
        var previousMatch = false
        switch behavior {
        case .isolated:
            acc = marks.map(\.0)
        case .removed:
            acc = marks.filter { !$0.1 }.map(\.0)
        case .mergedWithPrevious:
            for (r, m) in marks {
                if m, !previousMatch, let last = acc.last {
                    acc[acc.count - 1] = last.lowerBound..<r.upperBound
                } else {
                    acc.append(r)
                }
                previousMatch = m
            }
        case .mergedWithNext:
            for (r, m) in marks.reversed() {
                if m, !previousMatch, let last = acc.last {
                    acc[acc.count - 1] = r.lowerBound..<last.upperBound
                } else {
                    acc.append(r)
                }
                previousMatch = m
            }
            acc.reverse()
        case .contiguous:
            for (r, m) in marks {
                if m == previousMatch, let last = acc.last {
                    acc[acc.count - 1] = last.lowerBound..<r.upperBound
                } else {
                    acc.append(r)
                }
                previousMatch = m
            }
        }
        for r in acc where !r.isEmpty { out.append((r.lowerBound + offset)..<(r.upperBound + offset)) }
    }

    private static func literalMarks(
        _ literal: [UInt8], _ sub: UnsafeBufferPointer<UInt8>, _ invert: Bool, into marks: inout [(Range<Int>, Bool)]
    ) {
        var at = 0
        var i = 0
        let m = literal.count
        while m > 0, i + m <= sub.count {
            if literal.indices.allSatisfy({ sub[i + $0] == literal[$0] }) {
                if i > at { marks.append((at..<i, invert)) }
                marks.append((i..<(i + m), !invert))
                i += m
                at = i
            } else {
                i += 1
            }
        }
        if at < sub.count { marks.append((at..<sub.count, invert)) }
    }

    /// BERT: white space ends a word and is dropped; each punctuation character is a word.
    private static func bertSplit(_ sub: UnsafeBufferPointer<UInt8>, offset: Int, into out: inout [Range<Int>]) {
        var start = -1
        forEachScalar(sub) { s, lo, hi in
            if s.properties.isWhitespace {
                if start >= 0 { out.append((start + offset)..<(lo + offset)) }
                start = -1
            } else if isBertPunctuation(s) {
                if start >= 0 { out.append((start + offset)..<(lo + offset)) }
                out.append((lo + offset)..<(hi + offset))
                start = -1
            } else if start < 0 {
                start = lo
            }
        }
        if start >= 0 { out.append((start + offset)..<(sub.count + offset)) }
    }

    /// `Whitespace` (`\w+|[^\w\s]+`, white space dropped) or `WhitespaceSplit`.
    private static func classSplit(
        _ sub: UnsafeBufferPointer<UInt8>, offset: Int, into out: inout [Range<Int>], wordClasses: Bool
    ) {
        var start = -1
        var startIsWord = false
        forEachScalar(sub) { s, lo, _ in
            if s.properties.isWhitespace {
                if start >= 0 { out.append((start + offset)..<(lo + offset)) }
                start = -1
                return
            }
            let word = wordClasses ? isWordChar(s) : true
            if start >= 0, word != startIsWord {
                out.append((start + offset)..<(lo + offset))
                start = -1
            }
            if start < 0 {
                start = lo
                startIsWord = word
            }
        }
        if start >= 0 { out.append((start + offset)..<(sub.count + offset)) }
    }

    static func isBertPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    static func isWordChar(_ s: Unicode.Scalar) -> Bool {
        let p = s.properties
        return p.isAlphabetic || p.numericType != nil || s == "_"
            || p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark
            || p.generalCategory == .connectorPunctuation
    }

    static func forEachScalar(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Unicode.Scalar, Int, Int) -> Void) {
        var i = 0
        var it = bytes.makeIterator()
        var decoder = UTF8()
        while case .scalarValue(let s) = decoder.decode(&it) {
            let len = UTF8.width(s)
            body(s, i, i + len)
            i += len
        }
    }
}
