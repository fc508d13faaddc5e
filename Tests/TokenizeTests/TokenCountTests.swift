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
    static let sharedDir = root.appendingPathComponent("../../../../shared/tokenizers").standardized.path

    static let strings: [String] = {
        let text = try! String(contentsOf: root.appendingPathComponent("token-strings.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            try! JSONSerialization.jsonObject(with: Data(line.utf8), options: .fragmentsAllowed) as! String
        }
    }()

    /// `(count, raw count)` per string.
    static func expected(_ name: String) -> [(Int, Int)] {
        let text = try! String(contentsOf: root.appendingPathComponent("expected/\(name).tsv"), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t")
            return (Int(f[0])!, Int(f[1])!)
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
        guard let p = path(name) else { return nil }
        let t = try Tokenizer(path: p)
        loaded[name] = t
        return t
    }
}

@Suite struct TokenCountTests {
    @Test(arguments: TokenFixtures.committed + TokenFixtures.shared)
    func countsMatchTheTokenizersLibrary(name: String) throws {
        guard let tokenizer = try TokenFixtures.tokenizer(name) else { return }  // ../shared absent
        let counter = try tokenizer.makeCounter()
        let expected = TokenFixtures.expected(name)
        #expect(expected.count == TokenFixtures.strings.count)
        var mismatches: [String] = []
        for (s, (full, raw)) in zip(TokenFixtures.strings, expected) {
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
