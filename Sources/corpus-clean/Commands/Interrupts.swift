import Dispatch
import Foundation
import Pipelines

/// Ends a run on SIGINT (Ctrl-C) or SIGTERM: the sources still running leave no half-written
/// staging folder behind, their earlier output stays as it was, and the process exits with
/// 128 + the signal's number (130, 143), as shells report a process killed by it.
enum Interrupts {
    /// Handles the two signals until the process ends: `cleanUp` runs first (the progress line
    /// clears itself), `afterStop` once no source can publish any more (the run-wide manifest is
    /// written again from what the output folder holds).
    ///
    /// Keep the result alive for as long as the run lasts.
    static func install(
        cleanUp: @escaping @Sendable () -> Void, afterStop: @escaping @Sendable () -> Void
    ) -> [any DispatchSourceSignal] {
        // A queue of its own, which gets a thread even while the workers hold the pool's.
        let queue = DispatchQueue(label: "corpus-clean.interrupts")
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                cleanUp()
                let removed = StagingFolders.removeAllAndClose()
                afterStop()
                let what =
                    removed.isEmpty ? "" : "; removed the unfinished output in \(removed.joined(separator: ", "))"
                printError("interrupted\(what); earlier output is left as it was")
                // Straight out: the other threads are still writing, and exit()'s handlers
                // would run under them.
                _exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    /// Returns unless an interrupt has begun ending the process; then never returns, and the
    /// handler, which is still writing the run-wide manifest, exits with the signal's code.
    ///
    /// For the thread that ran the sources, before it reports on them: a source that failed
    /// because the interrupt removed its staging folder is no failure of its own, and exiting
    /// with 1 here would cut the handler short.
    static func yieldToAnInterrupt() {
        guard StagingFolders.isClosed else { return }
        while true { sleep(60) }
    }
}
