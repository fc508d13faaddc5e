import Formats

/// `normalize.replace`: literal replacements in every turn, e.g. Qingyun's `{br}` → line break.
public struct ReplaceStep: PipelineStep {
    public let id = "normalize.replace"
    public let replacements: [(String, String)]

    public init(_ replacements: [(String, String)]) {
        self.replacements = replacements
    }

    public var parameters: [String: String] {
        Dictionary(replacements.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        var changed = false
        for i in c.turns.indices {
            for (from, to) in replacements where c.turns[i].text.contains(from) {
                c.turns[i].text = c.turns[i].text.replacingOccurrences(of: from, with: to)
                changed = true
            }
        }
        return changed ? .modified : .unchanged
    }
}

import Foundation
