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

    /// The line as a string, or `nil` when it is not valid UTF-8.
    public var text: String? { UTF8Validation.string(bytes) }

    /// `bytes[from...]` as a string, or `nil` when not valid UTF-8.
    public func text(from: Int) -> String? {
        UTF8Validation.string(UnsafeBufferPointer(rebasing: bytes[min(from, bytes.count)...]))
    }
}

/// Splits a byte stream into lines on `\n` only, accepting `\r\n`.
///
/// Other separators (a lone `\r`, U+2028, U+0085 …) are content, left for the normaliser:
/// splitting on them would shift records (the original's `codecs` reader did). A final line
/// without `\n` is returned too. Each line is validated as UTF-8 on its own, so one bad byte
/// spoils one record, never its neighbours. Memory is one buffer, grown only for a line
/// longer than it. A UTF-8 byte-order mark at the start of the stream is skipped.
public final class LineReader {
    public let source: ByteSource
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private var lineNumber = 0
    private var consumed: UInt64 = 0

    public init(source: ByteSource, bufferSize: Int = 1 << 20) {
        self.source = source
        self.buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    /// Opens `path` (zstd or plain) and reads it line by line.
    public convenience init(path: String) throws {
        self.init(source: try InputFile.open(path))
    }

    /// Bytes consumed so far (decompressed), for progress.
    public var bytesRead: UInt64 { consumed }

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
        var lineStart = first
        if lineNumber == 1, terminator - lineStart >= 3, buffer[lineStart] == 0xEF,
            buffer[lineStart + 1] == 0xBB, buffer[lineStart + 2] == 0xBF
        {
            lineStart += 3  // a byte-order mark starts the file, not the first record
        }
        var stop = terminator
        if stop > lineStart, buffer[stop - 1] == 0x0D { stop -= 1 }
        let number = lineNumber
        try buffer.withUnsafeBufferPointer { p in
            try body(RawLine(number: number, offset: offset, bytes: UnsafeBufferPointer(rebasing: p[lineStart..<stop])))
        }
    }

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
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
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
