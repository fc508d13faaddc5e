/// A WordPiece model (BERT): greedy longest-match-first over each word, `##` before
/// continuations; a word with a part that matches nothing, or longer than
/// `max_input_chars_per_word` characters, is one unknown token.
final class WordPieceModel: Sendable {
    let vocab: [[UInt8]: Int32]
    let unkID: Int32
    let prefix: [UInt8]
    let maxChars: Int

    init(vocab: [[UInt8]: Int32], unkID: Int32, prefix: [UInt8], maxChars: Int) {
        self.vocab = vocab
        self.unkID = unkID
        self.prefix = prefix
        self.maxChars = maxChars
    }

    func encode(_ word: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        // Character boundaries (UTF-8 lead bytes).
        var bounds: [Int] = []
        for (i, b) in word.enumerated() where b & 0xC0 != 0x80 { bounds.append(i) }
        guard bounds.count <= maxChars else {
            out.append(unkID)
            return
        }
        bounds.append(word.count)
        let mark = out.count
        var start = 0  // index into bounds
        var candidate: [UInt8] = []
        while start < bounds.count - 1 {
            var end = bounds.count - 1
            var found: Int32? = nil
            while end > start {
                candidate.removeAll(keepingCapacity: true)
                if start > 0 { candidate += prefix }
                candidate += word[bounds[start]..<bounds[end]]
                if let id = vocab[candidate] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                out.removeSubrange(mark...)
                out.append(unkID)
                return
            }
            out.append(id)
            start = end
        }
    }
}

/// Added tokens, matched in the text before anything else: leftmost first, and at one
/// position the longest, as the tokenizers library's Aho-Corasick (LeftmostLongest) does.
struct AddedTokenMatcher: Sendable {
    /// For each first byte, the tokens starting with it, longest first.
    private var byFirstByte: [[(bytes: [UInt8], id: Int32)]] = Array(repeating: [], count: 256)
    private(set) var isEmpty = true

    init(_ tokens: [(content: [UInt8], id: Int32)]) {
        for t in tokens where !t.content.isEmpty {
            byFirstByte[Int(t.content[0])].append((t.content, t.id))
            isEmpty = false
        }
        for i in 0..<256 where byFirstByte[i].count > 1 {
            byFirstByte[i].sort { $0.bytes.count > $1.bytes.count }
        }
    }

    /// Calls `text` for each stretch between added tokens and `token` for each token, in order.
    func split(
        _ bytes: UnsafeBufferPointer<UInt8>, text: (Range<Int>) throws -> Void, token: (Int32) throws -> Void
    ) rethrows {
        guard !isEmpty else {
            if !bytes.isEmpty { try text(0..<bytes.count) }
            return
        }
        var at = 0
        var i = 0
        let n = bytes.count
        outer: while i < n {
            let candidates = byFirstByte[Int(bytes[i])]
            if !candidates.isEmpty {
                for c in candidates where i + c.bytes.count <= n {
                    var k = 1
                    while k < c.bytes.count, bytes[i + k] == c.bytes[k] { k += 1 }
                    if k == c.bytes.count {
                        if i > at { try text(at..<i) }
                        try token(c.id)
                        i += c.bytes.count
                        at = i
                        continue outer
                    }
                }
            }
            i += 1
        }
        if at < n { try text(at..<n) }
    }
}
