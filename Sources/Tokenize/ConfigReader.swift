import CShims

/// Reads the parts of a tokenizer.json into this module's types, refusing what it cannot count
/// exactly.
struct ConfigReader {
    let path: String

    private func invalid(_ reason: String) -> TokenizerError { .invalidFile(path: path, reason: reason) }
    private func unsupported(_ what: String) -> TokenizerError { .unsupported(path: path, component: what) }

    private func type(_ o: [String: Any], _ part: String) throws -> String {
        guard let t = o["type"] as? String else { throw invalid("a \(part) without a \"type\"") }
        return t
    }

    // MARK: Normalizers

    func normalizer(_ value: Any?) throws -> Normalizer? {
        guard let o = value as? [String: Any] else { return nil }  // null or absent
        switch try type(o, "normalizer") {
        case "NFC": return .unicode(form: Int32(CCS_NFC))
        case "NFD": return .unicode(form: Int32(CCS_NFD))
        case "NFKC": return .unicode(form: Int32(CCS_NFKC))
        case "NFKD": return .unicode(form: Int32(CCS_NFKD))
        case "Lowercase": return .lowercase
        case "StripAccents": return .stripAccents
        case "Strip":
            return .strip(left: o["strip_left"] as? Bool ?? true, right: o["strip_right"] as? Bool ?? true)
        case "Prepend":
            guard let p = o["prepend"] as? String else { throw invalid("a Prepend normalizer without \"prepend\"") }
            return .prepend(Array(p.utf8))
        case "Replace":
            guard let pattern = o["pattern"] as? [String: Any], let content = o["content"] as? String else {
                throw invalid("a Replace normalizer without pattern or content")
            }
            guard let literal = pattern["String"] as? String else {
                throw unsupported("a Replace normalizer with a regex pattern")
            }
            return .replace(pattern: Array(literal.utf8), content: Array(content.utf8))
        case "BertNormalizer":
            let lowercase = o["lowercase"] as? Bool ?? true
            return .bert(
                BertNormalizer(
                    cleanText: o["clean_text"] as? Bool ?? true,
                    handleChineseChars: o["handle_chinese_chars"] as? Bool ?? true,
                    stripAccents: o["strip_accents"] as? Bool ?? lowercase, lowercase: lowercase))
        case "Sequence":
            let items = try (o["normalizers"] as? [Any] ?? []).compactMap { try normalizer($0) }
            if items.isEmpty { return nil }
            return items.count == 1 ? items[0] : .sequence(items)
        case let other:
            throw unsupported("the \(other) normalizer")
        }
    }

    // MARK: Pre-tokenizers

    func preTokenizer(_ value: Any?) throws -> PreTokenizer? {
        guard let o = value as? [String: Any] else { return nil }
        switch try type(o, "pre_tokenizer") {
        case "Split":
            guard let pattern = o["pattern"] as? [String: Any] else { throw invalid("a Split without a pattern") }
            let p: PreTokenizer.SplitPattern
            if let r = pattern["Regex"] as? String {
                p = .regex(r)
            } else if let s = pattern["String"] as? String {
                p = .literal(Array(s.utf8))
            } else {
                throw invalid("a Split pattern that is neither Regex nor String")
            }
            let name = o["behavior"] as? String ?? "Isolated"
            guard let behavior = PreTokenizer.SplitBehavior(rawValue: name) else {
                throw invalid("the unknown Split behavior \(name)")
            }
            return .split(pattern: p, behavior: behavior, invert: o["invert"] as? Bool ?? false)
        case "ByteLevel":
            if o["add_prefix_space"] as? Bool == true {
                throw unsupported("a ByteLevel pre-tokenizer with add_prefix_space")
            }
            return .byteLevel(useRegex: o["use_regex"] as? Bool ?? true)
        case "Metaspace":
            let replacement = o["replacement"] as? String ?? "\u{2581}"
            let scheme: PreTokenizer.PrependScheme
            if let name = o["prepend_scheme"] as? String {
                guard let s = PreTokenizer.PrependScheme(rawValue: name) else {
                    throw invalid("the unknown Metaspace prepend_scheme \(name)")
                }
                scheme = s
            } else {
                scheme = o["add_prefix_space"] as? Bool ?? true ? .always : .never  // older files
            }
            return .metaspace(replacement: Array(replacement.utf8), prepend: scheme, split: o["split"] as? Bool ?? true)
        case "BertPreTokenizer": return .bert
        case "Whitespace": return .whitespace
        case "WhitespaceSplit": return .whitespaceSplit
        case "Sequence":
            let items = try (o["pretokenizers"] as? [Any] ?? []).compactMap { try preTokenizer($0) }
            return items.isEmpty ? nil : .sequence(items)
        case let other:
            throw unsupported("the \(other) pre-tokenizer")
        }
    }

    // MARK: Post-processors

    /// How many special tokens the post-processor adds to a single sequence.
    func postProcessorCount(_ value: Any?) throws -> Int {
        guard let o = value as? [String: Any] else { return 0 }
        switch try type(o, "post_processor") {
        case "ByteLevel": return 0
        case "BertProcessing", "RobertaProcessing": return 2
        case "TemplateProcessing":
            let specials = o["special_tokens"] as? [String: Any] ?? [:]
            var n = 0
            for case let item as [String: Any] in o["single"] as? [Any] ?? [] {
                guard let special = item["SpecialToken"] as? [String: Any] else { continue }
                guard let id = special["id"] as? String, let entry = specials[id] as? [String: Any],
                    let ids = entry["ids"] as? [Any]
                else { throw invalid("a template names a special token it does not define") }
                n += ids.count
            }
            return n
        case "Sequence":
            return try (o["processors"] as? [Any] ?? []).reduce(0) { try $0 + postProcessorCount($1) }
        case let other:
            throw unsupported("the \(other) post-processor")
        }
    }

    // MARK: Models

    func model(_ o: [String: Any], byteLevel: Bool) throws -> Tokenizer.Model {
        let t = o["type"] as? String ?? (o["merges"] != nil ? "BPE" : "")
        guard let vocab = o["vocab"] as? [String: Any] else { throw invalid("the model has no vocab object") }
        switch t {
        case "BPE": return .bpe(try bpe(o, vocab: vocab, byteLevel: byteLevel))
        case "WordPiece": return .wordPiece(try wordPiece(o, vocab: vocab))
        default: throw unsupported("the \(t.isEmpty ? "untyped" : t) model")
        }
    }

    private func ids(_ vocab: [String: Any]) throws -> [String: Int32] {
        var out: [String: Int32] = [:]
        out.reserveCapacity(vocab.count)
        for (k, v) in vocab {
            guard let id = v as? Int, id >= 0, id < Int(Int32.max) else {
                throw invalid("the vocab entry \(k) has no id")
            }
            out[k] = Int32(id)
        }
        return out
    }

    private func bpe(_ o: [String: Any], vocab json: [String: Any], byteLevel: Bool) throws -> BPEModel {
        if let d = o["dropout"] as? Double, d > 0 { throw unsupported("BPE dropout") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let s = o[key] as? String, !s.isEmpty { throw unsupported("BPE with \(key)") }
        }
        let vocab = try ids(json)
        let unkID: Int32?
        if let unk = o["unk_token"] as? String {
            guard let id = vocab[unk] else { throw invalid("the unk_token \(unk) is not in the vocab") }
            unkID = id
        } else {
            unkID = nil
        }
        var byteIDs = [Int32](repeating: -1, count: 256)
        var scalarIDs: [UInt32: Int32] = [:]
        var wholePieces: [[UInt8]: Int32]? = nil
        let ignoreMerges = o["ignore_merges"] as? Bool ?? false
        if byteLevel {
            for b in 0..<256 {
                if let id = vocab[String(ByteLevelAlphabet.character(for: UInt8(b)))] { byteIDs[b] = id }
            }
            if ignoreMerges {
                var whole: [[UInt8]: Int32] = [:]
                whole.reserveCapacity(vocab.count)
                for (k, id) in vocab {
                    if let bytes = ByteLevelAlphabet.bytes(of: k) { whole[bytes] = id }
                }
                wholePieces = whole
            }
        } else {
            for (k, id) in vocab {
                var it = k.unicodeScalars.makeIterator()
                if let s = it.next(), it.next() == nil { scalarIDs[s.value] = id }
            }
            if ignoreMerges {
                wholePieces = Dictionary(uniqueKeysWithValues: vocab.map { (Array($0.key.utf8), $0.value) })
            }
        }
        var fallback: [Int32] = []
        if o["byte_fallback"] as? Bool ?? false {
            fallback = (0..<256).compactMap { b in vocab["<0x" + Self.hex(UInt8(b)) + ">"] }
            if fallback.count != 256 { throw invalid("byte_fallback is on but the vocab lacks <0x..> tokens") }
        }
        let merges = o["merges"] as? [Any] ?? []
        var table = PairTable(capacityFor: merges.count)
        for (rank, m) in merges.enumerated() {
            let a: String
            let b: String
            if let s = m as? String {
                let parts = s.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw invalid("the merge \"\(s)\" is not two tokens") }
                a = String(parts[0])
                b = String(parts[1])
            } else if let pair = m as? [Any], pair.count == 2, let x = pair[0] as? String, let y = pair[1] as? String {
                a = x
                b = y
            } else {
                throw invalid("merge \(rank) is neither \"a b\" nor [\"a\", \"b\"]")
            }
            guard let ia = vocab[a], let ib = vocab[b] else {
                throw invalid("merge \(rank) (\(a) \(b)) uses a token that is not in the vocab")
            }
            guard let merged = vocab[a + b] else {
                throw invalid("merge \(rank) gives \(a + b), which is not in the vocab")
            }
            table.insert(ia, ib, rank: UInt32(rank), merged: merged)
        }
        return BPEModel(
            byteLevel: byteLevel, byteIDs: byteIDs, scalarIDs: scalarIDs, fallbackIDs: fallback, unkID: unkID,
            fuseUnk: o["fuse_unk"] as? Bool ?? false, wholePieceIDs: wholePieces, merges: table)
    }

    private func wordPiece(_ o: [String: Any], vocab json: [String: Any]) throws -> WordPieceModel {
        let vocab = try ids(json)
        let unk = o["unk_token"] as? String ?? "[UNK]"
        guard let unkID = vocab[unk] else { throw invalid("the unk_token \(unk) is not in the vocab") }
        var bytes: [[UInt8]: Int32] = [:]
        bytes.reserveCapacity(vocab.count)
        for (k, v) in vocab { bytes[Array(k.utf8)] = v }
        return WordPieceModel(
            vocab: bytes, unkID: unkID, prefix: Array((o["continuing_subword_prefix"] as? String ?? "##").utf8),
            maxChars: o["max_input_chars_per_word"] as? Int ?? 100)
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}

/// GPT-2's `bytes_to_unicode`: each byte is shown as a printable character (space is `Ġ`).
enum ByteLevelAlphabet {
    static let characters: [Character] = {
        var printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var chars = printable
        var n = 0
        for b in 0..<256 where !printable.contains(b) {
            printable.append(b)
            chars.append(256 + n)
            n += 1
        }
        var table = [Character](repeating: " ", count: 256)
        // Every code point here is below U+0200, so each is a scalar.
        for (b, c) in zip(printable, chars) {
            if let scalar = Unicode.Scalar(UInt32(c)) { table[b] = Character(scalar) }
        }
        return table
    }()

    static let byteOf: [UInt32: UInt8] = {
        var m: [UInt32: UInt8] = [:]
        for (b, c) in characters.enumerated() {
            if let scalar = c.unicodeScalars.first { m[scalar.value] = UInt8(b) }
        }
        return m
    }()

    static func character(for byte: UInt8) -> Character { characters[Int(byte)] }

    /// The bytes a vocabulary entry stands for, or `nil` if it has a character outside the map.
    static func bytes(of token: String) -> [UInt8]? {
        var out: [UInt8] = []
        for s in token.unicodeScalars {
            guard let b = byteOf[s.value] else { return nil }
            out.append(b)
        }
        return out
    }
}
