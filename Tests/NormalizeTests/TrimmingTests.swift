import Foundation
import Testing

@testable import Normalize

@Suite struct TrimmingTests {
    /// Every BMP scalar alone is in our set exactly when Foundation trims it.
    @Test func setsMatchFoundationOnEveryBMPScalar() {
        let sets: [(TrimSet, CharacterSet)] = [(.whitespaces, .whitespaces), (.newlines, .newlines)]
        for (ours, foundation) in sets {
            var differ: [UInt32] = []
            for v in UInt32(0)..<0x10000 {
                guard let scalar = Unicode.Scalar(v) else { continue }
                let s = String(Character(scalar))
                if s.trimming(ours).isEmpty != s.trimmingCharacters(in: foundation).isEmpty { differ.append(v) }
            }
            #expect(differ == [], "\(ours): \(differ.map { String($0, radix: 16) })")
        }
    }

    /// On random strings of spaces of every kind, line breaks, combining marks and text, the
    /// Swift trimming gives what Foundation's `trimmingCharacters(in:)` gives, for each set.
    @Test func matchesFoundation() {
        var rng = SystemRandomNumberGenerator()
        let pieces = [
            " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2003}", "\u{2028}",
            "\u{2029}", "\u{202F}", "\u{3000}", "\u{200B}", "\u{301}", "a", "中", "😀", "e\u{301}",
        ]
        let sets: [(TrimSet, CharacterSet)] = [
            (.whitespaces, .whitespaces), (.newlines, .newlines), (.whitespacesAndNewlines, .whitespacesAndNewlines),
        ]
        for _ in 0..<2000 {
            let s = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            for (ours, foundation) in sets {
                #expect(s.trimming(ours) == s.trimmingCharacters(in: foundation), "\(s.unicodeScalars.map(\.value))")
                #expect(s.dropFirst(0).trimming(ours) == s.trimmingCharacters(in: foundation))
            }
        }
    }
}
