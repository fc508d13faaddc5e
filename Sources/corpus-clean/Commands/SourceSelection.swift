import ArgumentParser
import Foundation
import Pipelines

/// Runs the chosen sources with a progress line and a summary table on stderr.
///
/// Exit codes: 0 when every source succeeded, 1 when one failed; argument problems exit 64
/// through `validate()` before anything runs.
struct SourceExecution {
    var outputRoot: String
    var options: OutputOptions

    func execute(_ work: [(Source, [InputFileRef])]) throws {
        let board = ProgressBoard()
        var batch = BatchRunner(outputRoot: outputRoot, options: try options.runOptions(), jobs: options.jobCount)
        batch.progress = board
        let line = ProgressLine(board: board)
        let runner = batch
        let interrupts = Interrupts.install(
            cleanUp: { line.stop() },
            afterStop: { try? runner.writeRunManifest() })
        defer { withExtendedLifetime(interrupts) {} }
        line.start()
        let reports: [SourceReport]
        do {
            reports = try batch.run(work)
        } catch {
            Interrupts.yieldToAnInterrupt()
            line.stop()
            throw error
        }
        Interrupts.yieldToAnInterrupt()
        line.stop()
        SummaryTable.print(reports)
        if reports.contains(where: \.failed) { throw ExitCode.failure }
    }
}

/// Writes to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
