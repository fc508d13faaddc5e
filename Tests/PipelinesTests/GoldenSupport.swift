import Formats
import Foundation
import Pipelines

/// Runs a source over its fixture folder and compares the output with golden files.
///
/// Goldens live beside the fixtures: `expected.jsonl` (the shard), `expected-rejects.jsonl`
/// (rejected and malformed records) and `expected-counts.json`. To regenerate them after an
/// intended change, run `UPDATE_GOLDENS=1 swift test --filter PipelinesTests` and review the
/// diff with `git diff Tests/PipelinesTests/Fixtures` before committing.
enum Golden {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    struct Result {
        var output: String
        var rejects: String
        var manifest: SourceManifest
    }

    static func run(_ source: Source, options: RunOptions = .goldenDefaults) throws -> Result {
        try run(source, at: fixtures.appendingPathComponent(source.rawValue).path, options: options)
    }

    /// Runs `source` over the files in the folder `input`.
    static func run(_ source: Source, at input: String, options: RunOptions) throws -> Result {
        let out = try TempDir()
        let files = try InputResolver.files(for: source, at: input)
        var runner = SourceRunner(source: source, files: files, outputRoot: out.path, options: options)
        runner.log = { _ in }
        let report = runner.run()
        let dir = "\(out.path)/\(source.rawValue)"
        let ext = options.format.fileExtension
        return Result(
            output: read("\(dir)/\(source.rawValue)-00000.\(ext)"),
            rejects: read("\(dir)/rejects-00000.jsonl"),
            manifest: report.manifest)
    }

    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// The golden text of `name` for `source`, written from `actual` when UPDATE_GOLDENS=1.
    static func expected(_ source: Source, _ name: String, actual: String) throws -> String {
        let url = fixtures.appendingPathComponent(source.rawValue).appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}

extension RunOptions {
    static var goldenDefaults: RunOptions {
        var o = RunOptions()
        o.compression = .none
        o.keepRejects = true
        return o
    }
}

/// A temporary directory removed when the value is released.
final class TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "corpus-clean-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
