import Foundation

/// The staging folders of the sources running in this process (`<output>/.<source>.staging`),
/// so that an interrupted run can remove what it had half written.
///
/// Publishing a source (its staging folder put in the place of its output) and removing the
/// staging folders take the same lock: an interrupt never finds a source half published, with
/// its old output removed and the new one not yet renamed into place.
public enum StagingFolders {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var active: Set<String> = []
    nonisolated(unsafe) private static var closed = false

    /// Makes the staging folder `path` with `make` and records it as in use.
    ///
    /// - Throws: ``PipelineError/interrupted`` once the process is ending, or what `make`
    ///   throws.
    static func add(_ path: String, _ make: () throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw PipelineError.interrupted }
        active.insert(path)
        try make()
    }

    /// Runs `publish` (which renames `path` away or removes it) unless the process is ending,
    /// and forgets `path`.
    static func finish(_ path: String, _ publish: () throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        active.remove(path)
        guard !closed else { return }
        try publish()
    }

    /// Runs `body` (which writes what describes the published output, such as the run-wide
    /// manifest) unless the process is ending: an interrupt then writes its own, once the
    /// staging folders are gone, and a source that failed only because its staging folder was
    /// removed must not be listed after it.
    static func unlessClosed(_ body: () throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        try body()
    }

    /// Whether ``removeAllAndClose()`` has run: the process is ending on an interrupt, and what
    /// failed since (a source whose staging folder was removed under it) is not to be reported.
    public static var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed
    }

    /// Removes every staging folder in use and stops any more from being made or published; returns
    /// the folders removed, sorted.
    ///
    /// For the end of an interrupted process: call it once, then exit.
    public static func removeAllAndClose() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        closed = true
        let removed = active.sorted()
        for path in removed { try? FileManager.default.removeItem(atPath: path) }
        active.removeAll()
        return removed
    }
}
