import Formats
import Foundation
import Testing

@testable import Normalize

@Suite struct TableCacheTests {
    static let excluded: Set<UInt32> = [0x300C, 0x300D, 0x300E, 0x300F]

    static func compiled() throws -> CharacterTable {
        try CharacterTable(compiling: try ICUTransform(id: "Traditional-Simplified"), excluding: excluded)
    }

    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "corpus-clean-table-cache-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A table written to the cache reads back as the one ICU compiled: every mapping, and the
    /// lookups of characters that change, stay, or map to more than one scalar.
    @Test func aStoredTableReadsBackAsCompiled() throws {
        let table = try Self.compiled()
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/sub/t2s-table.bin"
        #expect(TableCache.store(table, at: path))
        let read = try #require(TableCache.load(path))
        #expect(read.count == table.count)
        #expect(read.count > 2000)
        let written = table.mappings
        let back = read.mappings
        #expect(written.count == back.count)
        #expect(zip(written, back).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 })
        for cp in UInt32(0)...0x10FFFF where Unicode.Scalar(cp) != nil && read.lookup(cp) != table.lookup(cp) {
            Issue.record("U+\(String(cp, radix: 16)) reads back otherwise")
            break
        }
        #expect(read.lookup(0x8AAA) == .scalar(0x8BF4))  // 說 → 说
        #expect(read.lookup(0x4E2D) == nil)  // 中
        #expect(read.lookup(0x300C) == nil)  // 「, left out
        // No partial file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(folder)/sub") == ["t2s-table.bin"])
    }

    enum Damage: String, CaseIterable, Sendable {
        case empty, truncated, changedByte, changedSum, otherFormat, trailingByte
    }

    /// A file that is not whole and as written is no table.
    @Test(arguments: Damage.allCases)
    func aDamagedFileIsNoTable(damage: Damage) throws {
        // Compared as booleans: a failed comparison of a table would print all of it.
        var bytes = try TableCache.encode(try Self.compiled())
        let whole = TableCache.decode(bytes) != nil
        #expect(whole)
        switch damage {
        case .empty: bytes = []
        case .truncated: bytes.removeLast(bytes.count / 3)
        case .changedByte: bytes[bytes.count / 2] ^= 0x01
        case .changedSum: bytes[bytes.count - 1] = bytes[bytes.count - 1] == 0x30 ? 0x31 : 0x30
        case .otherFormat: bytes[0] ^= 0x20
        case .trailingByte: bytes.append(0x0A)
        }
        let decoded = TableCache.decode(bytes) != nil
        #expect(!decoded)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/t2s-table.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let loaded = TableCache.load(path) != nil
        #expect(!loaded)
    }

    /// A replacement that is not UTF-8 makes no table, even in a file whose sum matches.
    @Test func aReplacementThatIsNotUTF8IsNoTable() throws {
        let bytes = try TableCache.encode(try Self.compiled())
        // The first mapping's replacement starts after the format line, the count, its code
        // point and its length.
        let first = Array("\(TableCache.format)\n".utf8).count + 12
        #expect(bytes[first - 4] >= 2 && bytes[first] >= 0xC0)  // a character of two bytes or more
        let body = bytes.count - 64
        func decodes(changing offset: Int, to byte: UInt8) throws -> Bool {
            var changed = bytes
            changed[offset] = byte
            changed.replaceSubrange(body..., with: Array(try SHA256Digest.hex(of: Array(changed[..<body])).utf8))
            return TableCache.decode(changed) != nil
        }
        #expect(try !decodes(changing: first, to: 0xFF))
        // A lead byte followed by no continuation byte is no UTF-8 either.
        #expect(try !decodes(changing: first + 1, to: 0x41))
        #expect(try decodes(changing: first + 4, to: bytes[first + 4]))
    }

    /// The file name changes with everything the table depends on, and only with that.
    @Test func theFileNameFollowsWhatTheTableDependsOn() throws {
        let rules = try #require(ICUTransform.indexedRules(id: "Traditional-Simplified"))
        func name(
            id: String = "Traditional-Simplified", rules: [UInt16], version: String = "72.1",
            excluded: Set<UInt32> = Self.excluded
        ) throws -> String {
            try TableCache.fileName(transformID: id, rules: rules, icuVersion: version, excluding: excluded)
        }
        let base = try name(rules: rules)
        #expect(base.hasPrefix("t2s-table-") && base.hasSuffix(".bin"))
        #expect(try name(rules: rules) == base)
        var otherRules = rules
        otherRules[otherRules.count / 2] &+= 1
        let others = [
            try name(rules: otherRules), try name(rules: Array(rules.dropLast())),
            try name(rules: rules, version: "73.2"),
            try name(rules: rules, excluded: []), try name(id: "Hant-Hans", rules: rules),
        ]
        #expect(others.allSatisfy { $0 != base })
        #expect(Set(others).count == others.count)
    }

    @Test func theRulesAreReadFromICUsIndex() throws {
        let rules = try #require(ICUTransform.indexedRules(id: "Traditional-Simplified"))
        // Traditional-Simplified is the Hans-Hant rules run backwards.
        #expect(rules.first == UInt16(UInt8(ascii: "R")))
        #expect(rules.count > 1000)
        #expect(ICUTransform.indexedRules(id: "Hans-Hant")?.first == UInt16(UInt8(ascii: "F")))
        #expect(ICUTransform.indexedRules(id: "Any-Upper") == nil)
        #expect(ICUTransform.indexedRules(id: "No-Such-Transform") == nil)
    }

    @Test func theFolderFollowsTheEnvironment() {
        #expect(TableCache.directory(environment: ["CORPUS_CLEAN_CACHE": "off", "HOME": "/h"]) == nil)
        #expect(TableCache.directory(environment: ["CORPUS_CLEAN_CACHE": "/c", "XDG_CACHE_HOME": "/x"]) == "/c")
        #expect(TableCache.directory(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/corpus-clean")
        #expect(
            TableCache.directory(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"]) == "/h/.cache/corpus-clean")
        #expect(
            TableCache.directory(environment: ["CORPUS_CLEAN_CACHE": "", "HOME": "/h"]) == "/h/.cache/corpus-clean")
        #expect(TableCache.directory(environment: [:]) == nil)
    }

    /// A folder that cannot be written leaves the table uncached, without an error.
    @Test func anUnwritableFolderIsNoError() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let blocker = "\(folder)/file"
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data()))
        #expect(!TableCache.store(CharacterTable(), at: "\(blocker)/t2s-table.bin"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["file"])
    }
}
