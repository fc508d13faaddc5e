import CShims

/// A regular expression of a tokenizer's pre-tokenizer, run by ICU over UTF-8 bytes.
///
/// Hugging Face `tokenizers` compiles these patterns with Oniguruma. ICU reads the same syntax
/// for everything the published tokenizer files use (`\p{L}`, `(?i:…)`, `(?!\S)`, classes),
/// with one difference that changes matches: Oniguruma's `\s` is the Unicode White_Space
/// property, ICU's leaves out U+000B and U+0085. Patterns are rewritten to say
/// `\p{White_Space}` / `\P{White_Space}` explicitly. Not thread-safe: ICU keeps the matcher
/// state, so each ``TokenCounter`` compiles its own.
final class UnicodeRegex {
    private let handle: OpaquePointer

    init(pattern: String) throws {
        let translated = Self.translate(pattern)
        var status: Int32 = 0
        var offset: Int32 = -1
        let handle = translated.withCString { p in
            ccs_regex_open(p, Int32(translated.utf8.count), &status, &offset)
        }
        guard let handle else {
            throw TokenizerError.invalidRegex(
                pattern: pattern, status: String(cString: ccs_error_name(status)), offset: Int(offset))
        }
        self.handle = handle
    }

    deinit { ccs_regex_close(handle) }

    /// Rewrites `\s` and `\S` (outside and inside classes) to the White_Space property.
    static func translate(_ pattern: String) -> String {
        var out = ""
        var escaped = false
        for ch in pattern {
            if escaped {
                switch ch {
                case "s": out += "\\p{White_Space}"
                case "S": out += "\\P{White_Space}"
                default: out += "\\" + String(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        if escaped { out += "\\" }
        return out
    }

    /// Calls `body` with the byte range of each non-empty match in `bytes`, left to right.
    func forEachMatch(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var status: Int32 = 0
        let rc = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            ccs_regex_set_text(handle, $0, Int64(bytes.count), &status)
        }
        guard rc == 0 else { throw TokenizerError.icu(operation: "matching", status: Self.name(status)) }
        var start: Int64 = 0
        var end: Int64 = 0
        while true {
            let found = ccs_regex_next(handle, &start, &end, &status)
            if found < 0 { throw TokenizerError.icu(operation: "matching", status: Self.name(status)) }
            if found == 0 { return }
            if end > start { body(Int(start), Int(end)) }
        }
    }

    static func name(_ status: Int32) -> String { String(cString: ccs_error_name(status)) }
}
