import Formats
import Foundation
import Testing

@testable import Tokenize

/// The committed strings and the counts the Hugging Face tokenizers library gives for them
/// (scripts/token_counts.py), compared with ours.
enum TokenFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// The tokenizers committed here (small), and those read from ../shared when it is present.
    static let committed = ["zh-en-bbpe-16k", "bert-minilm-wordpiece", "mistral-7b-v0.1"]
    static let shared = ["qwen2.5", "glm4-0414", "deepseek-v3", "gpt2"]
    /// Layouts made from a committed tokenizer by the same edit as scripts/token_counts.py's
    /// VARIANTS: Mistral with a Metaspace pre-tokenizer instead of its normalizer.
    static let variants: [String: (base: String, scheme: String, split: Bool)] = [
        "mistral-metaspace-first": ("mistral-7b-v0.1", "first", false),
        "mistral-metaspace-always-split": ("mistral-7b-v0.1", "always", true),
    ]
    static let sharedDir = root.appendingPathComponent("../../../../shared/tokenizers").standardized.path

    /// The committed strings, one JSON string per line.
    static func strings() throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("token-strings.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let value = try JSONSerialization.jsonObject(with: Data(line.utf8), options: .fragmentsAllowed)
            return try #require(value as? String, "not a JSON string: \(line)")
        }
    }

    /// `(count, raw count)` per string.
    static func expected(_ name: String) throws -> [(Int, Int)] {
        let text = try String(contentsOf: root.appendingPathComponent("expected/\(name).tsv"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t")
            return (try #require(Int(f[0]), "\(line)"), try #require(Int(f[1]), "\(line)"))
        }
    }

    static func path(_ name: String) -> String? {
        if committed.contains(name) { return root.appendingPathComponent("tokenizers/\(name).json.zst").path }
        let p = "\(sharedDir)/\(name)/tokenizer.json"
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var loaded: [String: Tokenizer] = [:]

    static func tokenizer(_ name: String) throws -> Tokenizer? {
        lock.lock()
        defer { lock.unlock() }
        if let t = loaded[name] { return t }
        let t: Tokenizer
        if let v = variants[name] {
            t = try variant(base: v.base, scheme: v.scheme, split: v.split)
        } else {
            guard let p = path(name) else { return nil }
            t = try Tokenizer(path: p)
        }
        loaded[name] = t
        return t
    }

    /// Edits the file's text rather than round-tripping it through `JSONSerialization`, which
    /// on Linux drops a leading U+FEFF from strings (Mistral's vocabulary has the token "\u{FEFF}").
    private static func variant(base: String, scheme: String, split: Bool) throws -> Tokenizer {
        let text = String(decoding: try InputFile.readAll(try #require(path(base))), as: UTF8.self)
        let legacy =
            #""normalizer":{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},"#
            + #"{"type":"Replace","pattern":{"String":" "},"content":"▁"}]},"pre_tokenizer":null,"#
        let metaspace =
            #""normalizer":null,"pre_tokenizer":{"type":"Metaspace","replacement":"▁","#
            + #""prepend_scheme":"\#(scheme)","split":\#(split)},"#
        guard text.contains(legacy) else { throw TokenizerError.invalidFile(path: base, reason: "no legacy layout") }
        let file = NSTemporaryDirectory() + "variant-\(UUID().uuidString).json"
        try text.replacingOccurrences(of: legacy, with: metaspace).write(
            toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try Tokenizer(path: file)
    }
}

@Suite struct TokenCountTests {
    @Test(arguments: TokenFixtures.committed + TokenFixtures.shared + TokenFixtures.variants.keys.sorted())
    func countsMatchTheTokenizersLibrary(name: String) throws {
        guard let tokenizer = try TokenFixtures.tokenizer(name) else { return }  // ../shared absent
        let counter = try tokenizer.makeCounter()
        let expected = try TokenFixtures.expected(name)
        let strings = try TokenFixtures.strings()
        #expect(expected.count == strings.count)
        var mismatches: [String] = []
        for (s, (full, raw)) in zip(strings, expected) {
            let got = try counter.count(s)
            let ids = try counter.encode(s)
            if got != full || ids.count != raw {
                mismatches.append("\(s.debugDescription.prefix(80)): \(got)/\(ids.count) expected \(full)/\(raw)")
            }
        }
        #expect(
            mismatches.isEmpty,
            "\(name): \(mismatches.count) mismatches:\n\(mismatches.prefix(15).joined(separator: "\n"))")
    }
}
