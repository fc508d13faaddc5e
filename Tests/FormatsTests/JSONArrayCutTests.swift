import Foundation
import Testing

@testable import Formats

/// The array reader cuts a top-level JSON array into its elements without parsing them.
///
/// These tests build arrays whose elements and byte offsets are known, and read them back through
/// buffers small enough that elements, strings and escapes span reads.
@Suite struct JSONArrayCutTests {
    /// A deterministic generator, so a failure can be replayed.
    struct Rand {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// A string literal whose contents are the JSON bytes that matter to the cutter: escaped
    /// quotes and backslashes, brackets, commas, and runs long enough for the 16-byte scan.
    static func string(_ r: inout Rand) -> String {
        let pieces = [
            #"\""#, #"\\"#, "[", "]", "{", "}", ",", " ", "问题", #"\n"#, "<p class=\\\"x\\\">",
            "abcdefghijklmnopqrstuvwxyz", #"\u00e9"#,
        ]
        var s = "\""
        for _ in 0..<r.next(8) { s += pieces[r.next(pieces.count)] }
        return s + "\""
    }

    /// An element: an object or array (possibly nested), or a scalar.
    static func element(_ r: inout Rand, depth: Int = 0) -> String {
        switch depth > 2 ? 3 + r.next(3) : r.next(6) {
        case 0:
            let fields = (0..<r.next(4)).map { _ in "\(string(&r)): \(element(&r, depth: depth + 1))" }
            return "{" + fields.joined(separator: ", ") + "}"
        case 1, 2:
            return "[" + (0..<r.next(4)).map { _ in element(&r, depth: depth + 1) }.joined(separator: ",") + "]"
        case 3: return string(&r)
        case 4: return ["0", "-12.5e3", "true", "null"][r.next(4)]
        default: return "{\"id\": \(string(&r)), \"value\": [\(string(&r)), {}]}"
        }
    }

    /// What the reader gives for `path`: each element's bytes and offset, unparsed, and the
    /// malformed items' reasons.
    static func read(_ path: String, bufferBytes: Int) throws -> [(raw: String, position: Int)] {
        let reader = try JSONRecordReader(path: path, bufferBytes: bufferBytes)
        #expect(reader.layout == .array)
        var out: [(raw: String, position: Int)] = []
        while let item = try reader.next(parsing: false) {
            switch item {
            case .unparsed(let raw, let position): out.append((String(decoding: raw, as: UTF8.self), position))
            case .malformed(let why, let raw, let position):
                out.append(("MALFORMED \(why): " + String(decoding: raw, as: UTF8.self), position))
            case .value: Issue.record("parsed although parsing was off")
            }
        }
        return out
    }

    @Test func cutsRandomArraysAtEveryBufferSize() throws {
        let dir = try TempDir()
        var r = Rand(state: 7)
        for trial in 0..<300 {
            var text = r.next(2) == 0 ? "[" : " \n[ "
            var expected: [(raw: String, position: Int)] = []
            let count = r.next(6)
            for k in 0..<count {
                if k > 0 {
                    let separator = [",", " ,\n", ",,"][r.next(3)]
                    // White space before the comma ends the scalar before it.
                    if separator.hasPrefix(" "),
                        !(expected[k - 1].raw.hasPrefix("{") || expected[k - 1].raw.hasPrefix("["))
                    {
                        expected[k - 1].raw += " "
                    }
                    text += separator + String(repeating: " ", count: r.next(3))
                }
                let e = Self.element(&r)
                // A scalar ends at the next comma or at the array's `]`: white space before them
                // belongs to it.
                let isScalar = !(e.hasPrefix("{") || e.hasPrefix("["))
                let tail = isScalar ? String(repeating: " ", count: r.next(2)) : ""
                expected.append((e + tail, text.utf8.count))
                text += e + tail
            }
            let spaced = count > 0 && r.next(2) == 0
            if spaced, let last = expected.last, !(last.raw.hasPrefix("{") || last.raw.hasPrefix("[")) {
                expected[expected.count - 1].raw += " "
            }
            text += spaced ? " ]\n" : "]"
            let path = dir.file("a\(trial).json", Array(text.utf8))
            for bufferBytes in [16, 17, 31, 64, 1 << 20] {
                let got = try Self.read(path, bufferBytes: bufferBytes)
                #expect(got.map(\.raw) == expected.map(\.raw), "trial \(trial), buffer \(bufferBytes): \(text)")
                #expect(got.map(\.position) == expected.map(\.position), "trial \(trial), buffer \(bufferBytes)")
            }
        }
    }

    /// A closing bracket of the wrong kind ends its element there (which then does not parse),
    /// and the elements after it are read as usual.
    @Test func aLostBracketDoesNotSwallowTheElementsAfterIt() throws {
        let dir = try TempDir()
        let text = #"[{"a": [}, {"b": "]"}, 2, {"c": [1}, 1}, 3, {"d": {}}]"#
        let path = dir.file("lost.json", Array(text.utf8))
        for bufferBytes in [16, 1 << 20] {
            let got = try Self.read(path, bufferBytes: bufferBytes)
            #expect(got.map(\.raw) == [#"{"a": [}"#, #"{"b": "]"}"#, "2", #"{"c": [1}"#, "1}", "3", #"{"d": {}}"#])
            #expect(got.map(\.position) == [1, 11, 23, 26, 37, 41, 44])
        }
        // Read whole, the malformed elements are reported as such and the others parse.
        let reader = try JSONRecordReader(path: path)
        var kinds: [String] = []
        while let item = try reader.next() {
            switch item {
            case .value: kinds.append("value")
            case .malformed: kinds.append("malformed")
            case .unparsed: kinds.append("unparsed")
            }
        }
        #expect(kinds == ["malformed", "value", "value", "malformed", "malformed", "value", "value"])
    }

    /// An element longer than the reader's limit (a lost quote makes the rest of a file one
    /// string) stops the file with an error naming its offset; so does a JSON Lines line.
    @Test func aRecordLongerThanTheLimitStopsTheFile() throws {
        let dir = try TempDir()
        let text = #"[{"a": 1}, {"b": "# + String(repeating: "y", count: 300) + "\"}]"
        let path = dir.file("big.json", Array(text.utf8))
        let reader = try JSONRecordReader(path: path, bufferBytes: 16, maxRecordBytes: 100)
        #expect(try reader.next(parsing: false) != nil)
        #expect(throws: FormatsError.elementTooLong(path: path, offset: 11, limit: 100)) {
            try reader.next(parsing: false)
        }
        let whole = try JSONRecordReader(path: path, bufferBytes: 16, maxRecordBytes: 400)
        var n = 0
        while try whole.next(parsing: false) != nil { n += 1 }
        #expect(n == 2)
        let lines = dir.file(
            "big.jsonl", Array((#"{"a": 1}"# + "\n" + #"{"b": ""# + String(repeating: "y", count: 300) + "\"}\n").utf8))
        let jsonl = try JSONRecordReader(path: lines, maxRecordBytes: 100)
        #expect(try jsonl.next(parsing: false) != nil)
        #expect(throws: FormatsError.lineTooLong(path: lines, line: 2, limit: 100)) { try jsonl.next(parsing: false) }
    }

    /// On arbitrary bytes of JSON's punctuation the cutter ends, and every element it gives is
    /// the file's bytes at its offset, the offsets rising, at every buffer size alike.
    @Test func arbitraryPunctuationIsCutIntoBytesOfTheFile() throws {
        let dir = try TempDir()
        var r = Rand(state: 3)
        let alphabet = Array(#"{}[]"\, a1"#.utf8)
        for trial in 0..<300 {
            let body = (0..<r.next(80)).map { _ in alphabet[r.next(alphabet.count)] }
            let bytes = Array("[".utf8) + body + (r.next(2) == 0 ? Array("]".utf8) : [])
            let path = dir.file("p\(trial).json", bytes)
            var first: [(raw: String, position: Int)]?
            for bufferBytes in [16, 23, 1 << 20] {
                let got = try Self.read(path, bufferBytes: bufferBytes)
                var last = -1
                for item in got where !item.raw.hasPrefix("MALFORMED") {
                    let raw = Array(item.raw.utf8)
                    #expect(item.position > last && item.position + raw.count <= bytes.count, "trial \(trial)")
                    if item.position + raw.count <= bytes.count {
                        #expect(Array(bytes[item.position..<item.position + raw.count]) == raw, "trial \(trial)")
                    }
                    last = item.position
                }
                if let first {
                    #expect(got.map(\.raw) == first.map(\.raw) && got.map(\.position) == first.map(\.position))
                } else {
                    first = got
                }
            }
        }
    }

    @Test func aTruncatedArrayEndsWithItsPartialElementOrSaysItIsNotClosed() throws {
        let dir = try TempDir()
        let whole = #"[{"a": "x\"]}"}, {"b": ["# + String(repeating: "y", count: 40)
        let path = dir.file("cut.json", Array(whole.utf8))
        for bufferBytes in [16, 1 << 20] {
            let got = try Self.read(path, bufferBytes: bufferBytes)
            #expect(got.count == 2)
            #expect(got.first?.raw == #"{"a": "x\"]}"}"#)
            #expect(got.last?.raw.hasPrefix("MALFORMED the file ends inside this element") == true)
            #expect(got.last?.raw.hasSuffix(#"{"b": ["# + String(repeating: "y", count: 40)) == true)
            #expect(got.last?.position == 17)
        }
        let open = dir.file("open.json", Array(#"[{"a": 1}, "#.utf8))
        let got = try Self.read(open, bufferBytes: 16)
        #expect(got.map(\.raw) == [#"{"a": 1}"#, "MALFORMED the array is not closed with ]: "])
        #expect(got.last?.position == 11)
    }
}
