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
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = i + 1
            let content = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if content.trimmingCharacters(in: .whitespaces).isEmpty || content.hasPrefix("#") { continue }
            if content.hasPrefix("[") {
                guard content.hasSuffix("]") else {
                    throw NormalizeError.dictionary(path: path, line: line, reason: "a section header must end with ]")
                }
                let name = String(content.dropFirst().dropLast())
                guard sections.contains(name) else {
                    throw NormalizeError.dictionary(
                        path: path, line: line,
                        reason:
                            "unknown section [\(name)] (expected one of \(sections.sorted().joined(separator: ", ")))")
                }
                section = name
                seen = Set(result[name, default: []].map(\.key))
                continue
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
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if content.isEmpty { continue }
            result.append(try parseEntry(content, path: path, line: i + 1, firstValueOnly: true))
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

    private static func parseEntry(_ content: Substring, path: String, line: Int, firstValueOnly: Bool) throws -> Entry
    {
        let parts = content.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw NormalizeError.dictionary(path: path, line: line, reason: "expected key<TAB>value")
        }
        let key = String(parts[0])
        var value = String(parts[1])
        if firstValueOnly { value = String(value.split(separator: " ").first ?? "") }
        guard !key.isEmpty, !key.contains(" ") else {
            throw NormalizeError.dictionary(path: path, line: line, reason: "the key is empty or contains a space")
        }
        guard !value.isEmpty, !value.contains("\t") else {
            throw NormalizeError.dictionary(path: path, line: line, reason: "the value is empty or contains a TAB")
        }
        return Entry(key: key, value: value, line: line)
    }
}
