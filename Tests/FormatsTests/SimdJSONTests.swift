import Testing

@testable import Formats

/// simdjson's record parse (the fast path of ``JSONRecordReader/parseRecord(_:)``) must give
/// exactly what ``FastJSONParser`` gives, and leave every record it refuses to it.
@Suite struct SimdJSONTests {
    /// The value spelled out exactly: member order and repeats, integer or double, the double's bits.
    private func spelled(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return "s\(Array(s.utf8))"
        case .integer(let n): return "i\(n)"
        case .double(let d): return "d\(d.bitPattern)"
        case .bool(let b): return "b\(b)"
        case .null: return "n"
        case .array(let items): return "[" + items.map(spelled).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { "\(Array($0.key.utf8)):\(spelled($0.value))" }.joined(separator: ",") + "}"
        }
    }

    private func both(_ text: String) -> (simd: JSONValue?, swift: Result<JSONValue, any Error>) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { b in
            (SimdJSON.parseRecord(b), Result { try FastJSONParser.parseRecord(b) })
        }
    }

    static let valid = [
        #"{"id": "66623028", "conversations": [{"from": "human", "value": "你好\n"}, {"from": "gpt", "value": "嗨"}]}"#,
        #"{"instruction": "a\\b\"c\/d\b\f\r\t", "input": "", "output": "\u00e9 \ud83d\ude00 \u0000", "x": null}"#,
        #"[0, -7, -0, 1.5, -0.0, 2e3, 1E-2, 0.1, 12345678901, 9223372036854775807, -9223372036854775808]"#,
        #"[18446744073709551615, 9223372036854775808, 1e-400, 123456789.123456789e-5, true, false, null]"#,
        #"[{"x": [[], {}, [1, [2, [3]]]]}, "", {"": 1}]"#,
        #"{"a": "1", "b": {"a": 2}, "a": "3"}"#,
        " \t\r\n {\"k\" :\n[ 1 , \"v\" ] }\n ",
        "\"\(String(repeating: "长句子，", count: 300))\"",
    ]

    @Test(arguments: valid)
    func givesWhatTheSwiftParserGives(_ text: String) throws {
        let (simd, swift) = both(text)
        let fast = try #require(simd, "simdjson refused \(text)")
        #expect(spelled(fast) == spelled(try swift.get()))
    }

    static let refused = [
        #"{"a": "\ud800"}"#, #"{"a": "\udc00x"}"#, #"{"a": "\udc00\ud800"}"#, #"{"a": 1} x"#, #"{"a": "open"#,
        #"[1, 2"#, #"{"a" 1}"#, #"[1,]"#, #"{"a": tru}"#, #"[01]"#, #"[1.]"#, #"[-]"#, #"{"a": "\x"}"#,
        "{\"a\": \"tab\there\"}", "\u{FEFF}{\"a\": 1}", "",
        // JSON, but past simdjson's numbers: the Swift parser takes these.
        #"[99999999999999999999]"#, #"[-9223372036854775809]"#, #"[1e400]"#,
    ]

    /// Read in place (with padding bytes of any value after it), a record parses as it does
    /// copied: every valid record, and every refused one is refused, whatever follows it.
    @Test(arguments: valid + refused)
    func parsesInPlaceAsCopied(_ text: String) {
        let copied = Array(text.utf8).withUnsafeBufferPointer { b in SimdJSON.withRecord(b) { spelled($0.value()) } }
        for filler: UInt8 in [0, 0x22, 0x5D, 0x7D, 0x5C, 0xFF] {
            var bytes = Array(text.utf8)
            let count = bytes.count
            bytes += Array(repeating: filler, count: SimdJSON.padding)
            let inPlace = bytes.withUnsafeBufferPointer { b in
                SimdJSON.withRecord(UnsafeBufferPointer(rebasing: b[..<count]), padded: true) { spelled($0.value()) }
            }
            #expect(inPlace == copied, "\(text) then \(filler)")
        }
    }

    /// The readers hand out records that simdjson can parse in place: an array's elements
    /// (slices of the blocks read, kept after the reader has moved on, elements that span
    /// blocks included) parse in place as copies of them do, and a chunk of JSON lines leaves
    /// the room after its last line.
    @Test(arguments: [16, 37, 4096])
    func readersHandOutRecordsToParseInPlace(_ bufferBytes: Int) throws {
        let dir = try TempDir()
        let elements = (0..<200).map { i in
            #"{"id": "\#(i)", "t": ["\#(String(repeating: "字", count: i % 23))", \#(i)]}"#
        }
        let array = dir.file("a.json", Array(("[" + elements.joined(separator: ", ") + "]").utf8))
        let reader = try JSONRecordReader(path: array, bufferBytes: bufferBytes)
        var raws: [ArraySlice<UInt8>] = []
        while let item = try reader.next(parsing: false) {
            guard case .unparsed(let raw, _) = item else {
                Issue.record("\(item)")
                continue
            }
            raws.append(raw)
        }
        #expect(raws.map { String(decoding: $0, as: UTF8.self) } == elements)
        for raw in raws {
            let inPlace = raw.withUnsafeBufferPointer { b in
                SimdJSON.withRecord(b, padded: true) { spelled($0.value()) }
            }
            let copied = Array(raw).withUnsafeBufferPointer { b in SimdJSON.withRecord(b) { spelled($0.value()) } }
            #expect(inPlace != nil && inPlace == copied)
        }
        let lines = dir.file("l.jsonl", Array("{\"a\": 1}\n{\"b\": 2}".utf8))
        let lineReader = try JSONRecordReader(path: lines)
        let chunk = try #require(try lineReader.nextLineChunk(minBytes: 1 << 20, scan: { _ in }))
        #expect(chunk.isPadded)
    }

    @Test(arguments: refused)
    func leavesWhatItRefusesToTheSwiftParser(_ text: String) {
        let (simd, _) = both(text)
        #expect(simd == nil, "simdjson took \(text)")
    }

    @Test func theReaderFallsBackForTheReasonAndForBigNumbers() throws {
        func read(_ text: String) -> Result<JSONValue, JSONRecordReader.Problem> {
            Array(text.utf8).withUnsafeBufferPointer { JSONRecordReader.parseRecord($0) }
        }
        let big = try read(#"{"n": 99999999999999999999, "m": 1e400}"#).get()
        #expect(big["n"].map(spelled) == "d\(Double(99999999999999999999.0).bitPattern)")
        #expect(big["m"].map(spelled) == "d\(Double.infinity.bitPattern)")
        guard case .failure(let p) = read(#"{"a": "x", "b": tru}"#) else {
            Issue.record("a bad record parsed")
            return
        }
        #expect(p.reason.contains("expected true at byte 16"), "\(p.reason)")
        guard case .failure(let s) = read(#"{"a": "\ud800"}"#) else {
            Issue.record("a lone surrogate parsed")
            return
        }
        #expect(s.reason.hasPrefix("a lone surrogate escape \\uD800"), "\(s.reason)")
    }

    /// Every thread has its own simdjson parser: records parsed at once on several threads come
    /// out whole.
    @Test func parsesOnSeveralThreadsAtOnce() async {
        let texts = (0..<64).map { #"{"i": \#($0), "t": "\#(String(repeating: "字", count: $0 * 7))"}"# }
        await withTaskGroup(of: Bool.self) { group in
            for (i, text) in texts.enumerated() {
                group.addTask {
                    let v = Array(text.utf8).withUnsafeBufferPointer { SimdJSON.parseRecord($0) }
                    guard case .integer(let n)? = v?["i"], let t = v?["t"]?.string else { return false }
                    return n == i && t == String(repeating: "字", count: i * 7)
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
