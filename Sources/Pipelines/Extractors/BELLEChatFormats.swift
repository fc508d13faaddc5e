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
        guard instruction.utf8.starts(with: "Human:".utf8) else { return nil }
        var turns: [Turn] = []
        for line in splitLines(instruction) {
            if let text = strip("Human:", line) {
                turns.append(Turn(.human, text))
            } else if let text = strip("Assistant:", line) {
                turns.append(Turn(.gpt, text))
            } else if !turns.isEmpty {
                turns[turns.count - 1].text += "\n" + line
            }
        }
        guard let last = turns.last, last.role == .gpt,
            last.text.allSatisfy({ $0.isWhitespace })
        else { return nil }
        turns.removeLast()
        return turns
    }

    /// A marker at the start of `line`: the text after it (and after one space), or nil.
    private static func strip(_ marker: String, _ line: Substring) -> String? {
        guard line.utf8.starts(with: marker.utf8) else { return nil }
        var rest = line.utf8.dropFirst(marker.utf8.count)
        if rest.first == 0x20 { rest = rest.dropFirst() }
        return String(Substring(rest))
    }
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

/// BELLE's generated_chat: an instruction describing two characters, and an output of
/// `Name: text` lines. The speakers are the first two distinct names, in order.
enum GeneratedChat {
    private static let roleInformation = Array("角色信息".utf8)

    /// The speaker names, or `nil` when the record is not a generated chat.
    static func speakers(instruction: String, output: String) -> [String]? {
        guard UTF8Search.firstOffset(of: Self.roleInformation, in: instruction) != nil else { return nil }
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
