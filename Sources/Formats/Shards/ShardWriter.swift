import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One finished output file, as the manifest records it.
public struct ShardInfo: Sendable, Codable, Equatable {
    /// The path relative to the output root, such as `xiaohuangji/xiaohuangji-00000.jsonl.zst`.
    public var path: String
    public var records: Int
    public var bytes: UInt64
    public var sha256: String
}

/// Writes numbered shards `<prefix>-00000.<ext>[.zst]`, rotating every `shardRecords` records.
///
/// Each shard is written under a hidden temporary name (`.<name>.partial`) and renamed when it
/// is complete, so a reader never sees half a shard under its final name. Records written one
/// at a time are encoded into a buffer and handed to zstd (or the file) in large blocks;
/// records encoded ahead (``write(encoded:ends:offset:lines:)``) go to zstd as they are.
///
/// A complete shard waits for its bytes to reach the disk (`fsync`) before it is renamed. That
/// wait, tens of milliseconds a shard, happens on a queue of the writer's own, while the next
/// shard is written; ``finish()`` returns once every shard is renamed, and throws the first
/// error of a sync or rename (as does the next ``write(_:)`` after one). ``complete()`` and
/// ``waitUntilRenamed()`` are its two halves, for a caller with something to do between them.
public final class ShardWriter {
    public let directory: String
    /// The part of `directory` that shard paths in the manifest are relative to.
    public let relativeDirectory: String
    public let prefix: String
    public let fileExtension: String
    public let compression: Compression
    public let level: Int
    /// zstd worker threads (`ZSTD_c_nbWorkers`): 0 compresses on the writing thread.
    public let threads: Int
    /// zstd's job size (`ZSTD_c_jobSize`) when workers compress; `nil`: zstd's choice.
    public let zstdJobBytes: Int32?
    public let shardRecords: Int

    private var file: FileOutput?
    private var zstd: ZstdEncoder?
    private var buffer: [UInt8] = []
    private var recordsInShard = 0
    private var finalName = ""
    public private(set) var shards: [ShardInfo] = []
    /// Syncs and renames complete shards, in order, off the writing thread.
    private let closing = DispatchQueue(label: "corpus-clean.shard-close")
    private let pending = DispatchGroup()
    /// The first error of a sync or rename on `closing`.
    private let closeError = FirstError()

    /// - Parameters:
    ///   - directory: where the shards go (must exist).
    ///   - relativeDirectory: how `directory` is named in ``ShardInfo/path``.
    ///   - prefix: the shard name prefix, e.g. the source id or `rejects`.
    ///   - fileExtension: `jsonl` or `tsv`.
    ///   - compression: zstd or none.
    ///   - level: the zstd level.
    ///   - threads: zstd worker threads; 0 compresses on the writing thread. The bytes are
    ///     the same for every run with the same value (zstd's multi-threaded output depends on
    ///     parameters, not timing), and the same for any value of 1 or more.
    ///   - zstdJobBytes: the input of one zstd job when workers compress
    ///     (``ZstdEncoder/jobBytes(level:inputBytes:)``); `nil`: zstd's choice.
    ///   - shardRecords: records per shard before rotating (at least 1).
    public init(
        directory: String, relativeDirectory: String, prefix: String, fileExtension: String,
        compression: Compression, level: Int, threads: Int = 1, zstdJobBytes: Int32? = nil, shardRecords: Int
    ) {
        self.directory = directory
        self.relativeDirectory = relativeDirectory
        self.prefix = prefix
        self.fileExtension = fileExtension
        self.compression = compression
        self.level = level
        self.threads = max(0, threads)
        self.zstdJobBytes = zstdJobBytes
        self.shardRecords = max(1, shardRecords)
        buffer.reserveCapacity(1 << 18)
    }

    /// Appends one record, encoded by `encode` into the buffer; `encode` returns how many
    /// output lines it wrote, which is what shards count.
    @discardableResult
    public func write(_ encode: (inout [UInt8]) -> Int) throws -> Int {
        if file == nil {
            try rethrowCloseError()
            try openShard()
        }
        let lines = encode(&buffer)
        recordsInShard += lines
        if buffer.count >= 1 << 18 { try drain() }
        if recordsInShard >= shardRecords { try closeShard() }
        return lines
    }

    /// Appends records already encoded one after another: record `k` is the bytes up to
    /// `ends[k] - offset` in `bytes` (from where the one before it ends) and holds `lines[k]`
    /// output lines.
    ///
    /// The shards are the same as when each record is written in turn with ``write(_:)``: the
    /// records between two shard ends go to zstd in one piece, without a copy into the buffer
    /// (zstd's output does not depend on how its input is cut), and to a file without zstd
    /// through the buffer only when they are few.
    public func write(
        encoded bytes: UnsafeBufferPointer<UInt8>, ends: ArraySlice<Int>, offset: Int, lines: ArraySlice<Int>
    ) throws {
        precondition(ends.count == lines.count, "one line count per record")
        var from = 0  // where the records not yet written begin, in `bytes`
        var line = lines.startIndex
        for end in ends {
            if file == nil {
                try rethrowCloseError()
                try openShard()
            }
            recordsInShard += lines[line]
            line += 1
            guard recordsInShard >= shardRecords else { continue }
            try put(UnsafeBufferPointer(rebasing: bytes[from..<(end - offset)]))
            from = end - offset
            try closeShard()
        }
        try put(UnsafeBufferPointer(rebasing: bytes[from..<(ends.last.map { $0 - offset } ?? 0)]))
    }

    /// Writes `bytes` to the open shard after what the buffer holds: straight to zstd, which
    /// buffers its input itself (a copy into the buffer first would be a second copy); to the
    /// file through the buffer when they are few, so that small writes share a system call.
    private func put(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard bytes.count >= 1 << 16 || zstd != nil, file != nil else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 18 { try drain() }
            return
        }
        try drain()
        let raw = UnsafeRawBufferPointer(bytes)
        if let zstd { try zstd.write(raw) } else { try file?.write(raw) }
    }

    /// Closes the open shard; returns every shard written, once each is on disk and renamed.
    public func finish() throws -> [ShardInfo] {
        let all = try complete()
        try waitUntilRenamed()
        return all
    }

    /// Closes the open shard and returns every shard written, with its size and SHA-256.
    ///
    /// The last shards may still be reaching the disk: what describes them (a manifest) can be
    /// written meanwhile. ``waitUntilRenamed()`` then waits for them; nothing may be written
    /// after this.
    public func complete() throws -> [ShardInfo] {
        if file != nil { try closeShard() }
        try rethrowCloseError()
        return shards
    }

    /// Returns once every closed shard is on disk under its final name; throws the first error
    /// of a sync or rename.
    public func waitUntilRenamed() throws {
        pending.wait()
        try rethrowCloseError()
    }

    /// A writer given up without ``finish()`` (its run failed) still ends the shards it
    /// completed before it goes, so nothing renames a file in its folder afterwards.
    deinit { pending.wait() }

    private func rethrowCloseError() throws {
        if let error = closeError.error { throw error }
    }

    private func openShard() throws {
        var name =
            "\(prefix)-\(String(repeating: "0", count: max(0, 5 - String(shards.count).count)))\(shards.count).\(fileExtension)"
        if compression == .zstd { name += ".zst" }
        finalName = name
        let out = try FileOutput(path: "\(directory)/.\(name).partial")
        file = out
        zstd =
            compression == .zstd
            ? try ZstdEncoder(sink: out, level: level, workers: threads, jobBytes: zstdJobBytes) : nil
        recordsInShard = 0
    }

    private func drain() throws {
        guard !buffer.isEmpty, let file else { return }
        try buffer.withUnsafeBytes { bytes in
            if let zstd { try zstd.write(bytes) } else { try file.write(bytes) }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func closeShard() throws {
        guard let file else { return }
        try drain()
        try zstd?.finish()
        let sha = try file.complete()
        let finalPath = "\(directory)/\(finalName)"
        let errors = closeError
        closing.async(group: pending) {
            do {
                try file.syncAndClose()
                if rename(file.path, finalPath) != 0 {
                    throw FormatsError.renameFailed(from: file.path, to: finalPath, errno: errno)
                }
            } catch {
                errors.keep(error)
            }
        }
        let rel = relativeDirectory.isEmpty ? finalName : "\(relativeDirectory)/\(finalName)"
        shards.append(ShardInfo(path: rel, records: recordsInShard, bytes: file.byteCount, sha256: sha))
        self.file = nil
        self.zstd = nil
        recordsInShard = 0
    }
}

/// The first error reported from another thread.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: (any Error)?

    var error: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }

    func keep(_ error: any Error) {
        lock.lock()
        if first == nil { first = error }
        lock.unlock()
    }
}
