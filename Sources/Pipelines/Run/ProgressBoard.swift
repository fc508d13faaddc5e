import Foundation

/// Progress of the sources running now, shared between the workers and the progress line.
///
/// Workers post their byte and record counts now and then; the CLI reads a snapshot to draw
/// its line on a terminal. Guarded by a lock; nothing else crosses threads.
public final class ProgressBoard: @unchecked Sendable {
    public struct Entry: Sendable {
        public var bytesDone: UInt64 = 0
        public var bytesTotal: UInt64 = 0
        public var records = 0
        public var finished = false
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    public init() {}

    public func update(_ source: String, _ change: (inout Entry) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&entries[source, default: Entry()])
    }

    public func snapshot() -> [String: Entry] {
        lock.lock()
        defer { lock.unlock() }
        return entries
    }
}
