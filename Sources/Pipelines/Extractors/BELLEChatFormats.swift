import Formats
import Foundation
import Normalize

/// The `Human:` / `Assistant:` history of BELLE's multiturn_chat records.
///
/// ```
/// Human:请根据题材「健身房」，写一篇800字的文章。
/// Assistant:好的，以下是……
/// Human:请从上文摘取三个句子进行打分。
/// Assistant:
/// ```
/// A marker starts a turn only at the start of the text or of a line (no space after the
/// colon in BELLE's data; one is tolerated); a marker anywhere else is text. Lines without a
/// marker continue the current turn. The history must start with `Human:` and end with an
/// empty `Assistant:`, which the record's `output` answers.
enum MultiturnHistory {
    /// The turns before the final answer, or `nil` when `instruction` is not such a history.
    static func parse(_ instruction: String) -> [Turn]? {
        instruction.withUTF8Bytes { b in
            turns(b)?.map { Turn($0.role, String(knownValidUTF8: UnsafeBufferPointer(rebasing: b[$0.text]))) }
        }
    }

    /// ``parse(_:)`` of the UTF-8 instruction `b`, each turn's text as its byte range in `b`.
    ///
    /// A turn's text runs from its marker to the next marker line, so each is one slice of
    /// the instruction, found by its bytes.
    static func turns(_ b: UnsafeBufferPointer<UInt8>) -> [(role: Role, text: Range<Int>)]? {
        guard let base = b.baseAddress, b.starts(with: human) else { return nil }
        var turns: [(role: Role, text: Range<Int>)] = []
        var open: (role: Role, start: Int)?
        func close(at end: Int) {
            guard let (role, start) = open else { return }
            turns.append((role, start..<end))
        }
        var line = 0
        while line <= b.count {
            let rest = UnsafeBufferPointer(rebasing: b[line...])
            let role: Role? = rest.starts(with: human) ? .human : rest.starts(with: assistant) ? .gpt : nil
            if let role {
                close(at: max(line - 1, 0))
                var start = line + (role == .human ? human.count : assistant.count)
                if start < b.count, b[start] == 0x20 { start += 1 }
                open = (role, start)
            }
            guard line < b.count, let hit = memchr(base + line, 0x0A, b.count - line) else { break }
            line = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
        }
        close(at: b.count)
        guard let last = turns.last, last.role == .gpt, isBlank(UnsafeBufferPointer(rebasing: b[last.text])) else {
            return nil
        }
        turns.removeLast()
        return turns
    }

    /// Whether the UTF-8 text `b` is white space only (`Character.isWhitespace`), looking at
    /// its characters only when it has a byte outside ASCII.
    private static func isBlank(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in b {
            if byte >= 0x80 { return String(knownValidUTF8: b).allSatisfy { $0.isWhitespace } }
            if !(byte == 0x20 || (0x09...0x0D).contains(byte)) { return false }
        }
        return true
    }

    private static let human = Array("Human:".utf8)
    private static let assistant = Array("Assistant:".utf8)
}

/// The lines of `text`, split on LF by bytes (a String split would walk grapheme clusters, and
/// would take CR LF for one character).
func splitLines(_ text: String) -> [Substring] {
    // Line feeds found with memchr; native strings index their UTF-8 in constant time.
    let breaks = text.withUTF8Bytes { b -> [Int] in
        guard let base = b.baseAddress else { return [] }
        var found: [Int] = []
        var i = 0
        while i < b.count, let hit = memchr(base + i, 0x0A, b.count - i) {
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            found.append(at)
            i = at + 1
        }
        return found
    }
    let utf8 = text.utf8
    var out: [Substring] = []
    out.reserveCapacity(breaks.count + 1)
    var start = utf8.startIndex
    for at in breaks {
        let end = utf8.index(utf8.startIndex, offsetBy: at)
        out.append(text[start..<end])
        start = utf8.index(after: end)
    }
    out.append(text[start...])
    return out
}

/// BELLE's generated_chat: an instruction describing two characters, and an output of `Name: text`
/// lines.
///
/// The speakers are the first two distinct names, in order.
enum GeneratedChat {
    private static let roleInformation = Array("角色信息".utf8)

    /// Whether an instruction may set up a generated chat (it names the characters' 角色信息).
    static func mayBe(instruction: UnsafeBufferPointer<UInt8>) -> Bool {
        UTF8Search.firstOffset(of: Self.roleInformation, in: instruction) != nil
    }

    /// The speaker names, or `nil` when the record is not a generated chat.
    static func speakers(instruction: String, output: String) -> [String]? {
        guard instruction.withUTF8Bytes(mayBe(instruction:)) else { return nil }
        var names: [String] = []
        for line in splitLines(output) where !line.isEmpty {
            guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }) else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 20, !names.contains(name) else { continue }
            names.append(name)
            if names.count == 2 { break }
        }
        return names.count == 2 ? names : nil
    }
}
