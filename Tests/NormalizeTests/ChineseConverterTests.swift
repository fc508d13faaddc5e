import Foundation
import Normalize
import Testing

/// One row of `Fixtures/t2s-cases.tsv`.
struct ConversionCase: CustomTestStringConvertible, Sendable {
    var category: String
    var input: String
    var t2s: String
    var tw2sp: String
    var line: Int

    var testDescription: String { "\(line): \(category): \(input)" }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/t2s-cases.tsv")

    static let all: [ConversionCase] = {
        guard let text = try? String(contentsOf: fixture, encoding: .utf8) else { return [] }
        var cases: [ConversionCase] = []
        for (i, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 4 else { continue }
            cases.append(
                ConversionCase(category: f[0], input: f[1], t2s: f[2], tw2sp: f[3] == "=" ? f[2] : f[3], line: i + 1))
        }
        return cases
    }()
}

enum Converters {
    static let t2s = try? ChineseConverter(profile: .t2s)
    static let tw2sp = try? ChineseConverter(profile: .tw2sp)
}

@Suite struct ChineseConverterTests {
    @Test func caseTableIsLargeAndCoversEveryCategory() {
        #expect(ConversionCase.all.count >= 200)
        let categories = Set(ConversionCase.all.map(\.category))
        #expect(categories == ["one-to-many", "classical", "taiwan", "hongkong", "mixed", "astral", "simplified"])
    }

    @Test(arguments: ConversionCase.all)
    func caseTable(_ c: ConversionCase) throws {
        let t2s = try #require(Converters.t2s)
        let tw2sp = try #require(Converters.tw2sp)
        #expect(t2s.convert(c.input) == c.t2s, "t2s")
        #expect(tw2sp.convert(c.input) == c.tw2sp, "tw2sp")
    }

    @Test func simplifiedInputIsUntouchedByEveryProfile() throws {
        for profile in ConversionProfile.allCases {
            let conv = try ChineseConverter(profile: profile)
            for c in ConversionCase.all where c.category == "simplified" {
                #expect(conv.convert(c.input) == c.input, "\(profile)")
            }
        }
    }

    @Test func tw2sKeepsVocabulary() throws {
        let tw2s = try ChineseConverter(profile: .tw2s)
        #expect(tw2s.convert("他看著我的軟體。") == "他看着我的软体。")
        #expect(tw2s.convert("著作權") == "著作权")
    }

    @Test func quotes() throws {
        let keep = try ChineseConverter()
        let mainland = try ChineseConverter(quotes: .mainland)
        let text = "他說：「她說『好』。」"
        #expect(keep.convert(text) == "他说：「她说『好』。」")
        #expect(mainland.convert(text) == "他说：“她说‘好’。”")
        #expect(mainland.convert("「」") == "“”")  // even when nothing else changes
    }

    @Test func extraDictionaryComesFirst() throws {
        let dictionary = try DictionaryFile("乾隆\t干隆 乾隆\n台北車站\t台北站\n\n")
        defer { withExtendedLifetime(dictionary) {} }
        let path = dictionary.path
        let conv = try ChineseConverter(dictionaries: [path])
        #expect(conv.convert("乾隆在台北車站") == "干隆在台北站")
    }

    /// A converter compiled on a thread of its own (``PendingConverter``) converts as one built
    /// at once, for every profile and quote style, once it is ready.
    @Test func pendingConverterConvertsAsTheConverter() throws {
        for profile in ConversionProfile.allCases {
            for quotes in QuoteStyle.allCases {
                let pending = try PendingConverter(profile: profile, quotes: quotes)
                let now = try ChineseConverter(profile: profile, quotes: quotes)
                let later = try pending.converter()
                #expect(pending.isReady)
                #expect(later.characterCount == now.characterCount && later.phraseCount == now.phraseCount)
                for c in ConversionCase.all {
                    #expect(later.convert(c.input) == now.convert(c.input), "\(profile) \(quotes) \(c.input)")
                }
                #expect(later.convert("他說：「好」") == now.convert("他說：「好」"))
            }
        }
    }

    /// Once a profile's converter is built, the next pending converter of that profile and quote
    /// style (another source's, a later run's) is ready at once, and converts the same; one with
    /// a dictionary of its own is built anew, at once too, since the table is in memory.
    @Test func aBuiltConverterServesTheNextSourceAtOnce() throws {
        let dictionary = try DictionaryFile("說\t讲\n")
        defer { withExtendedLifetime(dictionary) {} }
        let path = dictionary.path
        for profile in ConversionProfile.allCases {
            let first = try PendingConverter(profile: profile, quotes: .mainland).converter()
            let next = try PendingConverter(profile: profile, quotes: .mainland)
            #expect(next.isReady, "\(profile)")
            #expect(try next.converter().convert("他說：「好」") == first.convert("他說：「好」"))
            let own = try PendingConverter(profile: profile, quotes: .mainland, dictionaries: [path])
            #expect(own.isReady, "\(profile)")
            #expect(try own.converter().convert("說") == "讲")
        }
    }

    @Test func malformedDictionaryLineNamesFileAndLine() throws {
        let dictionary = try DictionaryFile("好\t好\n沒有值的一行\n")
        defer { withExtendedLifetime(dictionary) {} }
        let path = dictionary.path
        #expect(throws: NormalizeError.dictionary(path: path, line: 2, reason: "expected key<TAB>value")) {
            _ = try ChineseConverter(dictionaries: [path])
        }
        // A pending converter reads its dictionaries before it starts: the error comes at once.
        #expect(throws: NormalizeError.dictionary(path: path, line: 2, reason: "expected key<TAB>value")) {
            _ = try PendingConverter(dictionaries: [path])
        }
    }

    @Test(arguments: [
        ("[common]\n好\t好\n好\t好\n", 3, "\"好\" is already in [common]"),
        ("好\t好\n", 1, "an entry before any [section]"),
        ("[nope]\n", 1, "unknown section [nope] (expected one of common, hk, tw, tw-vocab)"),
        ("[common]\n好\n", 2, "expected key<TAB>value"),
    ])
    func builtInFormatIsValidated(_ text: String, _ line: Int, _ reason: String) {
        #expect(throws: NormalizeError.dictionary(path: "x", line: line, reason: reason)) {
            _ = try PhraseDictionary.parseSections(text, path: "x")
        }
    }

    /// Lines end at `\n`, a `\r` before it is not part of the line (a file saved on Windows
    /// reads as the same file), and a line of white space only (ASCII or Unicode's, such as
    /// U+3000) is blank; numbering counts every line.
    @Test func dictionaryLinesEndAtLineFeedsWithOrWithoutCarriageReturns() throws {
        let sections = try PhraseDictionary.parseSections(
            "# 註\r\n[common]\r\n\u{3000} \t\r\n後來\t后来\r\n\r\n[tw]\n軟體\t软件", path: "x")
        func rows(_ entries: [PhraseDictionary.Entry]?) -> [String] {
            (entries ?? []).map { "\($0.line) \($0.key)=\($0.value)" }
        }
        #expect(rows(sections["common"]) == ["4 後來=后来"])
        #expect(rows(sections["tw"]) == ["7 軟體=软件"])
        #expect(sections.count == 2)
        #expect(rows(try PhraseDictionary.parseOpenCC("說\t说 説\r\n\r\n著\t  着\r\n", path: "y")) == ["1 說=说", "3 著=着"])
        // A character other than white space is no blank line, even where it looks empty.
        #expect(throws: NormalizeError.dictionary(path: "x", line: 2, reason: "expected key<TAB>value")) {
            _ = try PhraseDictionary.parseSections("[common]\n\u{200B}\n", path: "x")
        }
        // A lone `\r` ends no line.
        #expect(throws: NormalizeError.dictionary(path: "y", line: 1, reason: "the value is empty or contains a TAB")) {
            _ = try PhraseDictionary.parseOpenCC("甲\t乙\r丙\t丁\n", path: "y")
        }
    }

    /// Expects `needsConversion` of `text` to say whether the conversion changes it, and counts
    /// which it was.
    private func checkForWork(_ conv: ChineseConverter, _ text: String, _ seen: inout (changed: Int, unchanged: Int)) {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        let changed = bytes.withUnsafeBufferPointer { conv.convert(utf8: $0, into: &out) }
        #expect(bytes.withUnsafeBufferPointer { conv.needsConversion($0) } == changed, "\(text)")
        if changed { seen.changed += 1 } else { seen.unchanged += 1 }
    }

    /// The quick check for work (`needsConversion`) answers what the conversion does, wherever a
    /// character sits among ASCII runs of every length (its ASCII skip reads eight bytes at once).
    @Test func checkForWorkAgreesWithTheConversion() throws {
        let conv = try #require(Converters.t2s)
        var seen = (changed: 0, unchanged: 0)
        for (k, c) in ConversionCase.all.enumerated() {
            for pad in 0..<10 {
                let ascii = String(repeating: "a", count: (k + pad) % 19)
                let text = ascii + c.input + String(ascii.prefix(pad)) + (pad % 3 == 0 ? "é" : "")
                checkForWork(conv, text, &seen)
            }
        }
        #expect(seen.changed > 1000 && seen.unchanged > 100)
    }

    /// The check for work scans sixteen bytes at a time: random mixes of ASCII, simplified and
    /// traditional characters, two- and four-byte characters and phrase starts, at every
    /// position a block can put them, must agree with the conversion.
    @Test func checkForWorkAgreesOnRandomMixes() throws {
        let conv = try #require(Converters.t2s)
        let pieces =
            ["a", "7", " ", "\n", "中", "文", "的", "我", "学", "，", "。", "體", "後", "國", "說", "這", "é", "·"]
            + ["😀", "𠀀", "「"] + ConversionCase.all.prefix(40).map(\.input)
        var rng = SystemRandomNumberGenerator()
        var seen = (changed: 0, unchanged: 0)
        for _ in 0..<20_000 {
            // Mostly plain text, so that a candidate often sits late in a long text.
            let plain = Int.random(in: 0..<8, using: &rng)
            let text = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in
                pieces[Int.random(in: 0..<(Bool.random(using: &rng) ? plain + 1 : pieces.count), using: &rng)]
            }.joined()
            checkForWork(conv, text, &seen)
        }
        #expect(seen.changed > 1000 && seen.unchanged > 1000)
    }

    @Test func asciiAndUnchangedTextAreReturnedAsIs() throws {
        let conv = try #require(Converters.t2s)
        #expect(conv.convert("plain ASCII 123") == "plain ASCII 123")
        #expect(conv.convert("") == "")
    }
}

/// A dictionary file holding the given text, in a folder of its own that goes with the value.
final class DictionaryFile {
    let path: String
    private let dir: String

    init(_ text: String) throws {
        dir = NSTemporaryDirectory() + "dict-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        path = dir + "/dictionary.txt"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }
}
