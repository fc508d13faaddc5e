import Formats

/// A Hugging Face fast tokenizer (`tokenizer.json`), read for counting tokens exactly as the
/// `tokenizers` library does: `len(tokenizer(text).input_ids)`.
///
/// Supported: BPE (byte-level with regex pre-tokenizers, or character-level with
/// `byte_fallback`, `ignore_merges`) and WordPiece models; the NFC/NFD/NFKC/NFKD, Lowercase,
/// Prepend, Replace, Strip, StripAccents, BertNormalizer and Sequence normalizers; the Split,
/// ByteLevel, Metaspace (first), BertPreTokenizer, Whitespace, WhitespaceSplit and Sequence
/// pre-tokenizers;
/// added tokens (matched first, before or after normalization as each says); and the
/// post-processor's special tokens. Anything else is refused with
/// ``TokenizerError/unsupported(path:component:)`` rather than counted wrongly. The
/// `truncation` and `padding` settings are ignored, as `tokenizer(text)` ignores them.
///
/// Immutable and `Sendable`: each thread counts with its own ``TokenCounter``.
public final class Tokenizer: Sendable {
    public let path: String
    /// The file's name without its folder (manifests hold no absolute paths).
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }
    /// The SHA-256 of the file as read (after zstd decompression), hex.
    public let sha256: String
    /// What the model is, for the manifest: `bpe-byte-level`, `bpe` or `wordpiece`.
    public let kind: String
    /// Tokens the post-processor adds to every sequence (`<s>`, `[CLS]` … `[SEP]`).
    public let specialTokensAdded: Int
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let model: Model
    let rawAdded: AddedTokenMatcher
    let normalizedAdded: AddedTokenMatcher

    enum Model: Sendable {
        case bpe(BPEModel)
        case wordPiece(WordPieceModel)
    }

    /// Loads `path` (a tokenizer.json, or a zstd-compressed one).
    public init(path: String) throws {
        self.path = path
        let bytes = try InputFile.readAll(path)
        sha256 = try SHA256Digest.hex(of: bytes)
        let json = try bytes.withUnsafeBufferPointer { try JSONDocument.parse($0, path: path) }
        guard let root = json as? [String: Any] else {
            throw TokenizerError.invalidFile(path: path, reason: "the top level is not an object")
        }
        let reader = ConfigReader(path: path)
        let normalizer = try reader.normalizer(root["normalizer"])
        let pre = try reader.preTokenizer(root["pre_tokenizer"])
        if pre?.hasLateMetaspace == true {
            throw TokenizerError.unsupported(path: path, component: "a Metaspace pre-tokenizer after another one")
        }
        self.normalizer = normalizer
        self.preTokenizer = pre
        guard let modelJSON = root["model"] as? [String: Any] else {
            throw TokenizerError.invalidFile(path: path, reason: "no \"model\" object")
        }
        let byteLevel = pre?.isByteLevel ?? false
        let model = try reader.model(modelJSON, byteLevel: byteLevel)
        self.model = model
        switch model {
        case .bpe: kind = byteLevel ? "bpe-byte-level" : "bpe"
        case .wordPiece: kind = "wordpiece"
        }
        // Added tokens: those with normalized=false match the raw text; the others match the
        // normalized text, in their normalized form.
        var raw: [([UInt8], Int32)] = []
        var normalized: [([UInt8], Int32)] = []
        for case let t as [String: Any] in root["added_tokens"] as? [Any] ?? [] {
            guard let content = t["content"] as? String, let id = t["id"] as? Int else {
                throw TokenizerError.invalidFile(path: path, reason: "an added token lacks content or id")
            }
            for flag in ["lstrip", "rstrip", "single_word"] where (t[flag] as? Bool) == true {
                throw TokenizerError.unsupported(path: path, component: "added tokens with \(flag)")
            }
            let bytes = Array(content.utf8)
            if (t["normalized"] as? Bool) ?? !((t["special"] as? Bool) ?? false), let normalizer {
                let n = try bytes.withUnsafeBufferPointer { try normalizer.apply($0) } ?? bytes
                normalized.append((n, Int32(id)))
            } else {
                raw.append((bytes, Int32(id)))
            }
        }
        rawAdded = AddedTokenMatcher(raw)
        normalizedAdded = AddedTokenMatcher(normalized)
        specialTokensAdded = try reader.postProcessorCount(root["post_processor"])
    }

    /// A counter for one thread.
    public func makeCounter() throws -> TokenCounter { try TokenCounter(self) }
}

/// Counts (and encodes) text with a ``Tokenizer``.
///
/// Not thread-safe: it holds compiled regexes, work buffers and a cache of piece counts. Make one
/// per thread.
public final class TokenCounter {
    public let tokenizer: Tokenizer
    private let preTokenizer: PreTokenizerRunner
    /// The Metaspace rewrite before splitting, looked up once.
    private let metaspace: (replacement: [UInt8], prepend: PreTokenizer.PrependScheme)?
    private var pieces: [Range<Int>] = []
    private var workspace = BPEWorkspace()
    private var ids: [Int32] = []
    private var cache = PieceCache()
    /// Pieces up to this many bytes are cached: short words repeat, long runs rarely do.
    private let cacheableBytes = 256

    init(_ tokenizer: Tokenizer) throws {
        self.tokenizer = tokenizer
        preTokenizer = try PreTokenizerRunner(tokenizer.preTokenizer)
        metaspace = tokenizer.preTokenizer?.metaspace
    }

    /// The number of tokens `tokenizer(text).input_ids` has: the model's tokens plus the
    /// post-processor's special tokens.
    public func count(_ text: String) throws -> Int {
        return try text.withUTF8Bytes { try count(utf8: $0) } + tokenizer.specialTokensAdded
    }

    /// The model's ids for `text`, without the post-processor's special tokens.
    public func encode(_ text: String) throws -> [Int] {
        var out: [Int32] = []
        try text.withUTF8Bytes { bytes in
            try walk(bytes) { piece in
                switch tokenizer.model {
                case .bpe(let m): workspace.encode(piece, m, into: &out)
                case .wordPiece(let m): m.encode(piece, into: &out)
                }
            } token: {
                out.append($0)
            }
        }
        return out.map(Int.init)
    }

    /// The model's tokens in valid UTF-8 `bytes`, without special tokens.
    public func count(utf8 bytes: UnsafeBufferPointer<UInt8>) throws -> Int {
        var total = 0
        try walk(bytes) { piece in
            total += countPiece(piece)
        } token: { _ in
            total += 1
        }
        return total
    }

    private func countPiece(_ piece: UnsafeBufferPointer<UInt8>) -> Int {
        let cacheable = piece.count <= cacheableBytes
        let hash = cacheable ? PieceCache.hash(piece) : 0
        if cacheable {
            let n = cache.lookup(piece, hash: hash)
            if n >= 0 { return n }
        }
        ids.removeAll(keepingCapacity: true)
        switch tokenizer.model {
        case .bpe(let m): workspace.encode(piece, m, into: &ids)
        case .wordPiece(let m): m.encode(piece, into: &ids)
        }
        if cacheable { cache.insert(piece, hash: hash, count: ids.count) }
        return ids.count
    }

    /// Added tokens, normalization, pre-tokenization: calls `piece` for each piece the model
    /// sees and `token` for each added token, in order.
    private func walk(
        _ bytes: UnsafeBufferPointer<UInt8>, piece: (UnsafeBufferPointer<UInt8>) -> Void, token: (Int32) -> Void
    ) throws {
        let t = tokenizer
        try t.rawAdded.split(bytes) { range in
            let section = UnsafeBufferPointer(rebasing: bytes[range])
            // Whether a stretch begins the whole input (Metaspace's `first` scheme asks).
            let first = range.lowerBound == 0
            if let normalizer = t.normalizer, let normal = try normalizer.apply(section) {
                try normal.withUnsafeBufferPointer { n in
                    try t.normalizedAdded.split(n) {
                        try pretokenize(
                            UnsafeBufferPointer(rebasing: n[$0]), atStart: first && $0.lowerBound == 0, piece)
                    } token: {
                        token($0)
                    }
                }
            } else {
                try t.normalizedAdded.split(section) {
                    try pretokenize(
                        UnsafeBufferPointer(rebasing: section[$0]), atStart: first && $0.lowerBound == 0, piece)
                } token: {
                    token($0)
                }
            }
        } token: {
            token($0)
        }
    }

    private func pretokenize(
        _ text: UnsafeBufferPointer<UInt8>, atStart: Bool, _ piece: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws {
        guard let (replacement, scheme) = metaspace else {
            try preTokenizer.split(text, into: &pieces)
            for r in pieces { piece(UnsafeBufferPointer(rebasing: text[r])) }
            return
        }
        // Metaspace: spaces become the replacement, which is prepended unless already there.
        var rewritten: [UInt8] = []
        rewritten.reserveCapacity(text.count + 16)
        for b in text {
            if b == 0x20 { rewritten += replacement } else { rewritten.append(b) }
        }
        let prepend = scheme == .always || (scheme == .first && atStart)
        if prepend, !rewritten.isEmpty, !rewritten.starts(with: replacement) {
            rewritten.insert(contentsOf: replacement, at: 0)
        }
        try rewritten.withUnsafeBufferPointer { r in
            try preTokenizer.split(r, into: &pieces)
            for range in pieces { piece(UnsafeBufferPointer(rebasing: r[range])) }
        }
    }
}
