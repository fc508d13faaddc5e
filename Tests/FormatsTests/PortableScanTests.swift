import CShims
import Testing

/// CShims' byte scans and JSON escaper against their one-byte-at-a-time `_portable` twins.
///
/// A target without SSE2 runs only the twins, and the SSE2 converter scan and escaper hand
/// them a text's last bytes. The other tests check the SSE2 versions against Swift's rules. This suite
/// extends that check to the twins on SSE2 machines, where nothing else runs them on whole
/// texts.
///
/// The inputs are random texts built from the bytes each scan looks for and their neighbours,
/// 0 to 80 bytes long (a text of pieces may pass 80 by its last piece), so a hit lands at every place a block or the tail can hold it.
@Suite struct PortableScanTests {
    /// Calls `body` with the bytes' address and count; an empty array still gets an address.
    private func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        let padded = bytes.isEmpty ? [0] : bytes
        return padded.withUnsafeBufferPointer { body($0.baseAddress.unsafelyUnwrapped, bytes.count) }
    }

    private func randomText(_ pieces: [String], plain: Int, using rng: inout some RandomNumberGenerator) -> [UInt8] {
        // Mostly the first `plain` pieces, so a hit often sits late in a long text.
        let mostly = Int.random(in: 0..<plain, using: &rng)
        let length = Int.random(in: 0...80, using: &rng)
        var text: [UInt8] = []
        while text.count < length {
            let upper = Bool.random(using: &rng) ? mostly + 1 : pieces.count
            text += Array(pieces[Int.random(in: 0..<upper, using: &rng)].utf8)
        }
        return text
    }

    @Test func normaliserCheckAgrees() {
        // Each character the normaliser rewrites, with neighbours that share its lead bytes.
        let pieces = [
            "a", "中", " ", "\u{85}", "\u{80}", "\u{86}", "\u{200A}", "\u{200B}", "\u{200D}", "\u{200E}",
            "\u{2027}", "\u{2028}", "\u{2029}", "\u{202A}", "\u{205F}", "\u{2060}", "\u{2061}", "\u{3000}",
            "\u{3001}", "\u{FEFE}", "\u{FEFF}", "\u{FF0F}", "\u{FF10}", "\u{FF19}", "\u{FF1A}", "\u{FF20}",
            "\u{FF21}", "\u{FF3A}", "\u{FF3B}", "\u{FF40}", "\u{FF41}", "\u{FF5A}", "\u{FF5B}", "😀",
        ]
        var rng = SystemRandomNumberGenerator()
        var answers = [0, 0]
        for trial in 0..<20_000 {
            let text = randomText(pieces, plain: 3, using: &rng)
            let fold = Int32(trial & 1)
            let simd = withBytes(text) { ccs_normaliser_finds($0, $1, fold) }
            let portable = withBytes(text) { ccs_normaliser_finds_portable($0, $1, fold) }
            #expect(simd == portable, "\(text), fold \(fold)")
            answers[Int(portable)] += 1
        }
        #expect(answers[0] > 1_000 && answers[1] > 1_000)
    }

    @Test func conversionCandidateAgrees() {
        // ASCII, two-, three- and four-byte characters; the table marks some three-byte ones.
        let pieces = ["a", "7", "中", "文", "。", "體", "國", "說", "，", "é", "·", "😀", "𠀀"]
        let marked: [Unicode.Scalar] = ["體", "國", "說", "，"]
        var rng = SystemRandomNumberGenerator()
        var found = (early: 0, none: 0)
        for trial in 0..<20_000 {
            var bits = [UInt64](repeating: 0, count: 1024)
            for scalar in marked where trial % 4 != 0 && Bool.random(using: &rng) {
                bits[Int(scalar.value >> 6)] |= 1 << UInt64(scalar.value & 63)
            }
            let text = randomText(pieces, plain: 3, using: &rng)
            let (simd, portable) = bits.withUnsafeBufferPointer { table in
                (
                    withBytes(text) { ccs_first_conversion_candidate($0, $1, table.baseAddress) },
                    withBytes(text) { ccs_first_conversion_candidate_portable($0, $1, table.baseAddress) }
                )
            }
            #expect(simd == portable, "\(text)")
            if portable == text.count { found.none += 1 } else { found.early += 1 }
        }
        #expect(found.early > 1_000 && found.none > 1_000)
    }

    @Test func jsonEscapeAgrees() {
        let alphabet: [UInt8] = [
            0x00, 0x01, 0x08, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x22, 0x2F, 0x5C, 0x41, 0x7F, 0x80, 0xE4, 0xFF,
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let plain = Int.random(in: 1...alphabet.count, using: &rng)
            let text = (0..<Int.random(in: 0...80, using: &rng)).map { _ in
                alphabet[Int.random(in: 0..<(Bool.random(using: &rng) ? plain : alphabet.count), using: &rng)]
            }
            var simdOut = [UInt8](repeating: 0, count: 6 * text.count + 1)
            var portableOut = simdOut
            let simd = withBytes(text) { p, n in
                simdOut.withUnsafeMutableBufferPointer { ccs_json_escape(p, n, $0.baseAddress) }
            }
            let portable = withBytes(text) { p, n in
                portableOut.withUnsafeMutableBufferPointer { ccs_json_escape_portable(p, n, $0.baseAddress) }
            }
            #expect(simd == portable && simdOut.prefix(simd) == portableOut.prefix(portable), "\(text)")
        }
    }

    @Test func findAgrees() {
        let alphabet: [UInt8] = Array("abzABZ@[`{".utf8) + [0xE4, 0xB8, 0xAD, 0x00]
        var rng = SystemRandomNumberGenerator()
        var found = (hit: 0, miss: 0)
        for trial in 0..<20_000 {
            let hay = (0..<Int.random(in: 0...80, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let fold = Int32(trial & 1)
            var needle: [UInt8]
            let length = Int.random(in: 0...5, using: &rng)
            if !hay.isEmpty && Bool.random(using: &rng) {
                let start = Int.random(in: 0..<hay.count, using: &rng)
                needle = Array(hay[start..<min(hay.count, start + length)])
            } else {
                needle = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            }
            // Under `fold` the needle is given in lower case.
            if fold == 1 { needle = needle.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 } }
            let (simd, portable) = withBytes(hay) { h, n in
                withBytes(needle) { p, m in (ccs_find(h, n, p, m, fold), ccs_find_portable(h, n, p, m, fold)) }
            }
            #expect(simd == portable, "\(hay) \(needle) fold \(fold)")
            if portable == hay.count { found.miss += 1 } else { found.hit += 1 }
        }
        #expect(found.hit > 1_000 && found.miss > 1_000)
    }
}
