import Foundation
import Testing

@testable import Formats

@Suite struct FastJSONParserTests {
    private func parse(_ bytes: [UInt8]) throws -> Any {
        try bytes.withUnsafeBufferPointer { try FastJSONParser.parse($0) }
    }

    private func parse(_ text: String) throws -> Any { try parse(Array(text.utf8)) }

    @Test func valuesAndEscapes() throws {
        let v = try parse(
            #" {"a": "x\"y\\z\/\n\t\u00e9\u4e2d\ud83d\ude00", "b": [1, -2.5, 3e2, true, false, null], "c": {}} "#)
        let o = try #require(v as? [String: Any])
        #expect(o["a"] as? String == "x\"y\\z/\n\té中😀")
        let b = try #require(o["b"] as? [Any])
        #expect(b[0] as? Int == 1)
        #expect(b[1] as? Double == -2.5)
        #expect(b[2] as? Double == 300)
        #expect(b[3] as? Bool == true && b[4] as? Bool == false && b[5] is NSNull)
        #expect((o["c"] as? [String: Any])?.isEmpty == true)
    }

    @Test(arguments: [
        (#"{"a": "\ud800"}"#, "lone surrogate"),
        (#"{"a": "\udc00x"}"#, "lone surrogate"),
        (#"{"a": 1} x"#, "unexpected bytes after the value"),
        (#"{"a": tru}"#, "expected true"),
        (#"{"a": "open"#, "ends inside a string"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"[1, 2"#, "ends inside an array"),
        ("{\"a\": \"tab\there\"}", "control character"),
        (#"{"a": "\x"}"#, "invalid escape"),
        (#"-"#, "expected a value"),
    ])
    func errors(_ text: String, _ reason: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    /// Foundation's JSONSerialization on Linux drops these; a vocabulary or a record may hold them.
    @Test func aLeadingByteOrderMarkInAStringIsKept() throws {
        let v = try #require(try parse("{\"\u{FEFF}\": \"\u{FEFF}x\", \"k\": \"\\ufeffy\"}") as? [String: Any])
        #expect(v["\u{FEFF}"] as? String == "\u{FEFF}x")
        #expect(v["k"] as? String == "\u{FEFF}y")
    }

    @Test func invalidUTF8InAStringIsAnError() {
        #expect(throws: FastJSONParser.Failure.self) {
            _ = try parse(Array(#"{"a": ""#.utf8) + [0xFF] + Array(#""}"#.utf8))
        }
    }

    @Test func agreesWithJSONSerialization() throws {
        let samples = [
            #"{"id": "66623028", "conversations": [{"from": "human", "value": "你好\n"}, {"from": "assistant", "value": "嗨 \"引号\""}]}"#,
            #"{"instruction": "a\\b", "input": "", "output": "\u00e9 \ud83d\ude00", "n": 12345678901}"#,
            #"[{"x": [[], {}, [1, [2, [3]]]]}]"#,
        ]
        for text in samples {
            let ours = try parse(text)
            let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            let a = try JSONSerialization.data(withJSONObject: ours, options: [.sortedKeys])
            let b = try JSONSerialization.data(withJSONObject: theirs, options: [.sortedKeys])
            #expect(a == b, "\(text)")
        }
    }

    /// The record form (``JSONValue``) holds what the dictionary form holds, and fails where it fails.
    @Test func recordFormAgreesWithTheDictionaryForm() throws {
        func plain(_ v: JSONValue) -> Any {
            switch v {
            case .string(let s): return s
            case .integer(let n): return n
            case .double(let d): return d
            case .bool(let b): return b
            case .null: return NSNull()
            case .array(let items): return items.map(plain)
            case .object(let members):
                var d: [String: Any] = [:]
                for (k, v) in members { d[k] = plain(v) }
                return d
            }
        }
        let samples = [
            #"{"id": "66623028", "conversations": [{"from": "human", "value": "你好\n"}, {"from": "gpt", "value": "嗨"}]}"#,
            #"{"instruction": "a\\b", "input": "", "output": "\u00e9 \ud83d\ude00", "n": 12345678901, "x": null}"#,
            #"[0, -7, 1.5, 2e3, 99999999999999999999, true, false, null, "", {"": 1}]"#, #"[tru]"#, #"[-]"#,
            #"{"a": 1e}"#, #"[1.]"#,
            #"[{"x": [[], {}, [1, [2, [3]]]]}, true, -0.5]"#,
            #"{"a": "1", "b": {"a": 2}, "a": "3"}"#,
            #"{"a": "\ud800"}"#, #"{"a": 1} x"#, #"{"a": "open"#, #"[1, 2"#, #"{"a" 1}"#,
        ]
        for text in samples {
            let bytes = Array(text.utf8)
            let dictionary = bytes.withUnsafeBufferPointer { b in Result { try FastJSONParser.parse(b) } }
            let record = bytes.withUnsafeBufferPointer { b in Result { try FastJSONParser.parseRecord(b) } }
            switch (dictionary, record) {
            case (.success(let a), .success(let b)):
                let x = try JSONSerialization.data(withJSONObject: a, options: [.sortedKeys, .fragmentsAllowed])
                let y = try JSONSerialization.data(withJSONObject: plain(b), options: [.sortedKeys, .fragmentsAllowed])
                #expect(x == y, "\(text)")
            case (.failure(let a), .failure(let b)):
                #expect("\(a)" == "\(b)")
            default:
                Issue.record("the two forms disagree on \(text)")
            }
        }
    }

    @Test func recordLookupTakesTheLastOfARepeatedKey() throws {
        let v = try Array(#"{"b": "1", "a": [], "b": "2"}"#.utf8).withUnsafeBufferPointer {
            try FastJSONParser.parseRecord($0)
        }
        #expect(v["b"]?.string == "2")
        #expect(v["a"]?.array?.isEmpty == true)
        #expect(v["c"] == nil && v["a"]?.string == nil)
        #expect(v.keys == ["a", "b"])
        #expect(v.isObject && !(v["a"]?.isObject ?? true))
    }
}
