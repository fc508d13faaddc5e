#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stream of bytes read in chunks; the readers above it never see whole files.
public protocol ByteSource: AnyObject {
    /// The path shown in messages.
    var path: String { get }
    /// Fills `buffer` from the start; returns the number of bytes read, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes of the file itself read so far: compressed ones for a zstd file. Progress and
    /// rates count these, since an input's size is its file's size.
    var fileBytesRead: UInt64 { get }
}

/// Plain bytes of a file, read with POSIX `read(2)`.
///
/// Owns its file descriptor and closes it in `deinit`. Not `Sendable`: each worker opens its own.
public final class FileByteSource: ByteSource {
    public let path: String
    private let fd: Int32
    /// Bytes read so far.
    public private(set) var offset: UInt64 = 0
    public var fileBytesRead: UInt64 { offset }

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FormatsError.cannotOpen(path: path, errno: errno) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw FormatsError.cannotOpen(path: path, errno: EISDIR)
        }
        self.fd = fd
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                offset += UInt64(n)
                return n
            }
            if errno == EINTR { continue }
            throw FormatsError.readFailed(path: path, errno: errno)
        }
    }

    /// Reads up to `count` bytes at `position` without moving the stream.
    func peek(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, 0) }
        return n > 0 ? Array(bytes[0..<n]) : []
    }
}

/// Opens input files, seeing through zstd compression.
public enum InputFile {
    /// The zstd frame magic number, little-endian `0xFD2FB528`.
    static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    /// Opens `path`, decompressing it when it starts with the zstd magic number (whatever its
    /// name), so `x.conv.zst` reads like `x.conv`.
    ///
    /// - Throws: ``FormatsError/cannotOpen(path:errno:)`` when the file cannot be opened.
    public static func open(_ path: String) throws -> ByteSource {
        let file = try FileByteSource(path: path)
        if file.peek(count: 4) == zstdMagic {
            return try ZstdDecoder(file: file)
        }
        return file
    }

    /// The whole content of `path`, decompressed when it is zstd: for small files read whole
    /// (a chatterbot YAML file, a tokenizer.json), never for data streams.
    public static func readAll(_ path: String) throws -> [UInt8] {
        let source = try open(path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }
}
