import CShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file being written: buffered POSIX writes, a running SHA-256 and a byte count.
///
/// The file is created under the given path (the caller picks a temporary name and renames it
/// when complete, see ``ShardWriter``). Owns its descriptor; `close()` flushes and closes it.
public final class FileOutput {
    public let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20
    private var digest = SHA256Digest()
    /// Bytes written so far.
    public private(set) var byteCount: UInt64 = 0
    /// Bytes written since the disk was last asked to take them.
    private var sinceWriteback = 0
    /// How many bytes are written between requests to start writing them to disk, so that the
    /// `fsync` that ends the file (on the critical path at the end of a run) finds little left.
    static let writebackBytes = 8 << 20

    /// Creates (or truncates) `path`.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FormatsError.cannotOpen(path: path, errno: errno) }
        self.fd = fd
        buffer.reserveCapacity(capacity)
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        byteCount += UInt64(bytes.count)
        digest.update(bytes)
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Flushes, closes, and returns the SHA-256 of everything written, as lowercase hex.
    public func close() throws -> String {
        let sha = try complete()
        try syncAndClose()
        return sha
    }

    /// Writes out what is buffered and returns the SHA-256 of everything written, as lowercase hex;
    /// nothing may be written after it.
    ///
    /// ``syncAndClose()`` then ends the file.
    public func complete() throws -> String {
        try flush()
        return try digest.finish()
    }

    /// Waits until the file's bytes are on disk (`fsync`), then closes it.
    ///
    /// May run on another thread than the writes, once ``complete()`` has returned.
    public func syncAndClose() throws {
        guard fd >= 0 else { return }
        if fsync(fd) != 0 && errno != EINVAL { throw FormatsError.writeFailed(path: path, errno: errno) }
        Glibc.close(fd)
        fd = -1
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        defer {
            sinceWriteback += bytes.count
            if sinceWriteback >= Self.writebackBytes {
                ccs_start_writeback(fd)
                sinceWriteback = 0
            }
        }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FormatsError.writeFailed(path: path, errno: errno)
            }
            done += n
        }
    }
}
