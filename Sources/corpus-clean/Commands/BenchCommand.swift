import ArgumentParser
import Foundation
import Pipelines

/// `corpus-clean bench SOURCE…`: throughput and peak memory of a source run.
///
/// Runs each source alone (one at a time, so the figures are its own), `--repeat` times, into a
/// scratch output folder, and prints input MB, best wall time, MB/s and the process's peak
/// resident memory. Use a release build; generate input with ../shared/tools/gen_raw_corpus.py.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure MB/s and peak memory of source runs.")

    @Argument(help: "Sources to measure.")
    var sources: [Source]

    @Option(help: "A raw root, a source folder, or a source file.")
    var input = "raw_chat_corpus"

    @Option(help: "Scratch output root (replaced).")
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
        print("source\tinput_MB\tseconds\tMB/s\trecords\twritten\tpeak_RSS_MB")
        var opts = try options.runOptions()
        opts.workers = options.jobCount
        for source in sources {
            let files = try InputResolver.files(for: source, at: input)
            guard !files.isEmpty else {
                throw ValidationError("\(input) holds none of \(source.rawValue)'s files.")
            }
            var best: SourceReport?
            for _ in 0..<max(1, repetitions) {
                var runner = SourceRunner(source: source, files: files, outputRoot: output, options: opts)
                runner.log = { _ in }
                let r = runner.run()
                if r.failed { throw ValidationError("\(source.rawValue) failed: \(r.manifest.error ?? "")") }
                if r.seconds < best?.seconds ?? .infinity { best = r }
            }
            guard let b = best else { continue }
            print(
                String(
                    format: "%@\t%.1f\t%.3f\t%.1f\t%d\t%d\t%.1f", source.rawValue, Double(b.bytesIn) / 1e6,
                    b.seconds, b.megabytesPerSecond, b.manifest.counts.read, b.manifest.counts.conversationsWritten,
                    peakResidentMegabytes()))
        }
        try? FileManager.default.removeItem(atPath: output)
    }

    private func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }
}
