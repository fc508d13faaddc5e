import Foundation
import Testing

@testable import Tokenize

@Suite struct TokenizerFileTests {
    private func load(_ json: String) throws -> Tokenizer {
        let path = NSTemporaryDirectory() + "tok-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Tokenizer(path: path)
    }

    /// A minimal byte-level BPE: "ab" merges, "b" + "c" does too.
    private let tiny = """
        {"added_tokens": [{"id": 9, "content": "<x>", "special": true, "normalized": false}],
         "normalizer": null,
         "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
         "post_processor": {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<x>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "special_tokens": {"<x>": {"id": "<x>", "ids": [9], "tokens": ["<x>"]}}},
         "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "bc": 4, "Ġ": 5, "Ġa": 6},
                   "merges": ["a b", "b c", "Ġ a"]}}
        """

    @Test func mergesFollowRankAndSpecialsAreCounted() throws {
        let t = try load(tiny)
        let c = try t.makeCounter()
        #expect(try c.encode("abc") == [3, 2])  // "a b" ranks before "b c"
        #expect(try c.encode("bc") == [4])
        #expect(try c.encode("ab ab") == [3, 5, 3])  // " ab": "a b" ranks before "Ġ a"
        #expect(try c.encode(" a") == [6])
        #expect(try c.encode("a<x>a") == [0, 9, 0])  // the added token is matched first
        #expect(try c.count("abc") == 3)  // + the template's <x>
        #expect(t.specialTokensAdded == 1)
        #expect(t.kind == "bpe-byte-level")
        #expect(t.sha256.count == 64)
    }

    @Test func unsupportedComponentsAreRefusedByName() {
        let cases = [
            (#"{"model": {"type": "Unigram", "vocab": {}}}"#, "the Unigram model"),
            (
                #"{"pre_tokenizer": {"type": "Digits"}, "model": {"type": "BPE", "vocab": {}, "merges": []}}"#,
                "the Digits pre-tokenizer"
            ),
            (
                #"{"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Metaspace"}]}, "model": {"type": "BPE", "vocab": {}, "merges": []}}"#,
                "a Metaspace pre-tokenizer after another one"
            ),
            (
                #"{"normalizer": {"type": "Precompiled"}, "model": {"type": "BPE", "vocab": {}, "merges": []}}"#,
                "the Precompiled normalizer"
            ),
            (
                #"{"model": {"type": "BPE", "vocab": {}, "merges": []}, "added_tokens": [{"id": 1, "content": "x", "lstrip": true}]}"#,
                "added tokens with lstrip"
            ),
        ]
        for (json, what) in cases {
            do {
                _ = try load(json)
                Issue.record("\(what) was accepted")
            } catch let e as TokenizerError {
                guard case .unsupported(_, let component) = e else {
                    Issue.record("\(what): \(e)")
                    continue
                }
                #expect(component == what)
            } catch {
                Issue.record("\(what): \(error)")
            }
        }
    }

    @Test func brokenFilesNameTheProblem() throws {
        #expect(throws: TokenizerError.self) {
            try load(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}"#)
        }
        do {
            _ = try load(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [}"#)
            Issue.record("invalid JSON was accepted")
        } catch {
            #expect("\(error)".contains("is not valid JSON"))
            #expect("\(error)".contains("at byte 56"))
        }
    }

    @Test func theEstimateUsesPerScriptRates() {
        let e = TokenEstimator()
        #expect(e.count("") == 0)
        #expect(e.count(String(repeating: "中", count: 7)) == 5)  // 7 / 1.4
        #expect(e.count(String(repeating: "a", count: 16)) == 5)  // 16 / 3.2
        #expect(e.count("a") == 1)  // rounded up
        // Inside a ``` fence, 2.5 characters a token: the fence lines count as code too.
        let code = "```\n" + String(repeating: "x", count: 17) + "\n```"
        #expect(e.count(code) == (code.count * 224 + 559) / 560)
    }
}
