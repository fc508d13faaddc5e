import CSimdJSON

/// simdjson (the system library, through the `CSimdJSON` shim) for the hot paths: UTF-8
/// validation, and parsing a record.
///
/// simdjson validates and indexes a record with SIMD instructions, several times faster than
/// ``FastJSONParser``'s byte loop. It says only *that* bytes are not JSON, not where or why, so
/// a record it rejects goes to ``FastJSONParser``, which gives the reason and byte offset (and
/// takes the few values simdjson refuses but JSON allows: integers past 64 bits, numbers past
/// `Double`'s range). Both are strict in the same way: valid UTF-8, no lone surrogate escape,
/// nothing after the value, nesting at most 512 deep.
public enum SimdJSON {
    /// Whether `bytes` is well-formed UTF-8.
    @inline(__always)
    public static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return ccs_utf8_valid(base, bytes.count) != 0
    }

    /// `bytes` as one ``JSONValue``, or `nil` when simdjson rejects them.
    static func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        withRecord(bytes) { $0.value() }
    }

    /// The readable bytes simdjson needs after its input to read it in place (see
    /// ``withRecord(_:padded:_:)``).
    public static let padding = Int(ccs_json_padding())

    /// Parses `bytes` and calls `body` with the value, which (and every text it holds) is valid
    /// only during the call; `nil` when simdjson rejects the bytes.
    ///
    /// Not reentrant: `body` must not parse JSON on the same thread.
    ///
    /// - Parameter padded: at least ``padding`` bytes after `bytes` are readable memory (of any
    ///   value), so simdjson reads `bytes` where they are instead of copying them first.
    public static func withRecord<R>(
        _ bytes: UnsafeBufferPointer<UInt8>, padded: Bool = false, _ body: (TapeValue) throws -> R
    ) rethrows -> R? {
        guard let base = bytes.baseAddress else { return nil }
        var start: UnsafePointer<UInt8>?
        var count = 0
        let parsed =
            padded
            ? ccs_json_parse_padded(base, bytes.count, &start, &count)
            : ccs_json_parse(base, bytes.count, &start, &count)
        guard parsed != 0, let start else { return nil }
        return try body(TapeValue(at: start))
    }

    /// One value on the shim's tape (layout in `ccs_simdjson.h`): read in place, without building
    /// strings, arrays or a ``JSONValue``.
    ///
    /// The tape is simdjson's output, so it is trusted: its texts are valid UTF-8 and its counts
    /// exact.
    public struct TapeValue {
        let at: UnsafePointer<UInt8>

        private func load<T>(_: T.Type, _ offset: Int) -> T {
            UnsafeRawPointer(at + offset).loadUnaligned(as: T.self)
        }

        private var tag: UInt8 { at.pointee }

        /// The bytes the value takes on the tape.
        private var width: Int {
            switch tag {
            case UInt8(ascii: "s"): return 13
            case UInt8(ascii: "o"), UInt8(ascii: "a"): return 9 + Int(load(UInt32.self, 5))
            case UInt8(ascii: "i"), UInt8(ascii: "u"), UInt8(ascii: "d"): return 9
            default: return 1
            }
        }

        /// The UTF-8 bytes of a key or string whose length field is at `p`.
        private static func text(at p: UnsafePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            let n = Int(UnsafeRawPointer(p).loadUnaligned(as: UInt32.self))
            return UnsafeBufferPointer(
                start: UnsafeRawPointer(p + 4).loadUnaligned(as: UnsafePointer<UInt8>.self), count: n)
        }

        /// The text, when the value is a string.
        public var text: UnsafeBufferPointer<UInt8>? { tag == UInt8(ascii: "s") ? Self.text(at: at + 1) : nil }

        /// The number, when the value is an integer that fits an `Int` (``JSONValue/integer(_:)``).
        public var integer: Int? { tag == UInt8(ascii: "i") ? Int(load(Int64.self, 1)) : nil }

        public var isObject: Bool { tag == UInt8(ascii: "o") }

        public var isNull: Bool { tag == UInt8(ascii: "n") }

        /// The member named `key` of an object (the last one, when a key repeats, as
        /// ``JSONValue``'s subscript); `nil` for a missing key or a value that is not an object.
        public subscript(key: StaticString) -> TapeValue? {
            guard isObject else { return nil }
            let wanted = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
            var found: TapeValue?
            var p = at + 9
            for _ in 0..<Int(load(UInt32.self, 1)) {
                let name = Self.text(at: p)
                let value = TapeValue(at: p + 12)
                if ByteScan.equal(name, wanted) { found = value }
                p += 12 + value.width
            }
            return found
        }

        /// Calls `body` with each item of an array, in order; `false` when the value is not an array.
        public func forEachItem(_ body: (TapeValue) throws -> Void) rethrows -> Bool {
            guard tag == UInt8(ascii: "a") else { return false }
            var p = at + 9
            for _ in 0..<Int(load(UInt32.self, 1)) {
                let item = TapeValue(at: p)
                try body(item)
                p += item.width
            }
            return true
        }

        /// The value as a ``JSONValue`` (what ``FastJSONParser`` gives for the same bytes).
        public func value() -> JSONValue {
            switch tag {
            case UInt8(ascii: "s"):
                return .string(String(knownValidUTF8: Self.text(at: at + 1)))
            case UInt8(ascii: "o"):
                let n = Int(load(UInt32.self, 1))
                var members: [(key: String, value: JSONValue)] = []
                members.reserveCapacity(n)
                var p = at + 9
                for _ in 0..<n {
                    let value = TapeValue(at: p + 12)
                    members.append((String(knownValidUTF8: Self.text(at: p)), value.value()))
                    p += 12 + value.width
                }
                return .object(members)
            case UInt8(ascii: "a"):
                var items: [JSONValue] = []
                items.reserveCapacity(Int(load(UInt32.self, 1)))
                _ = forEachItem { items.append($0.value()) }
                return .array(items)
            case UInt8(ascii: "i"):
                return .integer(Int(load(Int64.self, 1)))
            case UInt8(ascii: "u"):
                // Past Int64: FastJSONParser makes such an integer a Double too.
                return .double(Double(load(UInt64.self, 1)))
            case UInt8(ascii: "d"):
                return .double(load(Double.self, 1))
            case UInt8(ascii: "t"):
                return .bool(true)
            case UInt8(ascii: "f"):
                return .bool(false)
            default:
                return .null
            }
        }
    }
}
