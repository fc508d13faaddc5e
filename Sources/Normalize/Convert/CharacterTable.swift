/// A code-point table compiled from ICU's `Traditional-Simplified` transform.
///
/// ICU runs at about 12 MB/s here; calling it per record would make conversion the slowest step
/// of every pipeline. So the transform is applied once per process to every code point it may
/// change (its source set, which ICU reports, across the BMP and the supplementary planes), each
/// in isolation, and what changes is kept: a flat array for the BMP, a dictionary above it. The hot path is then one
/// array load per character. ICU's few context rules (it keeps 乾 in 乾坤) are not captured
/// here on purpose: context is the phrase layer's job, with rules we can read and test.
public struct CharacterTable: Sendable {
    /// BMP: 0 = unchanged, else the replacement scalar; `multiMarker` = see `multi`.
    private var bmp: [UInt32]
    private var supplementary: [UInt32: UInt32]
    private var multi: [UInt32: String]
    private static let multiMarker: UInt32 = 0xFFFF_FFFF
    /// How many code points map to something else.
    public private(set) var count = 0

    /// An empty table: every character maps to itself.
    public init() {
        bmp = Array(repeating: 0, count: 0x10000)
        supplementary = [:]
        multi = [:]
    }

    /// Compiles the table from `transform`, skipping `excluded` code points (kept as they are).
    ///
    /// - Throws: ``NormalizeError`` when ICU fails.
    public init(compiling transform: ICUTransform, excluding excluded: Set<UInt32> = []) throws {
        self.init()
        var batch: [UInt32] = []
        batch.reserveCapacity(4096)
        func flush() throws {
            guard !batch.isEmpty else { return }
            try compile(batch, transform)
            batch.removeAll(keepingCapacity: true)
        }
        for range in try transform.sourceRanges() {
            for cp in range where !excluded.contains(cp) && cp != 0x0A && !(0xD800...0xDFFF).contains(cp) {
                batch.append(cp)
                if batch.count == 4096 { try flush() }
            }
        }
        try flush()
    }

    /// Transforms the code points separated by line feeds in one ICU call; a chunk whose
    /// output does not split back into as many lines is redone one code point at a time.
    private mutating func compile(_ cps: [UInt32], _ transform: ICUTransform) throws {
        var text = String.UnicodeScalarView()
        for cp in cps {
            if let s = Unicode.Scalar(cp) { text.append(s) }
            text.append("\n")
        }
        let out = try transform.apply(String(text))
        let pieces = out.split(separator: "\n", omittingEmptySubsequences: false)
        if pieces.count == cps.count + 1 {
            for (cp, piece) in zip(cps, pieces) {
                // Most code points map to themselves: skip those without building a string.
                var it = piece.unicodeScalars.makeIterator()
                if it.next()?.value == cp, it.next() == nil { continue }
                set(cp, String(piece))
            }
        } else {
            for cp in cps {
                guard let s = Unicode.Scalar(cp) else { continue }
                set(cp, try transform.apply(String(s)))
            }
        }
    }

    /// Every code point that maps to something else, with what it becomes, in code point order.
    public var mappings: [(UInt32, String)] {
        var out: [(UInt32, String)] = []
        out.reserveCapacity(count)
        func add(_ cp: UInt32) {
            switch lookup(cp) {
            case .scalar(let v)?: out.append((cp, Unicode.Scalar(v).map { String($0) } ?? ""))
            case .string(let s)?: out.append((cp, s))
            case nil: break
            }
        }
        for cp in 0..<UInt32(bmp.count) where bmp[Int(cp)] != 0 { add(cp) }
        for cp in supplementary.keys.sorted() { add(cp) }
        return out
    }

    /// Maps `cp` to `output` (no-op when `output` is the character itself).
    public mutating func set(_ cp: UInt32, _ output: String) {
        set(cp, scalars: Array(output.unicodeScalars), output: output)
    }

    /// ``set(_:_:)`` given `output`'s scalars; `output` is made from them only when there are
    /// several (a table read back from its cache file is mostly single scalars).
    mutating func set(_ cp: UInt32, scalars: [Unicode.Scalar], output: String? = nil) {
        if scalars.count == 1 && scalars[0].value == cp { return }
        let had = lookup(cp) != nil
        if scalars.count == 1 {
            if cp < 0x10000 { bmp[Int(cp)] = scalars[0].value } else { supplementary[cp] = scalars[0].value }
            multi[cp] = nil
        } else {
            if cp < 0x10000 { bmp[Int(cp)] = Self.multiMarker } else { supplementary[cp] = Self.multiMarker }
            multi[cp] = output ?? String(String.UnicodeScalarView(scalars))
        }
        if !had { count += 1 }
    }

    /// Removes any mapping for `cp`, so it converts to itself.
    public mutating func clear(_ cp: UInt32) {
        guard lookup(cp) != nil else { return }
        if cp < 0x10000 { bmp[Int(cp)] = 0 } else { supplementary[cp] = nil }
        multi[cp] = nil
        count -= 1
    }

    /// What `cp` becomes: a single scalar, a string, or `nil` for itself.
    @inline(__always)
    public func lookup(_ cp: UInt32) -> Replacement? {
        let v = cp < 0x10000 ? bmp[Int(cp)] : (supplementary[cp] ?? 0)
        if v == 0 { return nil }
        if v == Self.multiMarker { return multi[cp].map(Replacement.string) }
        return .scalar(v)
    }

    public enum Replacement: Equatable {
        case scalar(UInt32)
        case string(String)
    }
}
