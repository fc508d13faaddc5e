/// One line of input, without its line terminator.
public struct Line: Sendable {
    /// The 1-based line number.
    public var number: Int
    /// The byte offset of the line's first byte in the (decompressed) stream.
    public var offset: UInt64
    /// The line's text, or its raw bytes when they are not valid UTF-8.
    public var content: Content

    public enum Content: Sendable {
        case text(String)
        case invalidUTF8([UInt8])
    }

    /// The text, or `nil` when the line is not valid UTF-8.
    public var text: String? {
        if case .text(let s) = content { return s }
        return nil
    }

    /// The raw bytes of the line.
    public var bytes: [UInt8] {
        switch content {
        case .text(let s): return Array(s.utf8)
        case .invalidUTF8(let b): return b
        }
    }
}

/// A line's bytes without the terminator, borrowed from the reader's buffer.
public struct RawLine {
    public var number: Int
    public var offset: UInt64
    public var bytes: UnsafeBufferPointer<UInt8>
    /// Whether the bytes are known to be valid UTF-8 already: set for the lines of a chunk
    /// that was checked whole (see ``LineChunk/forEachLine(checkingUTF8:_:then:)``).
    public var knownValidUTF8 = false

    /// The line as a string, or `nil` when it is not valid UTF-8.
    public var text: String? {
        knownValidUTF8 ? String(knownValidUTF8: bytes) : UTF8Validation.string(bytes)
    }

    /// Whether `part` (the line's bytes, or a part of them that begins and ends next to ASCII
    /// bytes or the line's ends, so at character boundaries) is valid UTF-8: at once when the
    /// line is known to be, since every such part of valid UTF-8 is valid.
    @inline(__always)
    public func isValidUTF8(_ part: UnsafeBufferPointer<UInt8>) -> Bool {
        knownValidUTF8 || UTF8Validation.isValid(part)
    }

    /// `bytes[from...]` as a string, or `nil` when not valid UTF-8.
    public func text(from: Int) -> String? {
        UTF8Validation.string(UnsafeBufferPointer(rebasing: bytes[min(from, bytes.count)...]))
    }
}

/// Whole lines copied out of a ``LineReader`` (``LineReader/nextChunk(minBytes:maxLines:cutBefore:scan:)``),
/// to be split into lines again on another thread.
public struct LineChunk: Sendable {
    /// The lines with their terminators (the last may have none, at the end of the input).
    public let bytes: [UInt8]
    /// The number of the first line.
    public let firstLine: Int
    /// The offset of the first line's first byte in the stream.
    public let offset: UInt64
    public let lineCount: Int

    /// Whether ``SimdJSON/padding`` readable bytes follow the last line in memory, and so every
    /// line (the lines after it are read past too): simdjson may then parse a line in place.
    public var isPadded: Bool { bytes.capacity - bytes.count >= SimdJSON.padding }

    /// Calls `body` with each line, as ``LineReader/nextRaw(_:)`` gave it: the same number, offset
    /// and bytes.
    ///
    /// The bytes are valid only during the call.
    public func forEachLine(checkingUTF8: Bool = false, _ body: (RawLine) throws -> Void) rethrows {
        try forEachLine(checkingUTF8: checkingUTF8, body, then: {})
    }

    /// Calls `body` with each line, then `end`, while the lines' bytes are still valid: a
    /// parser that keeps lines' bytes between calls (a session of several lines) uses them
    /// last in `end`.
    ///
    /// With `checkingUTF8`, the chunk is checked whole first, in one pass: when it is valid
    /// UTF-8, so is every line (a line break is ASCII, never inside a character), and each
    /// line says so (``RawLine/knownValidUTF8``); otherwise no line does, and each is checked
    /// on its own as before, so one bad byte still spoils one record only.
    public func forEachLine(
        checkingUTF8: Bool = false, _ body: (RawLine) throws -> Void, then end: () throws -> Void
    ) rethrows {
        try bytes.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return try end() }
            let valid = checkingUTF8 && UTF8Validation.isValid(p)
            var start = 0
            var number = firstLine
            while start < p.count {
                let terminator =
                    memchr(base + start, 0x0A, p.count - start).map {
                        base.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                    } ?? p.count
                var line = LineReader.line(
                    p, from: start, to: terminator, number: number, offset: offset + UInt64(start))
                line.knownValidUTF8 = valid
                try body(line)
                number += 1
                start = terminator + 1
            }
            try end()
        }
    }
}

/// Splits a byte stream into lines on `\n` only, accepting `\r\n`.
///
/// Other separators (a lone `\r`, U+2028, U+0085 …) are content, left for the normaliser:
/// splitting on them would shift records (the original's `codecs` reader did). A final line
/// without `\n` is returned too. Each line is validated as UTF-8 on its own, so one bad byte
/// spoils one record, never its neighbours. Memory is one buffer, grown only for a line
/// longer than it, up to ``maxLineBytes``: a longer line stops the file with
/// ``FormatsError/lineTooLong(path:line:limit:)`` (a file with no line breaks is not what a
/// line source reads, and buffering it whole would take any amount of memory). A UTF-8
/// byte-order mark at the start of the stream is skipped.
public final class LineReader {
    /// The longest line read by default: 256 MiB.
    public static let defaultMaxLineBytes = 256 << 20

    public let source: ByteSource
    /// The longest line this reader buffers.
    public let maxLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private var lineNumber = 0
    private var consumed: UInt64 = 0

    public init(source: ByteSource, bufferSize: Int = 1 << 20, maxLineBytes: Int = LineReader.defaultMaxLineBytes) {
        self.source = source
        self.maxLineBytes = max(1, maxLineBytes)
        // Not zeroed: only the bytes reads put there are looked at, and a run reading a small file
        // then touches only the pages it fills.
        let size = min(bufferSize, self.maxLineBytes)
        self.buffer = [UInt8](unsafeUninitializedCapacity: size) { _, count in count = size }
    }

    /// Opens `path` (zstd or plain) and reads it line by line.
    public convenience init(path: String) throws {
        self.init(source: try InputFile.open(path))
    }

    /// Bytes of the file read so far (compressed ones for a zstd file), for progress: at most
    /// a buffer ahead of the lines handed out.
    public var bytesRead: UInt64 { source.fileBytesRead }

    /// The next line, or `nil` at the end of the input.
    ///
    /// - Throws: ``FormatsError`` when reading or decompressing fails.
    public func next() throws -> Line? {
        var line: Line?
        _ = try nextRaw { raw in
            let content: Line.Content
            if let s = raw.text {
                content = .text(s)
            } else {
                content = .invalidUTF8(Array(raw.bytes))
            }
            line = Line(number: raw.number, offset: raw.offset, content: content)
        }
        return line
    }

    /// Calls `body` with the next line's raw bytes, which are valid only during the call.
    ///
    /// The zero-copy form of ``next()`` for parsers that look at bytes before making strings.
    /// - Returns: `false` at the end of the input (without calling `body`).
    /// - Throws: ``FormatsError`` when reading fails, or what `body` throws.
    public func nextRaw(_ body: (RawLine) throws -> Void) throws -> Bool {
        while true {
            if let nl = findNewline() {
                let lineStart = start
                start = nl + 1
                try emit(from: lineStart, to: nl, body)
                return true
            }
            if eof {
                guard start < end else { return false }
                let lineStart = start
                start = end
                try emit(from: lineStart, to: end, body)
                return true
            }
            try refill()
        }
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBufferPointer { p -> Int? in
            guard let base = p.baseAddress,
                let hit = memchr(base + start, 0x0A, end - start)
            else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func emit(from first: Int, to terminator: Int, _ body: (RawLine) throws -> Void) throws {
        lineNumber += 1
        let offset = consumed
        consumed += UInt64(start - first)
        let number = lineNumber
        try buffer.withUnsafeBufferPointer { p in
            try body(Self.line(p, from: first, to: terminator, number: number, offset: offset))
        }
    }

    /// The line between `first` and its terminator (`\n` or the end) in `p`, without the
    /// terminator, a `\r` before it, or a byte-order mark at the start of line 1.
    static func line(
        _ p: UnsafeBufferPointer<UInt8>, from first: Int, to terminator: Int, number: Int, offset: UInt64
    ) -> RawLine {
        var lineStart = first
        if number == 1, terminator - lineStart >= 3, p[lineStart] == 0xEF, p[lineStart + 1] == 0xBB,
            p[lineStart + 2] == 0xBF
        {
            lineStart += 3  // a byte-order mark starts the file, not the first record
        }
        var stop = terminator
        if stop > lineStart, p[stop - 1] == 0x0D { stop -= 1 }
        return RawLine(number: number, offset: offset, bytes: UnsafeBufferPointer(rebasing: p[lineStart..<stop]))
    }

    /// The next run of whole lines, copied out of the reader so that another thread can split
    /// them (``LineChunk/forEachLine(_:)`` gives the same lines ``nextRaw(_:)`` would), or `nil`
    /// at the end of the input.
    ///
    /// Lines are taken until the chunk holds `minBytes` bytes and `cutBefore` accepts the next
    /// line as the first of a new chunk, or it holds `maxLines` lines, or the input ends.
    /// `scan` sees each line taken, here, in order (to keep state that the chunk's parser needs,
    /// such as a record ordinal). The line given to `cutBefore` and `scan` is valid only during
    /// the call; `cutBefore` may see a line twice.
    ///
    /// - Throws: ``FormatsError`` when reading fails, and
    ///   ``FormatsError/recordTooLong(path:line:limit:)`` when, past `minBytes`, no line that
    ///   `cutBefore` accepts comes within ``maxLineBytes``.
    public func nextChunk(
        minBytes: Int, maxLines: Int = .max, cutBefore: (RawLine) -> Bool = { _ in true },
        scan: (RawLine) -> Void = { _ in }
    ) throws -> LineChunk? {
        let firstLine = lineNumber + 1
        let firstOffset = consumed
        var chunk: [UInt8] = []
        var copied = start  // the chunk's bytes before this index are in `chunk` already
        var size = 0
        var lines = 0
        while lines < maxLines {
            // The whole lines in the buffer, under one borrow of it (a borrow per line cost a
            // retain and a release of the buffer each).
            let needsMore = try buffer.withUnsafeBufferPointer { p -> Bool in
                guard let base = p.baseAddress else { return !eof }
                while lines < maxLines {
                    guard start < end else { return !eof }
                    let nl = memchr(base + start, 0x0A, end - start).map {
                        base.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                    }
                    if nl == nil, !eof { return true }
                    let terminator = nl ?? end
                    let next = nl.map { $0 + 1 } ?? end
                    let line = Self.line(p, from: start, to: terminator, number: lineNumber + 1, offset: consumed)
                    if size >= minBytes, cutBefore(line) { return false }
                    scan(line)
                    lineNumber += 1
                    lines += 1
                    consumed += UInt64(next - start)
                    // Past `minBytes` each line taken was a cut refused: a chunk that grows so
                    // past the longest record found no place to end (a `.conv` session with no
                    // `E` line after it), and is refused rather than held whole, however long
                    // it runs.
                    let refusedCut = size >= minBytes
                    size += next - start
                    start = next
                    if refusedCut, size > maxLineBytes {
                        throw FormatsError.recordTooLong(path: source.path, line: firstLine, limit: maxLineBytes)
                    }
                }
                return false
            }
            guard needsMore else { break }
            chunk.append(contentsOf: buffer[copied..<start])
            try refill()
            copied = start
        }
        guard lines > 0 else { return nil }
        // Room after the lines for simdjson's padding (see ``LineChunk/isPadded``).
        chunk.reserveCapacity(chunk.count + (start - copied) + SimdJSON.padding)
        chunk.append(contentsOf: buffer[copied..<start])
        return LineChunk(bytes: chunk, firstLine: firstLine, offset: firstOffset, lineCount: lines)
    }

    /// The number of the last line read.
    public var linesRead: Int { lineNumber }

    private func refill() throws {
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    guard let base = p.baseAddress else { return }
                    _ = memmove(base, base + start, pending)
                }
            }
            start = 0
            end = pending
        }
        if end == buffer.count {
            // The buffer holds one unfinished line (a chunk's whole lines were copied out).
            guard buffer.count < maxLineBytes else {
                throw FormatsError.lineTooLong(path: source.path, line: lineNumber + 1, limit: maxLineBytes)
            }
            buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, maxLineBytes - buffer.count)))
        }
        let n = try buffer.withUnsafeMutableBytes { raw in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
        }
        if n == 0 { eof = true }
        end += n
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
