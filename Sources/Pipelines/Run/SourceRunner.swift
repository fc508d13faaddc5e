import CShims
import Formats
import Foundation

/// The result of running one source.
public struct SourceReport: Sendable {
    public var source: Source
    public var manifest: SourceManifest
    public var failed: Bool { manifest.status != "ok" }
    /// The source's earlier output was kept (`--resume`): nothing was read or written.
    public var kept = false
    /// The input bytes the run read: all of the source's, or for a failed source as far as
    /// it got (so that its MB/s is a rate, not its size over the time until it failed).
    public var bytesIn: UInt64
    public var seconds: Double

    public var megabytesPerSecond: Double {
        seconds > 0 ? Double(bytesIn) / 1_000_000 / seconds : 0
    }
}

/// Runs one source end to end: extract, pipeline, shards, rejects, manifest.
///
/// Output goes to a staging folder `<output>/.<source>.staging` first; only when everything is
/// written does it replace `<output>/<source>`, so a rerun replaces the previous output and a
/// failed run leaves it untouched (an interrupted one too: see ``StagingFolders``). Warnings
/// and malformed-record samples go to `log`.
public struct SourceRunner {
    public let source: Source
    public let files: [InputFileRef]
    public let outputRoot: String
    public let options: RunOptions
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    public var progress: ProgressBoard?
    /// Shares the cores with the other sources of a run (see ``WorkerBudget``); without one the
    /// source uses `options.workers` throughout.
    public var budget: WorkerBudget?
    /// How many malformed records of each kind are shown in the log and the manifest.
    public var samplesPerKind = 5

    public init(source: Source, files: [InputFileRef], outputRoot: String, options: RunOptions) {
        self.source = source
        self.files = files
        self.outputRoot = outputRoot
        self.options = options
    }

    public func run() -> SourceReport {
        let started = Date()
        let name = source.rawValue
        let staging = "\(outputRoot)/.\(name).staging"
        let final = "\(outputRoot)/\(name)"
        var state = RunState(processor: StagedProcessor(steps: [], workers: 1))
        var error: String?
        var resumeRecord: ResumeRecord?
        // Their last shards may still be reaching the disk when the manifest is written.
        var writers: [ShardWriter] = []
        let totalBytes = files.reduce(0) { $0 + $1.bytes }
        progress?.update(name) { $0.bytesTotal = totalBytes }
        do {
            let context = options.recipe.context
            state.processor = StagedProcessor(
                steps: try Recipe.steps(for: source, options: options.recipe), workers: options.workers,
                batchSize: min(options.batchSize, source.recordsPerBatch),
                splitter: context.isActive ? ContextSplitter(options: context) : nil,
                encoder: recordEncoder, budget: budget)
            if options.resume {
                let record = ResumeRecord(files: files, options: options, pipeline: state.processor.description)
                resumeRecord = record
                switch record.verdict(folder: final, outputRoot: outputRoot) {
                case .rerun(let why):
                    log("resume: \(name): \(why); running it")
                case .keep(let manifest):
                    log("resume: \(name): kept, made from the same files and options")
                    progress?.update(name) { $0.finished = true }
                    var report = SourceReport(
                        source: source, manifest: manifest, bytesIn: 0, seconds: Date().timeIntervalSince(started))
                    report.kept = true
                    return report
                }
            }
            try StagingFolders.add(staging) { try Self.recreate(staging) }
            // A small source's shards end sooner with smaller zstd jobs (see ZstdEncoder.jobBytes).
            let jobBytes = ZstdEncoder.jobBytes(level: options.zstdLevel, inputBytes: totalBytes)
            let writer = ShardWriter(
                directory: staging, relativeDirectory: name, prefix: name,
                fileExtension: options.format.fileExtension, compression: options.compression,
                level: options.zstdLevel, threads: options.zstdThreads, zstdJobBytes: jobBytes,
                shardRecords: options.shardRecords)
            let rejects =
                options.keepRejects
                ? ShardWriter(
                    directory: staging, relativeDirectory: name, prefix: "rejects", fileExtension: "jsonl",
                    compression: options.compression, level: options.zstdLevel, threads: options.zstdThreads,
                    zstdJobBytes: jobBytes, shardRecords: options.shardRecords)
                : nil
            writers = [writer] + (rejects.map { [$0] } ?? [])
            try extractAll(into: &state, writer: writer, rejects: rejects, totalBytes: totalBytes)
            state.outputs = try writer.complete()
            state.rejectOutputs = try rejects?.complete() ?? []
        } catch let e {
            error = "\(e)"
            // No batch of a failed source may still run when the process ends.
            state.processor.abandon()
        }
        // Under --strict, malformed input fails the source, but its output is complete and
        // is published with the manifest saying so.
        let complete = error == nil
        let malformed = state.processor.stats.malformedTotal
        if complete, options.strict, malformed > 0 {
            error = "\(malformed) malformed record(s) and --strict was given"
        }
        var manifest = makeManifest(state, error: error)
        do {
            // Published under the lock an interrupt takes (see StagingFolders).
            try StagingFolders.finish(staging) {
                guard complete else { return }
                try resumeRecord?.write(into: staging)
                try JSONFile.write(manifest, to: "\(staging)/manifest.json")
                for w in writers { try w.waitUntilRenamed() }
                try Self.replace(final, with: staging)
            }
        } catch let e {
            manifest.status = "failed"
            manifest.error = "\(e)"
        }
        // A failed run's staging folder, or the old output a swap left under its name.
        try? FileManager.default.removeItem(atPath: staging)
        progress?.update(name) { $0.finished = true }
        return SourceReport(
            source: source, manifest: manifest, bytesIn: manifest.status == "ok" ? totalBytes : state.bytesRead,
            seconds: Date().timeIntervalSince(started))
    }

    private struct RunState {
        var processor: StagedProcessor
        var inputs: [SourceManifest.Input] = []
        var outputs: [ShardInfo] = []
        var rejectOutputs: [ShardInfo] = []
        var samples: [String] = []
        var sampleCounts: [MalformedKind: Int] = [:]
        var warnings: [String] = []
        /// Input bytes read so far, as the extractor last reported them.
        var bytesRead: UInt64 = 0
    }

    /// Encodes a kept conversation as the shards want it (see ``RecordEncoder``).
    private var recordEncoder: RecordEncoder {
        options.format == .jsonl
            ? .jsonl(JSONLEncoder(layout: options.layout), keepsConversations: options.keepRejects)
            : .tsv(TSVEncoder(), keepsConversations: options.keepRejects)
    }

    private func extractAll(
        into state: inout RunState, writer: ShardWriter, rejects: ShardWriter?, totalBytes: UInt64
    ) throws {
        let extractor = source.makeExtractor(chunkBytes: options.chunkBytes)
        let encoder = JSONLEncoder(layout: options.layout)
        let tsv = TSVEncoder()
        let name = source.rawValue
        for file in files {
            state.inputs.append(.init(path: file.name, bytes: file.bytes))
            if file.bytes == 0 {
                let w = "\(file.name): the file is empty"
                state.warnings.append(w)
                log("warning: \(name): \(w)")
            }
        }
        // A kept conversation goes to the shards, a rejected one to the rejects sink.
        func route(_ c: Conversation, _ why: Rejection?) throws {
            if let why {
                try rejects?.write { RejectsEncoder.encode(c, why, layout: options.layout, into: &$0) }
                return
            }
            let lines: Int
            if options.format == .jsonl {
                lines = try writer.write {
                    encoder.encode(c, into: &$0); return 1
                }
            } else {
                lines = try writer.write { tsv.encode(c, into: &$0) }
            }
            state.processor.countWritten(conversations: 1, lines: lines, tokens: c.turnTokens?.reduce(0, +))
        }
        // Records come back from the processor in input order, on this thread.
        func deliver(_ record: ProcessedRecord) throws {
            switch record {
            case .malformed(let issue):
                noteMalformed(issue, &state)
                try rejects?.write { RejectsEncoder.encode(issue, source: name, into: &$0) }
            case .one(let c, let why):
                try route(c, why)
            case .conversations(let results):
                for (c, why) in results { try route(c, why) }
            case .encoded(let bytes, let lines, let tokens):
                try writer.write {
                    $0.append(contentsOf: bytes); return lines
                }
                state.processor.countWritten(conversations: 1, lines: lines, tokens: tokens)
            case .encodedRun(let run):
                try writer.write(encoded: run.bytes, ends: run.ends, offset: run.offset, lines: run.lines)
                state.processor.countWritten(conversations: run.ends.count, lines: run.lines.reduce(0, +))
            case .dropped:
                break  // counted by the processor; no rejects file is written
            }
        }
        try extractor.extract(
            files: files,
            progress: { done in
                state.bytesRead = done
                let read = state.processor.read
                progress?.update(name) {
                    $0.bytesDone = done
                    $0.records = read
                }
            },
            warn: { w in
                state.warnings.append(w)
                log("warning: \(name): \(w)")
            },
            emit: { record in try state.processor.submit(record, deliver: deliver) })
        try state.processor.finish(deliver: deliver)
    }

    private func noteMalformed(_ issue: InputIssue, _ state: inout RunState) {
        let n = state.sampleCounts[issue.kind, default: 0]
        state.sampleCounts[issue.kind] = n + 1
        guard n < samplesPerKind else { return }
        state.samples.append(issue.description)
        log("warning: \(source.rawValue): \(issue)")
    }

    private func makeManifest(_ state: RunState, error: String?) -> SourceManifest {
        var warnings = state.warnings
        for (kind, n) in state.sampleCounts.sorted(by: { $0.key < $1.key }) where n > samplesPerKind {
            warnings.append("\(n - samplesPerKind) more \(kind.rawValue) record(s) not shown")
        }
        let stats = state.processor.stats
        return SourceManifest(
            source: source.rawValue, status: error == nil ? "ok" : "failed", error: error,
            inputs: state.inputs, outputs: state.outputs, rejects: state.rejectOutputs,
            options: options.manifestFields, pipeline: state.processor.description,
            counts: .init(stats), steps: stats.steps,
            malformedSamples: state.samples, warnings: warnings)
    }

    static func recreate(_ dir: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: dir) { try fm.removeItem(atPath: dir) }
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw PipelineError.outputFailed(path: dir, error)
        }
    }

    /// Puts `staging` in the place of `final`.
    ///
    /// Where the file system can swap two folders in one step, it does: `final` names the new
    /// output at every moment, and the old one is left under the name `staging`, for the caller
    /// to remove. Elsewhere (and on a first run) what `final` held is removed and `staging`
    /// renamed.
    static func replace(_ final: String, with staging: String) throws {
        if ccs_exchange_paths(staging, final) == 0 { return }
        let fm = FileManager.default
        if fm.fileExists(atPath: final) { try fm.removeItem(atPath: final) }
        if rename(staging, final) != 0 {
            throw FormatsError.renameFailed(from: staging, to: final, errno: errno)
        }
    }
}
