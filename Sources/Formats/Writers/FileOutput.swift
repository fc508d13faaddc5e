import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file being written: buffered POSIX writes, a running SHA-256 and a byte count.
///
/// The file is created under the given path (the caller picks a temporary name and renames it
/// when complete, see ``ShardWriter``). Owns its descriptor; `close()` flushes and closes it.
///
/// Its bytes go to the disk while it is written: whenever 256 KiB have reached the kernel since
/// the last (8 MiB once the file is past 4 MiB), a background `fdatasync` starts (unless one
/// still runs), so the `fsync` that ends the file, on the critical path at the end of a run,
/// waits for little more than the last bytes. A background sync that fails fails
/// ``syncAndClose()``.
public final class FileOutput {
    public let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 18
    private var digest = SHA256Digest()
    /// Bytes written so far.
    public private(set) var byteCount: UInt64 = 0
    /// Bytes handed to the kernel since the last background sync began.
    private var unsynced = 0
    private let early: EarlySync
    /// How many bytes reach the kernel before a background sync starts (when none runs): 256 KiB
    /// in the first 4 MiB of a file, 8 MiB after that.
    static let earlySyncBytes = 1 << 18
    static let earlySyncSmallFile: UInt64 = 4 << 20
    static let earlySyncLargeBytes = 8 << 20

    /// Writes `bytes` to `temporary` (by default `.<name>.partial` beside `path`), syncs it and
    /// renames it to `path`, so that a reader finds the whole file or none.
    public static func writeWhole(_ bytes: [UInt8], to path: String, temporary: String? = nil) throws {
        let url = URL(fileURLWithPath: path)
        let beside = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        let tmp = temporary ?? beside.path
        let out = try FileOutput(path: tmp)
        try out.write(bytes)
        _ = try out.close()
        if rename(tmp, path) != 0 {
            throw FormatsError.renameFailed(from: tmp, to: path, errno: errno)
        }
    }

    /// Creates (or truncates) `path`.
    public convenience init(path: String) throws {
        try self.init(path: path, sync: EarlySync.fdatasync)
    }

    /// Creates (or truncates) `path`; `sync` is the background sync (tests give one that fails).
    init(path: String, sync: @escaping EarlySync.Sync) throws {
        self.path = path
        early = EarlySync(sync)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FormatsError.cannotOpen(path: path, errno: errno) }
        self.fd = fd
        buffer.reserveCapacity(capacity)
    }

    deinit {
        if fd >= 0 {
            _ = early.wait()
            Glibc.close(fd)
        }
    }

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
        if let failed = early.wait() { throw FormatsError.writeFailed(path: path, errno: failed) }
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
            unsynced += bytes.count
            let step = byteCount < Self.earlySyncSmallFile ? Self.earlySyncBytes : Self.earlySyncLargeBytes
            if unsynced >= step && early.startIfIdle(fd) { unsynced = 0 }
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

/// One background sync of a file at a time, while the file is still being written.
///
/// A sync asked for while one runs would wait for it: it is not started, and the next write
/// asks again. The first error is kept for ``wait()``: after a failed sync, a later one may
/// report success for the same lost bytes.
final class EarlySync: @unchecked Sendable {
    /// Syncs a descriptor's data; returns the errno of a failure, or `nil`.
    typealias Sync = @Sendable (Int32) -> Int32?

    /// `fdatasync`; a descriptor that cannot be synced (EINVAL: a pipe, say) is no failure.
    static let fdatasync: Sync = { fd in
        Glibc.fdatasync(fd) != 0 && errno != EINVAL ? errno : nil
    }

    private let sync: Sync
    private let lock = NSLock()
    private var running = false
    private var failure: Int32?
    private let group = DispatchGroup()
    private static let queue = DispatchQueue(label: "corpus-clean.early-sync", attributes: .concurrent)

    init(_ sync: @escaping Sync) { self.sync = sync }

    /// Starts a sync of `fd` unless one is running; returns whether it started one.
    func startIfIdle(_ fd: Int32) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !running else { return false }
        running = true
        Self.queue.async(group: group) { [self] in
            let failed = sync(fd)
            lock.lock()
            running = false
            if failure == nil { failure = failed }
            lock.unlock()
        }
        return true
    }

    /// Waits for the running sync; returns the errno of the first that failed.
    func wait() -> Int32? {
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return failure
    }
}
