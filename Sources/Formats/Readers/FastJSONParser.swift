import Foundation

/// A strict JSON parser over UTF-8 bytes for the record readers' hot path.
///
/// Foundation's `JSONSerialization` parses BELLE and ShareGPT records at 37–43 MB/s on this
/// project's machines and was the largest single cost of those sources. This parser reads one
/// pass over the bytes, copying strings without escapes straight from the buffer, into either
/// form: ``parse(_:)`` gives Foundation's value types (`[String: Any]`, `[Any]`, `String`,
/// `Int`, `Double`, `Bool`, `NSNull`; for documents such as `tokenizer.json`), ``parseRecord(_:)``
/// a ``JSONValue`` (for records: no dictionary, no dynamic casts). It is strict where it matters
/// for data: strings must be valid UTF-8, `\u` escapes must not leave a lone surrogate, and
/// nothing may follow the value but white space. Errors carry the byte offset within the value.
enum FastJSONParser {
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "\(reason) at byte \(offset) of the record" }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Any {
        try whole(bytes) { try $0.value(depth: 0) }
    }

    /// Parses `bytes` as one ``JSONValue``.
    static func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        try whole(bytes) { try $0.record(depth: 0) }
    }

    private static func whole<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ read: (inout Cursor) throws -> T) throws -> T {
        var p = Cursor(b: bytes)
        p.skipSpace()
        let v = try read(&p)
        p.skipSpace()
        guard p.i == bytes.count else { throw Failure(offset: p.i, reason: "unexpected bytes after the value") }
        return v
    }

    private struct Cursor {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        func fail(_ reason: String) -> Failure { Failure(offset: i, reason: reason) }

        mutating func value(depth: Int) throws -> Any {
            guard depth < 512 else { throw fail("nesting deeper than 512") }
            guard i < b.count else { throw fail("the record ends where a value was expected") }
            switch b[i] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return try string()
            case UInt8(ascii: "t"): try literal("true"); return true
            case UInt8(ascii: "f"): try literal("false"); return false
            case UInt8(ascii: "n"): try literal("null"); return NSNull()
            default: return try number()
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let n = word.utf8CodeUnitCount
            guard i + n <= b.count,
                UnsafeBufferPointer(rebasing: b[i..<(i + n)]).elementsEqual(
                    UnsafeBufferPointer(start: word.utf8Start, count: n))
            else { throw fail("expected \(word)") }
            i += n
        }

        mutating func object(depth: Int) throws -> [String: Any] {
            // Room for a record's few keys at once: growing a dictionary rehashes every key.
            var result = [String: Any](minimumCapacity: 8)
            try members { c, key in result[key] = try c.value(depth: depth + 1) }
            return result
        }

        mutating func array(depth: Int) throws -> [Any] {
            var result: [Any] = []
            try elements { c in result.append(try c.value(depth: depth + 1)) }
            return result
        }

        /// Reads an object whose `{` is at the cursor, calling `body` at each member's value
        /// (which `body` must read) with its key.
        @inline(__always)
        mutating func members(_ body: (inout Cursor, String) throws -> Void) throws {
            i += 1
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return }
            while true {
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try string()
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                try body(&self, key)
                skipSpace()
                guard i < b.count else { throw fail("the record ends inside an object") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return }
                throw fail("expected ',' or '}'")
            }
        }

        /// Reads an array whose `[` is at the cursor, calling `body` at each element (which
        /// `body` must read).
        @inline(__always)
        mutating func elements(_ body: (inout Cursor) throws -> Void) throws {
            i += 1
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                skipSpace()
                try body(&self)
                skipSpace()
                guard i < b.count else { throw fail("the record ends inside an array") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return }
                throw fail("expected ',' or ']'")
            }
        }

        /// The value at the cursor as a ``JSONValue``.
        mutating func record(depth: Int) throws -> JSONValue {
            guard depth < 512 else { throw fail("nesting deeper than 512") }
            guard i < b.count else { throw fail("the record ends where a value was expected") }
            switch b[i] {
            case UInt8(ascii: "{"):
                var members: [(key: String, value: JSONValue)] = []
                try self.members { c, key in members.append((key, try c.record(depth: depth + 1))) }
                return .object(members)
            case UInt8(ascii: "["):
                var items: [JSONValue] = []
                try elements { c in items.append(try c.record(depth: depth + 1)) }
                return .array(items)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default:
                let start = i
                let (text, integral) = try numberText()
                if integral, let n = Int(text) { return .integer(n) }
                guard let d = Double(text) else { throw Failure(offset: start, reason: "an invalid number") }
                return .double(d)
            }
        }

        mutating func string() throws -> String {
            i += 1
            let start = i
            // Fast path: no escapes up to the closing quote.
            i = ByteScan.firstJSONSpecial(b, from: i)
            guard i < b.count else { throw fail("the record ends inside a string") }
            if b[i] < 0x20 { throw fail("a control character inside a string") }
            if b[i] == 0x22 {
                let slice = UnsafeBufferPointer(rebasing: b[start..<i])
                i += 1
                guard let s = UTF8Validation.string(slice) else { throw fail("a string is not valid UTF-8") }
                return s
            }
            var out = Array(UnsafeBufferPointer(rebasing: b[start..<i]))
            while i < b.count {
                let c = b[i]
                if c == 0x22 {
                    i += 1
                    guard let s = out.withUnsafeBufferPointer({ UTF8Validation.string($0) }) else {
                        throw fail("a string is not valid UTF-8")
                    }
                    return s
                }
                if c < 0x20 { throw fail("a control character inside a string") }
                if c != 0x5C {
                    let next = ByteScan.firstJSONSpecial(b, from: i)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<next]))
                    i = next
                    continue
                }
                guard i + 1 < b.count else { break }
                let e = b[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var cp = try hex4()
                    if (0xD800...0xDBFF).contains(cp) {
                        guard i + 1 < b.count, b[i] == 0x5C, b[i + 1] == UInt8(ascii: "u") else {
                            throw fail(
                                "a lone surrogate escape \\u\(String(cp, radix: 16, uppercase: true)) is not a character"
                            )
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw fail(
                                "a lone surrogate escape \\u\(String(cp, radix: 16, uppercase: true)) is not a character"
                            )
                        }
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(cp) {
                        throw fail(
                            "a lone surrogate escape \\u\(String(cp, radix: 16, uppercase: true)) is not a character")
                    }
                    guard let scalar = Unicode.Scalar(cp) else { throw fail("an invalid \\u escape") }
                    out.append(contentsOf: String(scalar).utf8)
                default:
                    throw fail("an invalid escape \\\(Character(Unicode.Scalar(e)))")
                }
            }
            throw fail("the record ends inside a string")
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= b.count else { throw fail("a short \\u escape") }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = b[i + k]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: throw fail("a \\u escape with a non-hex digit")
                }
                v = v << 4 | UInt32(d)
            }
            i += 4
            return v
        }

        mutating func number() throws -> Any {
            let start = i
            let (text, integral) = try numberText()
            if integral, let n = Int(text) { return n }
            guard let d = Double(text) else { throw Failure(offset: start, reason: "an invalid number") }
            return d
        }

        /// The number at the cursor, and whether it has neither fraction nor exponent.
        mutating func numberText() throws -> (String, Bool) {
            let start = i
            if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
            let digits = i
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            guard i > digits else { throw fail("expected a value") }
            var integral = true
            if i < b.count, b[i] == UInt8(ascii: ".") {
                integral = false
                i += 1
                while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                integral = false
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            }
            return (String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self), integral)
        }
    }
}
