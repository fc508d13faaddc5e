import Formats
import Foundation

/// Runs several sources, up to `jobs` at a time, and writes the run-wide manifest.
///
/// Each source may use up to `jobs` workers for its order-independent steps (see
/// ``StagedProcessor``), and uses `jobs / sources` of them, counting the sources not finished
/// yet (a ``WorkerBudget``): one each while many wait, all the cores for the last one.
///
/// Each source gets its own pipeline, extractor and C handles; only reports cross threads.
/// One source failing does not stop the others.
public struct BatchRunner {
    public var outputRoot: String
    public var options: RunOptions
    public var jobs: Int
    public var progress: ProgressBoard?
    public var log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    public init(outputRoot: String, options: RunOptions, jobs: Int) {
        self.outputRoot = outputRoot
        self.options = options
        self.jobs = max(1, jobs)
    }

    /// Runs every `(source, files)` and returns the reports in the same order.
    ///
    /// The sources start largest first (by the bytes of their files): a large source started
    /// last would run on alone at the end, and the largest deduplicating sources (BELLE,
    /// Weibo) would hold their fullest tables at the same time. What each source writes does
    /// not depend on the order.
    public func run(_ work: [(Source, [InputFileRef])]) throws -> [SourceReport] {
        do {
            try FileManager.default.createDirectory(atPath: outputRoot, withIntermediateDirectories: true)
        } catch {
            throw PipelineError.outputFailed(path: outputRoot, error)
        }
        let held = try OutputLock(outputRoot)
        defer { withExtendedLifetime(held) {} }
        let slots = DispatchSemaphore(value: jobs)
        let lock = NSLock()
        nonisolated(unsafe) var reports = [SourceReport?](repeating: nil, count: work.count)
        let group = DispatchGroup()
        // Cores are shared among the sources not finished yet, batch by batch.
        let budget = WorkerBudget(jobs: jobs, sources: work.count)
        let perSource: RunOptions = {
            var o = options
            o.workers = jobs
            return o
        }()
        for i in Self.startOrder(bytes: work.map { $0.1.reduce(0) { $0 + $1.bytes } }) {
            let (source, files) = work[i]
            slots.wait()
            group.enter()
            Thread.detachNewThread { [self] in
                var runner = SourceRunner(source: source, files: files, outputRoot: outputRoot, options: perSource)
                runner.progress = progress
                runner.log = log
                runner.budget = budget
                let report = runner.run()
                budget.sourceFinished()
                lock.lock()
                reports[i] = report
                lock.unlock()
                slots.signal()
                group.leave()
            }
        }
        group.wait()
        let done = reports.compactMap { $0 }
        try StagingFolders.unlessClosed { try writeRunManifest(failures: done.filter(\.failed)) }
        return done
    }

    /// The order in which sources of these input sizes start: largest first, ties in the order
    /// given.
    static func startOrder(bytes: [UInt64]) -> [Int] {
        bytes.indices.sorted { a, b in bytes[a] != bytes[b] ? bytes[a] > bytes[b] : a < b }
    }

    /// Writes `<output>/manifest.json` from every source manifest in the output folder, with this
    /// run's failures (which published nothing) in their place.
    ///
    /// Without failures, also for a run that was interrupted after it published some of its
    /// sources.
    public func writeRunManifest(failures: [SourceReport] = []) throws {
        var entries: [String: RunManifest.Entry] = [:]
        var totals = PipelineStats()
        for source in Source.allCases {
            let path = "\(outputRoot)/\(source.rawValue)/manifest.json"
            guard let data = FileManager.default.contents(atPath: path),
                let m = try? JSONFile.decode(SourceManifest.self, from: data)
            else { continue }
            entries[source.rawValue] = .init(
                status: m.status, error: m.error, manifest: "\(source.rawValue)/manifest.json", counts: m.counts)
        }
        for f in failures where f.manifest.outputs.isEmpty || entries[f.source.rawValue] == nil {
            entries[f.source.rawValue] = .init(
                status: f.manifest.status, error: f.manifest.error, manifest: nil, counts: f.manifest.counts)
        }
        for entry in entries.values { totals.add(entry.counts) }
        try JSONFile.write(
            RunManifest(sources: entries, totals: .init(totals)), to: "\(outputRoot)/manifest.json")
    }
}

extension PipelineStats {
    mutating func add(_ c: SourceManifest.Counts) {
        read += c.read
        kept += c.kept
        rejected.merge(c.rejected, uniquingKeysWith: +)
        malformed.merge(c.malformed, uniquingKeysWith: +)
        conversationsWritten += c.conversationsWritten
        outputLines += c.outputLines
        if let t = c.tokensWritten { tokensWritten = (tokensWritten ?? 0) + t }
    }
}
