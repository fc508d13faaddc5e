import Formats
import Normalize

/// The steps of FastChat's `clean_sharegpt.py`, one concept each, as named steps.
public enum ShareGPTSteps {
    /// The metadata key the extractor sets for a record with a non-null `plugins`.
    public static let pluginsKey = "plugins"
}

/// `filter.plugin`: rejects a sample that used plugins (`plugin`), as FastChat does.
public struct PluginFilter: PipelineStep {
    public let id = "filter.plugin"
    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        c.metadata[ShareGPTSteps.pluginsKey] == nil ? .unchanged : .rejected(.plugin, detail: nil)
    }
}

/// `roles.sharegpt-format`: drops a leading non-human turn and a trailing human turn, then
/// requires human/gpt alternation starting with human (`wrong-format`); fewer than two turns
/// left is `wrong-format` too.
public struct ShareGPTFormatStep: PipelineStep {
    public let id = "roles.sharegpt-format"
    public var parameters: [String: String] { ["trim": "leading non-human, trailing human"] }
    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        var changed = false
        if c.turns.first?.role == .gpt {
            c.turns.removeFirst()
            changed = true
        }
        if c.turns.last?.role == .human {
            c.turns.removeLast()
            changed = true
        }
        guard c.turns.count >= 2 else { return .rejected(.wrongFormat, detail: "\(c.turns.count) turn(s) left") }
        for (i, t) in c.turns.enumerated() where t.role != (i % 2 == 0 ? .human : .gpt) {
            return .rejected(.wrongFormat, detail: "turn \(i + 1) is \(t.role.rawValue)")
        }
        return changed ? .modified : .unchanged
    }
}

/// `html.markdown`: gpt turns from ChatGPT's rendered HTML to Markdown (libxml2's parser and
/// ``MarkdownRenderer``).
///
/// Human turns are plain text in the dumps and are left exactly as written (`#include <stdio.h>`,
/// `a<b and b>c`, `**kwargs`). Each worker's copy keeps a parser and render buffers of its own for
/// all the fragments it converts. The manifest records the version of the system libxml2.
public struct HTMLMarkdownStep: PipelineStep {
    public let id = "html.markdown"
    public var parameters: [String: String] {
        ["parser": "libxml2", "libxml2": HTMLDocument.libraryVersion, "turns": "gpt"]
    }
    private let renderer = MarkdownRenderer()
    private let parser = HTMLParser()
    private let buffers = MarkdownBuffers()
    public init() {}

    public func copyForWorker() -> any PipelineStep { HTMLMarkdownStep() }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        var changed = false
        for i in c.turns.indices where c.turns[i].role == .gpt {
            let html = c.turns[i].text
            guard html.utf8.contains(UInt8(ascii: "<")) || html.utf8.contains(UInt8(ascii: "&")) else { continue }
            do {
                let md = try renderer.render(try parser.parse(html), buffers: buffers)
                if md != html {
                    c.turns[i].text = md
                    changed = true
                }
            } catch {
                return .rejected(.htmlError, detail: "\(error)")
            }
        }
        return changed ? .modified : .unchanged
    }
}

/// `sharegpt.ui-artifacts`: removes what the ChatGPT web page put into the dumps.
///
/// Two things:
/// - the regenerate counter `N / M` at the very start of a gpt turn, only when it is the UI's
///   (on a line of its own, or glued to the text that follows: `2 / 2Sure…`), so content such
///   as `1 / 2 cup of milk` stays;
/// - `CopyN chars / M words` labels.
public struct UIArtifactStep: PipelineStep {
    public let id = "sharegpt.ui-artifacts"
    public var parameters: [String: String] { ["remove": "regenerate counter, CopyN chars / N words"] }
    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        var changed = false
        for i in c.turns.indices where c.turns[i].role == .gpt {
            let original = c.turns[i].text
            var t = original
            var edited = false
            if let rest = Self.withoutCounter(t) {
                t = rest
                edited = true
            }
            if let rest = Self.withoutCopyLabels(t) {
                t = rest
                edited = true
            }
            // What is removed holds ASCII digits, so a changed text differs in its bytes.
            if edited, !t.hasSameBytes(as: original) {
                c.turns[i].text = t
                changed = true
            }
        }
        return changed ? .modified : .unchanged
    }

    /// `t` without a leading UI counter, or `nil` when it has none.
    static func withoutCounter(_ t: String) -> String? {
        guard let first = t.utf8.first, first >= 0x30, first <= 0x39 else { return nil }
        let s = Array(t.unicodeScalars)
        var i = 0
        func digits() -> Bool {
            let from = i
            while i < s.count, ("0"..."9").contains(s[i]) { i += 1 }
            return i > from
        }
        guard digits(), i + 3 <= s.count, s[i] == " ", s[i + 1] == "/", s[i + 2] == " " else { return nil }
        i += 3
        guard digits() else { return nil }
        if i == s.count { return "" }
        if s[i] == "\n" || (s[i] != " " && !("0"..."9").contains(s[i])) {
            var rest = String(String.UnicodeScalarView(s[i...]))
            while rest.first == "\n" { rest.removeFirst() }
            return rest
        }
        return nil
    }

    private static let copy = Array("Copy".utf8)

    /// `t` without its `CopyN chars / M words` labels, or `nil` when it has none.
    static func withoutCopyLabels(_ t: String) -> String? {
        guard UTF8Search.firstOffset(of: copy, in: t) != nil else { return nil }
        var out = ""
        var rest = Substring(t)
        while let r = rest.range(of: "Copy") {
            out += rest[..<r.lowerBound]
            var j = r.upperBound
            let d1 = rest[j...].prefix { $0.isNumber }
            j = rest.index(j, offsetBy: d1.count)
            if !d1.isEmpty, rest[j...].hasPrefix(" chars / ") {
                j = rest.index(j, offsetBy: " chars / ".count)
                let d2 = rest[j...].prefix { $0.isNumber }
                j = rest.index(j, offsetBy: d2.count)
                if !d2.isEmpty, rest[j...].hasPrefix(" words") {
                    rest = rest[rest.index(j, offsetBy: " words".count)...]
                    continue
                }
            }
            out += rest[r]
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

/// `filter.blocked-response`: rejects a sample whose gpt turn is the canned error "Too many
/// requests in 1 hour.
///
/// Try again later." (optionally prefixed `!`).
public struct BlockedResponseFilter: PipelineStep {
    public let id = "filter.blocked-response"
    public let responses: [String]
    public var parameters: [String: String] { ["responses": responses.joined(separator: "|")] }

    /// The responses' bytes, for those all in ASCII: a text whose bytes do not start with one
    /// does not start with it (an ASCII character is equivalent to itself alone).
    private let asciiPrefixes: [[UInt8]?]

    public init(responses: [String] = ["Too many requests in 1 hour. Try again later."]) {
        self.responses = responses
        asciiPrefixes = responses.map { r in r.utf8.allSatisfy { $0 < 0x80 } ? Array(r.utf8) : nil }
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        for t in c.turns where t.role == .gpt {
            let bang = t.text.hasPrefix("!")
            for (k, r) in responses.enumerated() {
                if let prefix = asciiPrefixes[k],
                    !t.text.withUTF8Bytes({ bytes in
                        let rest = UnsafeBufferPointer(rebasing: bytes[(bang ? 1 : 0)...])
                        return rest.count >= prefix.count
                            && prefix.withUnsafeBufferPointer {
                                ByteScan.equal(
                                    UnsafeBufferPointer(rebasing: rest[..<(rest.startIndex + prefix.count)]), $0)
                            }
                    })
                {
                    continue
                }
                let text = bang ? String(t.text.dropFirst()) : t.text
                if text.hasPrefix(r) { return .rejected(.blockedResponse, detail: r) }
            }
        }
        return .unchanged
    }
}

/// `filter.blocked-word`: rejects a sample whose visible text contains a blocked word, case
/// insensitively (default `openai`, `chatgpt`).
///
/// Visible text: Markdown link and image targets are not looked at, only what a reader sees.
public struct BlockedWordFilter: PipelineStep {
    public let id = "filter.blocked-word"
    public let words: [String]
    private let needles: [[UInt8]]
    public var parameters: [String: String] { ["words": words.joined(separator: ","), "case-insensitive": "true"] }

    /// Whether a word holds `]`, so that leaving out a link target can make a match.
    private let bracketInWord: Bool

    public init(words: [String] = ["openai", "chatgpt"]) {
        self.words = words
        self.needles = words.map { Array($0.lowercased().utf8) }
        bracketInWord = needles.contains { $0.contains(UInt8(ascii: "]")) }
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        for t in c.turns {
            // The visible text is the text's own pieces between `]`s: a word without `]` found
            // in it is found in the text, so a text without any is passed without making it.
            if !bracketInWord,
                !needles.contains(where: {
                    UTF8Search.firstOffset(of: $0, in: t.text, asciiCaseInsensitive: true) != nil
                })
            {
                continue
            }
            let visible = Self.visibleText(t.text)
            if let k = needles.firstIndex(where: {
                UTF8Search.firstOffset(of: $0, in: visible, asciiCaseInsensitive: true) != nil
            }) {
                return .rejected(.blockedWord, detail: words[k])
            }
        }
        return .unchanged
    }

    /// `text` without the targets of Markdown links and images (`](…)`).
    private static let linkTarget = Array("](".utf8)

    static func visibleText(_ text: String) -> String {
        guard UTF8Search.firstOffset(of: linkTarget, in: text) != nil else { return text }
        var out = ""
        var rest = Substring(text)
        while let r = rest.range(of: "](") {
            out += rest[..<r.lowerBound]
            out += "]"
            guard let close = rest[r.upperBound...].firstIndex(of: ")") else {
                rest = rest[r.upperBound...]
                break
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}

/// `sharegpt.truncate-empty`: at the first turn that is empty (or starts with a character that is
/// not printable), the conversation ends, as in FastChat; then it is cut to whole human/gpt pairs.
///
/// Counted as a modification.
public struct TruncateEmptyStep: PipelineStep {
    public let id = "sharegpt.truncate-empty"
    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        guard let cut = c.turns.firstIndex(where: { Self.endsConversation($0.text) }) else { return .unchanged }
        c.turns.removeSubrange(cut...)
        if c.turns.count % 2 == 1 { c.turns.removeLast() }
        return .modified
    }

    /// Whether a turn ends the conversation: it is empty, or its first character is a control or
    /// format character.
    ///
    /// An ASCII first byte is answered without the Unicode tables.
    static func endsConversation(_ text: String) -> Bool {
        guard let byte = text.utf8.first else { return true }
        if byte < 0x80 { return byte < 0x20 || byte == 0x7F }
        guard let first = text.unicodeScalars.first else { return true }
        let category = first.properties.generalCategory
        return category == .control || category == .format
    }
}

/// `filter.min-chars`: rejects a conversation with fewer than `minimum` characters in all its
/// turns together, or no turns (`too-short`; FastChat's threshold is 16).
public struct MinCharsFilter: PipelineStep {
    public let id = "filter.min-chars"
    public let minimum: Int
    public var parameters: [String: String] { ["min-chars": String(minimum)] }

    public init(minimum: Int = 16) { self.minimum = minimum }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        // Counting characters (grapheme clusters) is slow on long texts: stop at the minimum.
        var n = 0
        for turn in c.turns where n < minimum {
            // A character starts at every ASCII byte that does not follow a CR: a text that
            // starts with `minimum - n` ASCII bytes and no CR has the characters still wanted.
            let wanted = minimum - n
            if turn.text.withUTF8Bytes({ b in
                b.count >= wanted && !b[..<wanted].contains { $0 >= 0x80 || $0 == 0x0D }
            }) {
                return .unchanged
            }
            for _ in turn.text {
                n += 1
                if n >= minimum { break }
            }
        }
        return c.turns.isEmpty || n < minimum ? .rejected(.tooShort, detail: "\(n) characters") : .unchanged
    }
}

/// `dedup.sharegpt-id`: the first sample with an id wins (`duplicate-id`).
///
/// Keeps 128-bit hashes of the ids.
public struct DuplicateIDFilter: KeyedStep {
    public let id = "dedup.sharegpt-id"
    public var parameters: [String: String] { ["key": "id", "hash": "128-bit"] }
    private var seen: Set<StableHash> = []
    public init() {}

    public static func key(for c: Conversation) -> StableHash {
        var h = StableHasher()
        h.combine(c.id)
        return h.finalize()
    }

    public mutating func decide(key: StableHash, record: RecordIdentity) -> StepVerdict {
        seen.insert(key).inserted ? .unchanged : .rejected(.duplicateID, detail: record.id)
    }
}

/// `dedup.first-exchange`: the first sample with a given first human and first gpt turn wins
/// (`duplicate-content`), as FastChat deduplicates.
///
/// Keeps 128-bit hashes.
public struct FirstExchangeDeduplicator: KeyedStep {
    public let id = "dedup.first-exchange"
    public var parameters: [String: String] { ["key": "first human + first gpt turn", "hash": "128-bit"] }
    private var seen: Set<StableHash> = []
    public init() {}

    public static func key(for c: Conversation) -> StableHash {
        var h = StableHasher()
        for t in c.turns.prefix(2) {
            h.combine(byte: t.role == .human ? 1 : 2)
            h.combine(t.text)
        }
        return h.finalize()
    }

    public mutating func decide(key: StableHash, record: RecordIdentity) -> StepVerdict {
        seen.insert(key).inserted ? .unchanged : .rejected(.duplicateContent, detail: nil)
    }
}
