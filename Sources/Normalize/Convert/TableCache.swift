import Formats
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Character tables compiled from ICU, kept in files between processes.
///
/// Compiling a ``CharacterTable`` takes 12–25 ms of every process that converts: ICU parses
/// and compiles its rules, then transforms each code point of their source set. The table
/// depends only on those rules, the ICU library and the code points left out, so it is written
/// once to a file named by a SHA-256 of them all, and later processes read it back in about a
/// millisecond. A file that does not read back whole and as written (it ends with the
/// SHA-256 of what comes before) is ignored, and replaced by the next compile. Nothing here
/// fails a run: a folder that cannot be made or written leaves the table uncached.
///
/// The folder is `CORPUS_CLEAN_CACHE` when set (`off` turns the cache off), else
/// `$XDG_CACHE_HOME/corpus-clean`, else `$HOME/.cache/corpus-clean`.
public enum TableCache {
    /// The first line of a table file; a change of layout changes it, and so every file name.
    static let format = "corpus-clean character table 1"

    /// The cache folder for `environment`, or `nil` when caching is off or there is no folder.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let folder = environment["CORPUS_CLEAN_CACHE"], !folder.isEmpty {
            return folder == "off" ? nil : folder
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/corpus-clean" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/corpus-clean" }
        return nil
    }

    /// The file of the table of `transformID` less `excluded`, in `directory`; `nil` when the
    /// transform has no rules in ICU's index (it is then not cached).
    public static func path(
        transformID: String, excluding excluded: Set<UInt32>, in directory: String
    ) -> String? {
        guard let rules = ICUTransform.indexedRules(id: transformID),
            let name = try? fileName(
                transformID: transformID, rules: rules, icuVersion: ICUTransform.libraryVersion, excluding: excluded)
        else { return nil }
        return "\(directory)/\(name)"
    }

    /// `t2s-table-<hash>.bin`, the hash a SHA-256 of the format, the transform's id, the ICU
    /// version, the code points left out and the rules (direction first, as
    /// ``ICUTransform/indexedRules(id:)`` gives them).
    static func fileName(
        transformID: String, rules: [UInt16], icuVersion: String, excluding excluded: Set<UInt32>
    ) throws -> String {
        var digest = SHA256Digest()
        let head = [
            format, transformID, icuVersion, excluded.sorted().map { String($0, radix: 16) }.joined(separator: ","),
        ]
        Array((head.joined(separator: "\n") + "\n").utf8).withUnsafeBytes { digest.update($0) }
        rules.withUnsafeBytes { digest.update($0) }
        return "t2s-table-\(try digest.finish().prefix(32)).bin"
    }

    /// The table read from `path`, or `nil` when there is no such file or it is not one
    /// ``store(_:at:)`` wrote whole.
    public static func load(_ path: String) -> CharacterTable? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return decode([UInt8](data))
    }

    /// Writes `table` to `path` (under a name of this process first, then renamed, so a reader
    /// never sees part of it); returns whether it did.
    @discardableResult
    public static func store(_ table: CharacterTable, at path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let partial = "\(folder)/.\(name).\(getpid()).partial"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileOutput.writeWhole(try encode(table), to: path, temporary: partial)
            return true
        } catch {
            unlink(partial)
            return false
        }
    }

    /// The format line; the number of mappings; each mapping as its code point, the length of
    /// its replacement in UTF-8 and those bytes (integers 32-bit little-endian); then the
    /// SHA-256 of all that, in hex.
    static func encode(_ table: CharacterTable) throws -> [UInt8] {
        var out = Array("\(format)\n".utf8)
        func put(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        let mappings = table.mappings
        put(UInt32(mappings.count))
        for (cp, replacement) in mappings {
            let bytes = Array(replacement.utf8)
            put(cp)
            put(UInt32(bytes.count))
            out.append(contentsOf: bytes)
        }
        var digest = SHA256Digest()
        out.withUnsafeBytes { digest.update($0) }
        out.append(contentsOf: Array(try digest.finish().utf8))
        return out
    }

    static func decode(_ bytes: [UInt8]) -> CharacterTable? {
        let head = Array("\(format)\n".utf8)
        guard bytes.count >= head.count + 4 + 64, bytes.starts(with: head) else { return nil }
        let body = bytes.count - 64
        var digest = SHA256Digest()
        bytes.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
        guard let sum = try? digest.finish(), Array(sum.utf8) == Array(bytes[body...]) else { return nil }
        return bytes.withUnsafeBytes { raw -> CharacterTable? in
            var i = head.count
            func take() -> UInt32? {
                guard i + 4 <= body else { return nil }
                defer { i += 4 }
                return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            }
            guard let count = take() else { return nil }
            // Built straight from each replacement's scalars (one, nearly always), with no string
            // made per mapping: this runs at the start of every process that converts.
            var table = CharacterTable()
            var scalars: [Unicode.Scalar] = []
            for _ in 0..<count {
                guard let cp = take(), Unicode.Scalar(cp) != nil, let n = take(), i + Int(n) <= body else { return nil }
                scalars.removeAll(keepingCapacity: true)
                var parser = Unicode.UTF8.ForwardParser()
                var it = raw[i..<(i + Int(n))].makeIterator()
                decoding: while true {
                    switch parser.parseScalar(from: &it) {
                    case .valid(let unit): scalars.append(Unicode.UTF8.decode(unit))
                    case .emptyInput: break decoding
                    case .error: return nil
                    }
                }
                i += Int(n)
                table.set(cp, scalars: scalars)
            }
            guard i == body else { return nil }
            return table
        }
    }
}
