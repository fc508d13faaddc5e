import CShims
import Foundation

/// The conversion profiles: which phrase sections apply, most specific first.
public enum ConversionProfile: String, Sendable, CaseIterable, Codable {
    /// Characters only, no change of vocabulary (the default).
    case t2s
    /// Taiwan usage: 著 as 着 (看著 → 看着) except in the words that keep it (著作).
    case tw2s
    /// Taiwan usage and Taiwan → mainland vocabulary (軟體 → 软件, 滑鼠 → 鼠标).
    case tw2sp
    /// Hong Kong usage.
    case hk2s

    /// The built-in sections, highest priority first.
    public var sections: [String] {
        switch self {
        case .t2s: return ["common"]
        case .tw2s: return ["tw", "common"]
        case .tw2sp: return ["tw-vocab", "tw", "common"]
        case .hk2s: return ["hk", "common"]
        }
    }
}

/// How corner brackets are written in the output.
public enum QuoteStyle: String, Sendable, CaseIterable, Codable {
    /// 「」『』 stay as they are (default).
    case keep
    /// 「」 → “”, 『』 → ‘’, always both pairs.
    case mainland
}

/// Traditional → simplified Chinese: a phrase layer (longest match) over a code-point table.
///
/// The chain, in order of precedence: extra OpenCC dictionaries (`--dictionary`), the built-in
/// phrases of the profile's sections, then the character table compiled from ICU's
/// `Traditional-Simplified` transform with the built-in single-character overrides. At each
/// position the longest phrase wins; a key found in several layers takes the value of the
/// earliest. Text with nothing to convert comes back as it is, without copying.
///
/// Built once per process: its ICU table is read from ``TableCache`` (about a millisecond) or,
/// the first time, compiled from ICU's rules (12–25 ms); immutable after, so one converter can
/// serve every pipeline.
public struct ChineseConverter: Sendable {
    public let profile: ConversionProfile
    public let quotes: QuoteStyle
    /// The OpenCC dictionaries loaded, as given.
    public var dictionaries: [String] { tables.dictionaries }
    /// The tables, behind one reference: steps capture the converter in a closure per text, and
    /// a copy then costs one retain instead of one per table.
    private let tables: Tables
    /// Entries loaded, for the manifest: phrase count and character overrides.
    public let phraseCount: Int
    public let characterCount: Int

    static let cornerBrackets: [UInt32: String] = [0x300C: "“", 0x300D: "”", 0x300E: "‘", 0x300F: "’"]

    /// Builds the converter.
    ///
    /// - Parameters:
    ///   - profile: which built-in sections apply.
    ///   - quotes: corner-bracket style.
    ///   - dictionaries: paths of OpenCC text dictionaries, highest priority first.
    /// - Throws: ``NormalizeError`` for a missing ICU transform, a missing resource, or a bad
    ///   dictionary line (with its file and line).
    public init(profile: ConversionProfile = .t2s, quotes: QuoteStyle = .keep, dictionaries: [String] = []) throws {
        self.init(
            layers: try Layers(profile: profile, quotes: quotes, dictionaries: dictionaries), base: try Self.baseTable()
        )
    }

    /// The converter of `layers` over the ICU table `base`.
    init(layers: Layers, base: CharacterTable) {
        profile = layers.profile
        quotes = layers.quotes
        var table = base
        for (cp, value) in layers.characters {
            if let value { table.set(cp, value) } else { table.clear(cp) }
        }
        let trie = layers.phrases
        var candidates = [UInt64](repeating: 0, count: 0x10000 / 64)
        for cp in UInt32(0)..<0x10000 where table.lookup(cp) != nil || trie.startsPhrase(cp) {
            candidates[Int(cp >> 6)] |= 1 << UInt64(cp & 63)
        }
        tables = Tables(table: table, phrases: trie, candidates: candidates, dictionaries: layers.dictionaries)
        self.phraseCount = trie.count
        self.characterCount = table.count
    }

    /// What a converter puts over the ICU table: its phrases, and its characters' overrides.
    ///
    /// Reading them checks the dictionaries, so their errors come before any ICU work.
    struct Layers: Sendable {
        let profile: ConversionProfile
        let quotes: QuoteStyle
        let dictionaries: [String]
        let phrases: PhraseTrie
        /// Single characters set (or cleared: `nil`) over the ICU table, in order.
        let characters: [(UInt32, String?)]

        init(profile: ConversionProfile, quotes: QuoteStyle, dictionaries: [String]) throws {
            self.profile = profile
            self.quotes = quotes
            self.dictionaries = dictionaries
            var trie = PhraseTrie()
            for path in dictionaries {
                for e in try PhraseDictionary.loadOpenCC(path: path) { trie.insert(e.key, e.value, replace: false) }
            }
            let builtin = try ChineseConverter.builtinSections()
            // Single characters go into the table, lowest priority first so higher ones
            // overwrite; longer keys into the trie, highest priority first so the first stays.
            var characters: [(UInt32, String?)] = []
            for section in profile.sections.reversed() {
                for e in builtin[section, default: []] where e.key.unicodeScalars.count == 1 {
                    guard let cp = e.key.unicodeScalars.first?.value else { continue }
                    characters.append((cp, e.value == e.key ? nil : e.value))
                }
            }
            for section in profile.sections {
                for e in builtin[section, default: []] where e.key.unicodeScalars.count > 1 {
                    trie.insert(e.key, e.value, replace: false)
                }
            }
            if quotes == .mainland {
                for (cp, s) in ChineseConverter.cornerBrackets { characters.append((cp, s)) }
            }
            phrases = trie
            self.characters = characters
        }
    }

    /// The converted text; `text` itself when nothing changes.
    public func convert(_ text: String) -> String {
        convertedIfChanged(text) ?? text
    }

    /// The converted text, or `nil` when nothing changes (no copy of `text` is made then).
    public func convertedIfChanged(_ text: String) -> String? {
        text.withUTF8Bytes { converted(bytes: $0) }
    }

    /// ``convertedIfChanged(_:)`` of the UTF-8 text `bytes`.
    public func converted(bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard needsConversion(bytes) else { return nil }
        var out: [UInt8] = []
        return convert(utf8: bytes, into: &out) ? out.withUnsafeBufferPointer { String(knownValidUTF8: $0) } : nil
    }

    /// Whether ``convert(utf8:into:)`` would change `bytes`: the same scan, without output.
    public func needsConversion(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress else { return false }
        let n = bytes.count
        // The tables are read through `tables` where needed, not copied out first: copies cost
        // reference counting on every text, and most texts have no candidate at all.
        return tables.candidates.withUnsafeBufferPointer { candidates in
            var i = 0
            while true {
                // The C scan skips ASCII and the three-byte characters (all of CJK) that are no
                // candidate, sixteen bytes at a time; what it stops at is looked at here.
                i += ccs_first_conversion_candidate(p + i, n - i, candidates.baseAddress)
                guard i < n else { return false }
                let (cp, width) = UTF8Scalar.decode(bytes, at: i)
                if cp < 0x10000, candidates[Int(cp >> 6)] & (1 << UInt64(cp & 63)) == 0 {
                    i += width
                    continue
                }
                if tables.table.lookup(cp) != nil { return true }
                if tables.phrases.startsPhrase(cp), tables.phrases.longestMatch(bytes, from: i) != nil { return true }
                i += width
            }
        }
    }

    /// Appends the conversion of the UTF-8 text `bytes` to `out`.
    ///
    /// Works on bytes throughout: scalars are decoded in place, phrases matched by decoding
    /// ahead, and output appended as UTF-8, so a line costs no allocation beyond `out`.
    /// - Returns: whether anything changed (when not, `out` holds a copy of `bytes`).
    @discardableResult
    public func convert(utf8 bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        let n = bytes.count
        let table = tables.table
        let phrases = tables.phrases
        out.reserveCapacity(out.count + n + 8)
        var changed = false
        var i = 0
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                // Copy the ASCII run at once.
                var j = i + 1
                while j < n, bytes[j] < 0x80 { j += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                i = j
                continue
            }
            let (cp, width) = UTF8Scalar.decode(bytes, at: i)
            if phrases.startsPhrase(cp), let (length, output) = phrases.longestMatch(bytes, from: i) {
                out.append(contentsOf: output)
                changed = true
                i += length
                continue
            }
            switch table.lookup(cp) {
            case nil:
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + width)]))
            case .scalar(let v):
                Self.appendUTF8(v, to: &out)
                changed = true
            case .string(let str):
                out.append(contentsOf: str.utf8)
                changed = true
            }
            i += width
        }
        return changed
    }

    @inline(__always)
    static func appendUTF8(_ cp: UInt32, to out: inout [UInt8]) {
        switch cp {
        case 0..<0x80:
            out.append(UInt8(cp))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | cp >> 6))
            out.append(UInt8(0x80 | cp & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | cp >> 12))
            out.append(UInt8(0x80 | cp >> 6 & 0x3F))
            out.append(UInt8(0x80 | cp & 0x3F))
        default:
            out.append(UInt8(0xF0 | cp >> 18))
            out.append(UInt8(0x80 | cp >> 12 & 0x3F))
            out.append(UInt8(0x80 | cp >> 6 & 0x3F))
            out.append(UInt8(0x80 | cp & 0x3F))
        }
    }

    /// The ICU table, compiled once per process and shared by every converter.
    static func baseTable() throws -> CharacterTable {
        try SharedTable.shared.get()
    }

    /// The ICU table when this process has it or its cache file holds it (see ``TableCache``);
    /// `nil` when it must be compiled.
    static func baseTableWithoutCompiling() -> CharacterTable? {
        SharedTable.shared.fromMemoryOrCache()
    }

    /// The built-in phrase resource, parsed and validated once per process (each source's
    /// converter reads it).
    static func builtinSections() throws -> [String: [PhraseDictionary.Entry]] {
        try builtin.get()
    }

    private static let builtin = Result { try parseBuiltinSections() }

    private static func parseBuiltinSections() throws -> [String: [PhraseDictionary.Entry]] {
        guard let url = Bundle.module.url(forResource: "t2s-phrases", withExtension: "txt"),
            let data = FileManager.default.contents(atPath: url.path),
            let text = String(data: data, encoding: .utf8)
        else { throw NormalizeError.resourceMissing(name: "t2s-phrases.txt") }
        return try PhraseDictionary.parseSections(text, path: "t2s-phrases.txt")
    }
}

/// A ``ChineseConverter`` whose ICU table is compiled on a thread of its own, so that a run can
/// start on its records meanwhile: the phrase layers are read (and any error in them thrown)
/// when it is made, and ``converter()`` waits for the rest.
///
/// A table this process has, or one its cache file holds (see ``TableCache``), is taken at
/// once instead, and the converter is ready when made: reading the file takes well under a
/// millisecond, while the records that reach the converter before it is ready take a slower
/// path (see ``PipelineStep/isReady``), which cost a short run more than the wait.
public final class PendingConverter: @unchecked Sendable {
    public let profile: ConversionProfile
    public let quotes: QuoteStyle
    public let dictionaries: [String]
    private let done = DispatchSemaphore(value: 0)
    private static let built = BuiltConverters()
    private let lock = NSLock()
    private var result: Result<ChineseConverter, any Error>?

    /// Reads the phrase layers, and starts compiling the ICU table (or takes it, when
    /// another converter compiled it already or it is in the cache).
    ///
    /// - Throws: ``NormalizeError`` for a missing resource or a bad dictionary line.
    public init(profile: ConversionProfile = .t2s, quotes: QuoteStyle = .keep, dictionaries: [String] = []) throws {
        self.profile = profile
        self.quotes = quotes
        self.dictionaries = dictionaries
        let layers = try ChineseConverter.Layers(profile: profile, quotes: quotes, dictionaries: dictionaries)
        // Without extra dictionaries (files that could change), a converter built before in
        // this process, for another source or an earlier run, serves again.
        let key = dictionaries.isEmpty ? "\(profile.rawValue) \(quotes.rawValue)" : nil
        if let key, let built = Self.built.converter(for: key) {
            result = .success(built)
            done.signal()
            return
        }
        if let base = ChineseConverter.baseTableWithoutCompiling() {
            let converter = ChineseConverter(layers: layers, base: base)
            if let key { Self.built.keep(converter, for: key) }
            result = .success(converter)
            done.signal()
            return
        }
        let thread = Thread { [self] in
            let built = Result { ChineseConverter(layers: layers, base: try ChineseConverter.baseTable()) }
            if let key, case .success(let converter) = built { Self.built.keep(converter, for: key) }
            lock.lock()
            result = built
            lock.unlock()
            done.signal()
        }
        thread.name = "corpus-clean.t2s-table"
        thread.start()
    }

    /// Whether ``converter()`` would answer without waiting.
    public var isReady: Bool {
        lock.lock()
        defer { lock.unlock() }
        return result != nil
    }

    /// The converter, once its table is compiled.
    ///
    /// - Throws: ``NormalizeError/icuTransform(id:status:)`` when ICU failed.
    public func converter() throws -> ChineseConverter {
        while true {
            lock.lock()
            let built = result
            lock.unlock()
            if let built { return try built.get() }
            done.wait()
            done.signal()  // for the next caller
        }
    }
}

/// The converters built in this process, by profile and quote style.
private final class BuiltConverters: @unchecked Sendable {
    private let lock = NSLock()
    private var converters: [String: ChineseConverter] = [:]

    func converter(for key: String) -> ChineseConverter? {
        lock.lock()
        defer { lock.unlock() }
        return converters[key]
    }

    func keep(_ converter: ChineseConverter, for key: String) {
        lock.lock()
        converters[key] = converter
        lock.unlock()
    }
}

/// A converter's tables, immutable once built.
private final class Tables: Sendable {
    let table: CharacterTable
    let phrases: PhraseTrie
    /// One bit per BMP code point: set when the table changes it or a phrase starts with it.
    ///
    /// 8 KB, so the check for work stays in the L1 cache while the table (256 KB) does not.
    let candidates: [UInt64]
    /// Kept here rather than beside the reference, so that a copy of the converter costs one
    /// retain.
    let dictionaries: [String]

    init(table: CharacterTable, phrases: PhraseTrie, candidates: [UInt64], dictionaries: [String]) {
        self.table = table
        self.phrases = phrases
        self.candidates = candidates
        self.dictionaries = dictionaries
    }
}

/// The ICU character table, once per process, on first use: read from ``TableCache`` when a
/// process compiled it before, else compiled (and cached).
private final class SharedTable: @unchecked Sendable {
    static let shared = SharedTable()
    private let lock = NSLock()
    private var table: CharacterTable?
    /// Whether the cache file was looked for (and its path, when there is a cache).
    private var lookedUp = false
    private var cached: String?

    /// The table when it is in memory or in the cache file (read now); `nil` when it must be
    /// compiled.
    ///
    /// While another thread compiles it (the first source's converter does, in `all` with the
    /// cache off), this waits for that compile and returns its table.
    func fromMemoryOrCache() -> CharacterTable? {
        lock.lock()
        defer { lock.unlock() }
        return lookUp()
    }

    func get() throws -> CharacterTable {
        lock.lock()
        defer { lock.unlock() }
        if let table = lookUp() { return table }
        let compiled = try CharacterTable(compiling: try ICUTransform(id: Self.id), excluding: Self.excluded)
        if let cached { TableCache.store(compiled, at: cached) }
        table = compiled
        return compiled
    }

    private static let id = "Traditional-Simplified"
    private static let excluded = Set(ChineseConverter.cornerBrackets.keys)

    /// Under the lock.
    private func lookUp() -> CharacterTable? {
        if let table { return table }
        guard !lookedUp else { return nil }
        lookedUp = true
        cached = TableCache.directory().flatMap {
            TableCache.path(transformID: Self.id, excluding: Self.excluded, in: $0)
        }
        if let cached, let read = TableCache.load(cached) { table = read }
        return table
    }
}
