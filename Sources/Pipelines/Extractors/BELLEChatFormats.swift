import Formats
import Foundation

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
        guard instruction.hasPrefix("Human:") else { return nil }
        var turns: [Turn] = []
        for line in instruction.split(separator: "\n", omittingEmptySubsequences: false) {
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

    private static func strip(_ marker: String, _ line: Substring) -> String? {
        guard line.hasPrefix(marker) else { return nil }
        var rest = line.dropFirst(marker.count)
        if rest.first == " " { rest = rest.dropFirst() }
        return String(rest)
    }
}

/// BELLE's generated_chat: an instruction describing two characters, and an output of
/// `Name: text` lines. The speakers are the first two distinct names, in order.
enum GeneratedChat {
    /// The speaker names, or `nil` when the record is not a generated chat.
    static func speakers(instruction: String, output: String) -> [String]? {
        guard instruction.contains("角色信息") else { return nil }
        var names: [String] = []
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }) else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 20, !names.contains(name) else { continue }
            names.append(name)
            if names.count == 2 { break }
        }
        return names.count == 2 ? names : nil
    }
}
