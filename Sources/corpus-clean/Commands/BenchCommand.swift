import ArgumentParser
import Foundation
import Pipelines

/// `corpus-clean bench SOURCE…`: throughput and peak memory of a source run.
///
/// Runs each source alone (one at a time, so the figures are its own), `--repeat` times, each
/// time into an emptied scratch output folder, and prints input MB, best wall time, MB/s and
/// the process's peak resident memory; then, for the best run, the CPU seconds of all its
/// threads and the MB of shards it wrote. Use a release build; generate input with ../shared/tools/gen_raw_corpus.py.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure MB/s and peak memory of source runs.")

    @Argument(help: "Sources to measure.")
    var sources: [Source]

    @Option(help: "A raw root, a source folder, or a source file.")
    var input = "raw_chat_corpus"

    @Option(help: "Scratch output root (emptied before each run, removed at the end).")
    var output = ".bench_output"

    @Option(name: .customLong("repeat"), help: "Runs per source; the best is reported.")
    var repetitions = 1

    @OptionGroup var options: OutputOptions

    func validate() throws {
        if options.resume { throw ValidationError("bench measures runs: --resume would keep their output instead.") }
    }

    func run() throws {
        // Ctrl-C leaves no staging folder behind here either.
        let interrupts = Interrupts.install(cleanUp: {}, afterStop: {})
        defer { withExtendedLifetime(interrupts) {} }
        print("source\tinput_MB\tseconds\tMB/s\trecords\twritten\tpeak_RSS_MB\tcpu_seconds\tshards_MB")
        var opts = try options.runOptions()
        opts.workers = options.jobCount
        for source in sources {
            let files = try InputResolver.files(for: source, at: input)
            guard !files.isEmpty else {
                throw ValidationError("\(input) holds none of \(source.rawValue)'s files.")
            }
            var best: (report: SourceReport, cpu: Double)?
            for _ in 0..<max(1, repetitions) {
                // Every run starts from an empty output folder, as a first run does (and as
                // scripts/bench.py runs the original pipelines): replacing the previous run's
                // output is work a first run does not do.
                try? FileManager.default.removeItem(atPath: output)
                var runner = SourceRunner(source: source, files: files, outputRoot: output, options: opts)
                runner.log = { _ in }
                let cpuBefore = cpuSeconds()
                let r = runner.run()
                let cpu = cpuSeconds() - cpuBefore
                Interrupts.yieldToAnInterrupt()
                if r.failed { throw ValidationError("\(source.rawValue) failed: \(r.manifest.error ?? "")") }
                if r.seconds < best?.report.seconds ?? .infinity { best = (r, cpu) }
            }
            guard let (b, cpu) = best else { continue }
            let shardBytes = b.manifest.outputs.reduce(0) { $0 + $1.bytes }
            print(
                String(
                    format: "%@\t%.3f\t%.4f\t%.1f\t%d\t%d\t%.1f\t%.4f\t%.3f", source.rawValue,
                    Double(b.bytesIn) / 1e6, b.seconds, b.megabytesPerSecond, b.manifest.counts.read,
                    b.manifest.counts.conversationsWritten, peakResidentMegabytes(), cpu, Double(shardBytes) / 1e6))
        }
        try? FileManager.default.removeItem(atPath: output)
    }

    /// User and system CPU seconds of every thread of the process so far.
    private func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }
}
