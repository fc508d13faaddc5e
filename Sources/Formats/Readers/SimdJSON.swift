import CSimdJSON

/// simdjson (the system library, through the `CSimdJSON` shim) for the hot paths: UTF-8
/// validation, and parsing a record into a ``JSONValue``.
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
        guard let base = bytes.baseAddress else { return nil }
        var start: UnsafePointer<UInt8>?
        var count = 0
        guard ccs_json_parse(base, bytes.count, &start, &count) != 0, let start else { return nil }
        var tape = Tape(base: start, end: start + count)
        return tape.value()
    }

    /// A reader over the shim's tape (layout in `ccs_simdjson.h`). The tape is simdjson's
    /// output, so it is trusted: its strings are valid UTF-8 and its counts are exact.
    private struct Tape {
        var base: UnsafePointer<UInt8>
        let end: UnsafePointer<UInt8>

        mutating func load<T>(_: T.Type) -> T {
            let v = UnsafeRawPointer(base).loadUnaligned(as: T.self)
            base += MemoryLayout<T>.size
            return v
        }

        mutating func string() -> String {
            let n = Int(load(UInt32.self))
            let bytes = load(UnsafePointer<UInt8>.self)
            return String(knownValidUTF8: UnsafeBufferPointer(start: bytes, count: n))
        }

        mutating func value() -> JSONValue {
            let tag = base.pointee
            base += 1
            switch tag {
            case UInt8(ascii: "s"):
                return .string(string())
            case UInt8(ascii: "o"):
                let n = Int(load(UInt32.self))
                var members: [(key: String, value: JSONValue)] = []
                members.reserveCapacity(n)
                for _ in 0..<n {
                    let key = string()
                    members.append((key, value()))
                }
                return .object(members)
            case UInt8(ascii: "a"):
                let n = Int(load(UInt32.self))
                var items: [JSONValue] = []
                items.reserveCapacity(n)
                for _ in 0..<n { items.append(value()) }
                return .array(items)
            case UInt8(ascii: "i"):
                return .integer(Int(load(Int64.self)))
            case UInt8(ascii: "u"):
                // Past Int64: FastJSONParser makes such an integer a Double too.
                return .double(Double(load(UInt64.self)))
            case UInt8(ascii: "d"):
                return .double(load(Double.self))
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
