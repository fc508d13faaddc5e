import Formats
import Normalize

/// `normalize.replace`: literal replacements in every turn, such as Qingyun's `{br}` → line break.
public struct ReplaceStep: PipelineStep {
    public let id = "normalize.replace"
    public let replacements: [(String, String)]
    private let byteReplacements: [([UInt8], [UInt8])]
    /// The targets, to tell at once whether a text has any.
    private let targets: UTF8Search.Needles

    public init(_ replacements: [(String, String)]) {
        self.replacements = replacements
        self.byteReplacements = replacements.map { (Array($0.0.utf8), Array($0.1.utf8)) }
        targets = UTF8Search.Needles(byteReplacements.map(\.0))
    }

    public var parameters: [String: String] {
        Dictionary(replacements.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
    }

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        var changed = false
        for i in c.turns.indices {
            for (from, to) in byteReplacements {
                if let replaced = UTF8Search.replacingAll(from, with: to, in: c.turns[i].text) {
                    c.turns[i].text = replaced
                    changed = true
                }
            }
        }
        return changed ? .modified : .unchanged
    }

    /// Texts without any of the targets stay borrowed; the others are replaced as
    /// ``apply(_:)`` replaces them.
    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        c.mapTexts(replaced(bytes:))
    }

    public mutating func applyBatch(_ batch: inout LaneBatch) {
        batch.mapTexts(replaced(bytes:))
    }

    /// The text with every replacement made, or `nil` when there is none to make.
    private func replaced(bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard targets.firstFound(in: bytes) != nil else { return nil }
        var text = String(knownValidUTF8: bytes)
        for (from, to) in byteReplacements {
            if let replaced = UTF8Search.replacingAll(from, with: to, in: text) { text = replaced }
        }
        return text
    }
}
