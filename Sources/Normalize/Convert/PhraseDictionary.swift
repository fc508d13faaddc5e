import Foundation

/// Loads phrase dictionaries: the built-in sectioned resource, and OpenCC text dictionaries.
///
/// Built-in format (`Resources/t2s-phrases.txt`): `# comment` lines, `[section]` headers, and
/// `key<TAB>value` lines. OpenCC format: `key<TAB>value [value…]` per line, the first value
/// wins. Both are validated line by line; a bad line is an error naming the file and line.
public enum PhraseDictionary {
    /// One `key → value` entry and where it came from.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        public var line: Int
    }

    /// The sections the built-in resource may use.
    public static let sections: Set<String> = ["common", "tw", "tw-vocab", "hk"]

    /// Parses the sectioned built-in format.
    ///
    /// - Throws: ``NormalizeError/dictionary(path:line:reason:)`` for a line that is not a
    ///   comment, a known `[section]` or `key<TAB>value`, for an entry before any section, and
    ///   for a key repeated within a section.
    public static func parseSections(_ text: String, path: String) throws -> [String: [Entry]] {
        var result: [String: [Entry]] = [:]
        var section: String?
        var seen: Set<String> = []
        try forEachLine(of: text) { content, line in
            if isBlank(content) || content.first == UInt8(ascii: "#") { return }
            if content.first == UInt8(ascii: "[") {
                guard content.count >= 2, content.last == UInt8(ascii: "]") else {
                    throw NormalizeError.dictionary(path: path, line: line, reason: "a section header must end with ]")
                }
                let name = String(decoding: content.dropFirst().dropLast(), as: UTF8.self)
                guard sections.contains(name) else {
                    throw NormalizeError.dictionary(
                        path: path, line: line,
                        reason:
                            "unknown section [\(name)] (expected one of \(sections.sorted().joined(separator: ", ")))")
                }
                section = name
                seen = Set(result[name, default: []].map(\.key))
                return
            }
            guard let name = section else {
                throw NormalizeError.dictionary(path: path, line: line, reason: "an entry before any [section]")
            }
            let entry = try parseEntry(content, path: path, line: line, firstValueOnly: false)
            guard seen.insert(entry.key).inserted else {
                throw NormalizeError.dictionary(
                    path: path, line: line, reason: "\"\(entry.key)\" is already in [\(name)]")
            }
            result[name, default: []].append(entry)
        }
        return result
    }

    /// Parses an OpenCC text dictionary; blank lines are skipped.
    public static func parseOpenCC(_ text: String, path: String) throws -> [Entry] {
        var result: [Entry] = []
        try forEachLine(of: text) { content, line in
            if content.isEmpty { return }
            result.append(try parseEntry(content, path: path, line: line, firstValueOnly: true))
        }
        return result
    }

    /// Reads and parses an OpenCC text dictionary file.
    public static func loadOpenCC(path: String) throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NormalizeError.dictionary(path: path, line: 0, reason: "the file cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NormalizeError.dictionary(path: path, line: 0, reason: "the file is not valid UTF-8")
        }
        return try parseOpenCC(text, path: path)
    }

    /// Calls `body` with each line's UTF-8 bytes (without its `\n`, nor the `\r` of a `\r\n`)
    /// and its number, from 1.
    ///
    /// On bytes, not characters: a dictionary is read by every process that converts, and
    /// splitting it as a `String` (by grapheme clusters, in which `\r\n` is one character and
    /// no `\n`) took most of that time, and kept a file with Windows line ends as one line.
    private static func forEachLine(of text: String, _ body: (ArraySlice<UInt8>, Int) throws -> Void) throws {
        let bytes = Array(text.utf8)
        var start = 0
        var line = 1
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var content = bytes[start..<end]
            if content.last == UInt8(ascii: "\r") { content = content.dropLast() }
            try body(content, line)
            start = end + 1
            line += 1
        }
    }

    /// Whether the line holds only white space (Unicode's space separators and TAB, as
    /// `CharacterSet.whitespaces` has them).
    private static func isBlank(_ content: ArraySlice<UInt8>) -> Bool {
        if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
        guard content.contains(where: { $0 >= 0x80 }) else { return false }
        return String(decoding: content, as: UTF8.self).unicodeScalars.allSatisfy {
            $0 == "\t" || $0.properties.generalCategory == .spaceSeparator
        }
    }

    private static func parseEntry(_ content: ArraySlice<UInt8>, path: String, line: Int, firstValueOnly: Bool)
        throws -> Entry
    {
        guard let tab = content.firstIndex(of: 0x09) else {
            throw NormalizeError.dictionary(path: path, line: line, reason: "expected key<TAB>value")
        }
        let key = content[..<tab]
        var value = content[(tab + 1)...]
        if firstValueOnly { value = value.split(separator: 0x20).first ?? value[value.endIndex...] }
        guard !key.isEmpty, !key.contains(0x20) else {
            throw NormalizeError.dictionary(path: path, line: line, reason: "the key is empty or contains a space")
        }
        guard !value.isEmpty, !value.contains(0x09) else {
            throw NormalizeError.dictionary(path: path, line: line, reason: "the value is empty or contains a TAB")
        }
        return Entry(
            key: String(decoding: key, as: UTF8.self), value: String(decoding: value, as: UTF8.self), line: line)
    }
}
