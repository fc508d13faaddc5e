import Formats
import Foundation

/// What a source's output was made from, kept beside it as `<output>/<source>/.resume.json` by runs
/// given `--resume`: the input files, the files the options name (dictionaries, the tokenizer) and
/// the corpus-clean executable, each as path, size and modification time, with the options and the
/// pipeline the manifest records.
///
/// A later `--resume` run whose record is equal, and whose earlier output is all there, keeps that
/// output instead of making it again.
///
/// Sizes and modification times, as `make` and `rsync` judge a file: reading every input to
/// checksum it would cost a good part of a run. The record is bookkeeping, not output: it is
/// not in the manifest, and a copy of the corpus elsewhere gives another record for the same
/// output.
struct ResumeRecord: Codable, Equatable {
    struct Stamp: Codable, Equatable {
        var path: String
        var bytes: UInt64
        /// Modification time, nanoseconds since 1970.
        var modified: Int64
    }

    static let fileName = ".resume.json"

    var executable: Stamp?
    var inputs: [Stamp]
    var optionFiles: [Stamp]
    var options: [String: String]
    var pipeline: [StepDescription]

    /// The record of a run of `files` with `options` and `pipeline`, as things are now.
    init(files: [InputFileRef], options: RunOptions, pipeline: [StepDescription]) {
        executable = Self.stamp(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path)
        inputs = files.map { Self.stamp($0.path) ?? Stamp(path: $0.path, bytes: $0.bytes, modified: 0) }
        var named = options.recipe.dictionaries
        if let tokenizer = options.recipe.context.tokenizer { named.append(tokenizer.path) }
        optionFiles = named.map { Self.stamp($0) ?? Stamp(path: $0, bytes: 0, modified: 0) }
        self.options = options.manifestFields
        self.pipeline = pipeline
    }

    /// Writes the record into `folder`.
    func write(into folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try JSONFile.write(bytes: Array(try encoder.encode(self)) + [0x0A], to: "\(folder)/\(Self.fileName)")
    }

    static func stamp(_ path: String) -> Stamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return Stamp(
            path: absolute, bytes: UInt64(st.st_size),
            modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    /// What a run whose record is `self` does with the published output in `folder`
    /// (`<output>/<source>`).
    enum Verdict {
        /// Keep it: its record is equal, its manifest (this one) says `ok`, and every shard
        /// the manifest lists is there with its size.
        case keep(SourceManifest)
        /// Make it again, for this reason.
        case rerun(String)
    }

    func verdict(folder: String, outputRoot: String) -> Verdict {
        let fm = FileManager.default
        // Decoded with keys as they are: the manifest's snake-case conversion would not give
        // back keys such as `min_chars` unchanged.
        guard let data = fm.contents(atPath: "\(folder)/\(Self.fileName)"),
            let earlier = try? JSONDecoder().decode(ResumeRecord.self, from: data)
        else { return .rerun("no record of an earlier --resume run") }
        guard let m = fm.contents(atPath: "\(folder)/manifest.json"),
            let manifest = try? JSONFile.decode(SourceManifest.self, from: m)
        else { return .rerun("no earlier manifest") }
        guard manifest.status == "ok" else {
            return .rerun("the earlier run failed (\(manifest.error ?? manifest.status))")
        }
        if earlier.executable != executable { return .rerun("another corpus-clean made it") }
        if earlier.inputs != inputs { return .rerun("its input files changed") }
        if earlier.optionFiles != optionFiles { return .rerun("a dictionary or tokenizer file changed") }
        if earlier.options != options { return .rerun("the options changed") }
        if earlier.pipeline != pipeline { return .rerun("the pipeline changed") }
        for shard in manifest.outputs + manifest.rejects {
            let path = "\(outputRoot)/\(shard.path)"
            let size = (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value
            if size != shard.bytes { return .rerun("\(shard.path) is missing or changed") }
        }
        return .keep(manifest)
    }
}
