import Foundation

/// One JSON value read from a file, or why it could not be read, with its position.
public enum JSONItem {
    /// A parsed value, its raw bytes and where it starts.
    case value(JSONValue, raw: [UInt8], position: Int)
    /// A malformed value: what was wrong, its raw bytes and where it starts.
    case malformed(String, raw: [UInt8], position: Int)
    /// A value's bytes, not parsed yet (``JSONRecordReader/next(parsing:)`` with `false`):
    /// ``JSONRecordReader/parse(_:position:)`` turns it into one of the others, on any thread.
    /// An array element's bytes are a slice of the block of the file read with it, shared with
    /// the elements beside it rather than copied out; every such slice is followed in memory by
    /// ``SimdJSON/padding`` readable bytes, so simdjson can parse it in place.
    case unparsed(raw: ArraySlice<UInt8>, position: Int)
}

/// Reads JSON values one at a time from JSON Lines or from a top-level JSON array.
///
/// The layout is detected from the first byte that is not white space (after a BOM): `[` means
/// one array, streamed element by element (never loaded whole: the scanner keeps one element's
/// bytes at a time); anything else is JSON Lines, one value per line, blank lines skipped.
/// Positions are line numbers for JSON Lines and byte offsets for arrays (see ``unit``). Each
/// value is parsed with the project's ``FastJSONParser`` (Foundation's `JSONSerialization` is
/// slower, and on Linux drops a U+FEFF at the start of a string); a value that does not parse,
/// or that holds a lone surrogate escape (`"\ud800"`), is reported as malformed and reading
/// goes on.
public final class JSONRecordReader {
    public enum Layout: Sendable { case lines, array }

    public let path: String
    public private(set) var layout: Layout = .lines
    private let source: ByteSource
    private var lines: LineReader?
    /// The block of the file being cut, bytes `start..<end`.
    ///
    /// A new block is read into a new buffer (with room for simdjson's padding after it): the
    /// elements handed out are slices of the old one, which lives as long as they do.
    private var buffer: [UInt8]
    private let bufferBytes: Int
    private var start = 0
    private var end = 0
    private var eof = false
    private var consumed: UInt64 = 0
    private var arrayOpen = false
    private var arrayClosed = false

    /// The unit of positions: `.line` or `.byte`.
    public var unit: InputIssue.PositionUnit { layout == .lines ? .line : .byte }

    /// The longest record read: a JSON Lines line, or an array element.
    ///
    /// A longer one stops the file with ``FormatsError/lineTooLong(path:line:limit:)`` or
    /// ``FormatsError/elementTooLong(path:offset:limit:)``, so that memory stays bounded whatever
    /// the file holds (a lost quote can make the rest of a file one string).
    public let maxRecordBytes: Int

    /// Opens `path` (plain or zstd) and detects its layout.
    ///
    /// `bufferBytes` is how much of the file is read at a time (small values are for tests of
    /// elements that span reads).
    public init(
        path: String, bufferBytes: Int = 1 << 20, maxRecordBytes: Int = LineReader.defaultMaxLineBytes
    ) throws {
        self.path = path
        self.maxRecordBytes = max(1, maxRecordBytes)
        self.bufferBytes = max(16, bufferBytes)
        buffer = [UInt8](repeating: 0, count: self.bufferBytes)
        buffer.reserveCapacity(self.bufferBytes + SimdJSON.padding)
        let first = try InputFile.open(path)
        // Peek: read the first block to see the first significant byte, then hand the same
        // bytes to whichever reader fits.
        let n = try buffer.withUnsafeMutableBytes { try first.read(into: $0) }
        end = n
        if n == 0 { eof = true }
        var i = 0
        if n >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { i = 3 }
        while i < n, Self.isSpace(buffer[i]) { i += 1 }
        if i < n, buffer[i] == UInt8(ascii: "[") {
            layout = .array
            start = i + 1
            consumed = UInt64(i + 1)
            arrayOpen = true
            source = first
        } else {
            layout = .lines
            source = PrefixedSource(prefix: Array(buffer[0..<n]), rest: first)
            lines = LineReader(source: source, maxLineBytes: self.maxRecordBytes)
        }
    }

    /// Bytes of the file read so far (compressed ones for a zstd file), for progress.
    public var bytesRead: UInt64 { source.fileBytesRead }

    /// The next value, or `nil` at the end.
    ///
    /// - Throws: ``FormatsError`` when reading fails.
    ///
    /// - Parameter parsing: `false` returns each value's bytes unparsed (`.unparsed`), so the
    ///   parsing can happen elsewhere, e.g. on a worker thread.
    public func next(parsing: Bool = true) throws -> JSONItem? {
        self.parsing = parsing
        if let lines { return try nextLine(lines) }
        return try nextElement()
    }

    private var parsing = true

    /// The item for `raw`, which ``SimdJSON/padding`` readable bytes follow in memory.
    private func finish(_ raw: ArraySlice<UInt8>, _ position: Int) -> JSONItem {
        parsing ? Self.parse(Array(raw), position: position) : .unparsed(raw: raw, position: position)
    }

    private func nextLine(_ reader: LineReader) throws -> JSONItem? {
        while let line = try reader.next() {
            var raw = line.bytes
            if raw.withUnsafeBufferPointer(Self.isBlank) { continue }
            raw.reserveCapacity(raw.count + SimdJSON.padding)
            return finish(raw[...], line.number)
        }
        return nil
    }

    /// Where an element of the array stands while it is cut out of the buffer.
    private struct Cut {
        var started = false
        /// The closing bracket of each bracket open in the element, innermost last.
        var open: [UInt8] = []
        /// Set when the element is a scalar ended by the array's `]`.
        var closesArray = false
        var inString = false
        var escaped = false
        /// The offset of the element's first byte in the file.
        var position = 0
    }

    /// What scanning the buffer from `start` found (see ``scan(_:from:_:)``).
    private enum Scanned {
        /// The buffer ends inside the element (or before it starts): its bytes up to `end`
        /// belong to it (from `from`, when it has started).
        case more(from: Int)
        /// The element is the bytes `from ..< to`; the scan consumed everything before `next`.
        case element(from: Int, to: Int, next: Int)
        /// The array's `]`, at index `at`, before any element.
        case closed(at: Int)
    }

    /// Cuts the next element out of the array: a scan for the bytes that matter (quotes,
    /// backslashes and brackets), with the runs between them copied whole.
    private func nextElement() throws -> JSONItem? {
        guard !arrayClosed else { return nil }
        var element: [UInt8] = []
        var cut = Cut()
        while true {
            if start == end {
                if eof { break }
                try refill()
                continue
            }
            let scanned = buffer.withUnsafeBufferPointer {
                Self.scan(UnsafeBufferPointer(rebasing: $0[..<end]), from: start, &cut, consumed: consumed)
            }
            switch scanned {
            case .more(let from):
                if cut.started {
                    guard element.count + (end - from) <= maxRecordBytes else {
                        throw FormatsError.elementTooLong(path: path, offset: cut.position, limit: maxRecordBytes)
                    }
                    element.append(contentsOf: buffer[from..<end])
                }
                consumed += UInt64(end - start)
                start = end
            case .element(let from, let to, let next):
                consumed += UInt64(next - start)
                start = next
                if cut.closesArray { arrayClosed = true }
                // An element within this block is a slice of it (the block's padding, or the
                // bytes after the element, follow it); one that began in an earlier block is
                // copied together, with room for the padding.
                if element.isEmpty { return finish(buffer[from..<to], cut.position) }
                element.reserveCapacity(element.count + (to - from) + SimdJSON.padding)
                element.append(contentsOf: buffer[from..<to])
                return finish(element[...], cut.position)
            case .closed(let at):
                consumed += UInt64(at + 1 - start)
                start = at + 1
                arrayClosed = true
                return nil
            }
        }
        arrayClosed = true
        if !cut.started {
            return .malformed("the array is not closed with ]", raw: [], position: Int(consumed))
        }
        return .malformed(
            "the file ends inside this element (the array is truncated)", raw: element, position: cut.position)
    }

    /// Scans `bytes` from `start` for the end of the element `cut` describes, `consumed` being the
    /// file offset of `bytes[start]`.
    ///
    /// Before the element, white space and commas are skipped; an element ends at the bracket that
    /// closes it (kept), or at a comma or the array's `]` outside any bracket (neither kept: a
    /// scalar element). A closing bracket of the wrong kind also ends the element (kept: the
    /// element is then malformed), so that one element with a bracket lost does not swallow the
    /// rest of the file.
    private static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ cut: inout Cut, consumed: UInt64
    ) -> Scanned {
        let n = bytes.count
        var i = start
        if !cut.started {
            while i < n, isSpace(bytes[i]) || bytes[i] == UInt8(ascii: ",") { i += 1 }
            if i == n { return .more(from: n) }
            if bytes[i] == UInt8(ascii: "]") { return .closed(at: i) }
            cut.started = true
            cut.position = Int(consumed) + (i - start)
        }
        let from = i
        while i < n {
            if cut.inString {
                if cut.escaped {
                    cut.escaped = false
                    i += 1
                    continue
                }
                // The string's plain run, up to its next quote or backslash.
                i = ByteScan.first(of: 0x22, 0x5C, 0x22, 0x5C, in: bytes, from: i)
                if i == n { break }
                if bytes[i] == 0x5C { cut.escaped = true } else { cut.inString = false }
                i += 1
                continue
            }
            switch bytes[i] {
            case 0x22: cut.inString = true
            case UInt8(ascii: "{"): cut.open.append(UInt8(ascii: "}"))
            case UInt8(ascii: "["): cut.open.append(UInt8(ascii: "]"))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if cut.open.isEmpty && bytes[i] == UInt8(ascii: "]") {
                    // A scalar element, ended by the array's `]`.
                    cut.closesArray = true
                    return .element(from: from, to: i, next: i + 1)
                }
                // The bracket that closes the element's first one ends it; so does one that
                // closes what is not open (the element is then malformed, and the elements
                // after it are still read).
                if cut.open.popLast() != bytes[i] || cut.open.isEmpty {
                    return .element(from: from, to: i + 1, next: i + 1)
                }
            case UInt8(ascii: ","):
                if cut.open.isEmpty { return .element(from: from, to: i, next: i + 1) }
            default: break
            }
            i += 1
        }
        return .more(from: from)
    }

    private func refill() throws {
        start = 0
        // A new buffer: the old one may hold elements still being parsed.
        let size = bufferBytes
        let source = source
        buffer = try [UInt8](unsafeUninitializedCapacity: size + SimdJSON.padding) { b, count in
            count = try source.read(
                into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(b)[0..<size]))
        }
        end = buffer.count
        if end == 0 { eof = true }
    }

    /// Parses one value's bytes (see ``parseRecord(_:)``).
    public static func parse(_ raw: [UInt8], position: Int) -> JSONItem {
        switch raw.withUnsafeBufferPointer(parseRecord) {
        case .success(let value): return .value(value, raw: raw, position: position)
        case .failure(let problem): return .malformed(problem.reason, raw: raw, position: position)
        }
    }

    /// Why bytes are not one JSON value.
    public struct Problem: Error {
        public var reason: String
    }

    /// Parses the bytes of one record as a ``JSONValue`` (``parse(_:position:)`` without keeping
    /// them): with simdjson, and with ``FastJSONParser`` when simdjson rejects them, for the
    /// reason and byte offset (or for a number simdjson refuses).
    public static func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, Problem> {
        if let value = SimdJSON.parseRecord(bytes) { return .success(value) }
        return parseRefused(bytes)
    }

    /// ``parseRecord(_:)`` for bytes simdjson has refused already: ``FastJSONParser`` alone.
    public static func parseRefused(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, Problem> {
        do {
            return .success(try FastJSONParser.parseRecord(bytes))
        } catch let f as FastJSONParser.Failure {
            if f.reason.hasPrefix("a lone surrogate") { return .failure(Problem(reason: f.reason)) }
            let text = String(String(decoding: bytes, as: UTF8.self).prefix(30))
            return .failure(Problem(reason: "not valid JSON: \(f) (starting \(text.debugDescription))"))
        } catch {
            return .failure(Problem(reason: "not valid JSON"))
        }
    }

    /// For JSON Lines input, the next run of whole lines (see
    /// ``LineReader/nextChunk(minBytes:maxLines:cutBefore:scan:)``), or `nil` at the end; always
    /// `nil` for a JSON array (read it with ``next(parsing:)``).
    ///
    /// A line of white space only is no record (``isBlank(_:)``).
    public func nextLineChunk(minBytes: Int, scan: (RawLine) -> Void) throws -> LineChunk? {
        try lines?.nextChunk(minBytes: minBytes, scan: scan)
    }

    /// Whether a line holds white space only (no record).
    public static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool { line.allSatisfy(isSpace) }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}

/// A byte source that first returns `prefix`, then reads `rest`.
final class PrefixedSource: ByteSource {
    var path: String { rest.path }
    /// The prefix was read from `rest`, which counted it.
    var fileBytesRead: UInt64 { rest.fileBytesRead }
    private var prefix: [UInt8]
    private var offset = 0
    private let rest: ByteSource

    init(prefix: [UInt8], rest: ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset < prefix.count {
            let n = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { src in
                guard let to = buffer.baseAddress, let from = src.baseAddress else { return }
                to.copyMemory(from: from + offset, byteCount: n)
            }
            offset += n
            return n
        }
        return try rest.read(into: buffer)
    }
}
