#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on an output folder for as long as a run writes to it (`flock(2)` on the
/// folder itself, so no lock file is left behind).
///
/// Two runs into one folder would otherwise share its staging folders and replace each other's
/// sources half-way.
final class OutputLock {
    private let fd: Int32

    /// - Throws: ``PipelineError/outputBusy(path:)`` when another process holds the lock, or
    ///   ``PipelineError/outputFailed(path:reason:)`` when the folder cannot be opened.
    init(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw PipelineError.outputFailed(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let e = errno
            close(fd)
            if e == EWOULDBLOCK { throw PipelineError.outputBusy(path: path) }
            throw PipelineError.outputFailed(path: path, reason: String(cString: strerror(e)))
        }
        self.fd = fd
    }

    /// Closing the folder releases the lock (as does the end of the process).
    deinit { close(fd) }
}
