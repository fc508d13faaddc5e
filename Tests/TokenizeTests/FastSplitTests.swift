import Testing

@testable import Tokenize

/// A small deterministic random number generator for the property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct FastSplitTests {
    static let qwen =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let llama3 =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// Characters that exercise every alternative and class boundary.
    static let alphabet: [String] = [
        "'", "'", "s", "S", "ſ", "t", "T", "r", "e", "E", "v", "m", "l", "L", "d", "a", "中", "文", "é", "e\u{301}",
        "\u{301}", "1", "2", "3", "١", "²", "①", "Ⅻ", " ", " ", " ", "\t", "\r", "\n", "\r\n", "\u{3000}", "\u{A0}",
        "\u{85}", "\u{B}", "\u{2028}", "\u{200B}", "\u{FEFF}", ",", ".", "!", "？", "，", "(", "😀", "👍🏽", "_", "-", "$",
        "𠀀", "ǅ", "ʰ",
    ]

    static func pieces(_ text: String, pattern: String, fast: Bool) throws -> [String] {
        let runner = try PreTokenizerRunner(
            .split(pattern: .regex(pattern), behavior: .isolated, invert: false), fast: fast)
        var bytes = Array(text.utf8)
        var ranges: [Range<Int>] = []
        try bytes.withUnsafeMutableBufferPointer { try runner.split(UnsafeBufferPointer($0), into: &ranges) }
        return ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test(arguments: [qwen, llama3, PreTokenizer.gpt2Pattern])
    func matchesTheRegexEngineOnRandomText(pattern: String) throws {
        #expect(FastSplit(pattern: pattern) != nil)
        var rng = SplitMix64(state: 7)
        var differences: [String] = []
        for _ in 0..<3000 {
            let n = Int.random(in: 1...24, using: &rng)
            let text = (0..<n).map { _ in Self.alphabet.randomElement(using: &rng)! }.joined()
            let fast = try Self.pieces(text, pattern: pattern, fast: true)
            let icu = try Self.pieces(text, pattern: pattern, fast: false)
            if fast != icu { differences.append("\(text.debugDescription): \(fast) vs \(icu)") }
        }
        #expect(differences.isEmpty, "\(differences.count) differ, e.g. \(differences.prefix(5))")
    }

    @Test func knownSplits() throws {
        #expect(
            try Self.pieces("I'M here  now\n\n", pattern: Self.qwen, fast: true) == [
                "I", "'M", " here", " ", " now", "\n\n",
            ])
        #expect(try Self.pieces("12345", pattern: Self.llama3, fast: true) == ["123", "45"])
        #expect(try Self.pieces("12345", pattern: Self.qwen, fast: true) == ["1", "2", "3", "4", "5"])
        #expect(try Self.pieces("你好，世界！", pattern: Self.qwen, fast: true) == ["你好", "，世界", "！"])
        #expect(FastSplit(pattern: #"\p{N}{1,3}"#) == nil)
    }
}
