import Formats
import Foundation
import Testing

/// Runs the built `corpus-clean` binary and captures what it does.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let binary: URL = {
        let here = Bundle.main.bundleURL
        for dir in [here, here.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("corpus-clean")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return here.appendingPathComponent("corpus-clean")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs in `cwd` (default: this process's), with `stdin` as standard input when given and
    /// `environment` over this process's.
    static func run(
        _ args: [String], cwd: String? = nil, stdin: Data? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let input = Pipe()
        let out = Pipe()
        let err = Pipe()
        if stdin != nil { p.standardInput = input }
        p.standardOutput = out
        p.standardError = err
        try p.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

    static var sample: String { packageRoot.appendingPathComponent("raw_chat_corpus").path }
}

final class Scratch {
    let path = NSTemporaryDirectory() + "corpus-clean-cli-" + UUID().uuidString

    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func files(under sub: String) throws -> [String: Data] {
        let root = "\(path)/\(sub)"
        var result: [String: Data] = [:]
        for rel in FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }) ?? [] {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: "\(root)/\(rel)", isDirectory: &isDir), !isDir.boolValue {
                result[rel] = FileManager.default.contents(atPath: "\(root)/\(rel)")
            }
        }
        return result
    }
}

@Suite(.serialized) struct CLITests {
    @Test func allOnTheSampleCorpus() throws {
        let s = try Scratch()
        let r = try CLI.run(["all", "--input", CLI.sample, "--output", "\(s.path)/out"])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try s.files(under: "out")
        #expect(files.keys.contains("manifest.json"))
        #expect(files.keys.contains("xiaohuangji/xiaohuangji-00000.jsonl.zst"))
        #expect(files.keys.contains("xiaohuangji/manifest.json"))
        #expect(files.keys.contains("qingyun/qingyun-00000.jsonl.zst"))
        #expect(!files.keys.contains { $0.contains("partial") || $0.contains("staging") })
        #expect(r.stderr.contains("source"))  // the summary table
        #expect(r.stderr.contains("xiaohuangji"))
        let run = try JSONSerialization.jsonObject(with: files["manifest.json"]!) as? [String: Any]
        let totals = run?["totals"] as? [String: Any]
        #expect(totals?["balanced"] as? Bool == true)
        let read = totals?["read"] as? Int ?? -1
        let kept = totals?["kept"] as? Int ?? -1
        let rejected = totals?["rejected_total"] as? Int ?? -1
        let malformed = totals?["malformed_total"] as? Int ?? -1
        #expect(read > 0 && read == kept + rejected + malformed)
    }

    @Test func rerunIsByteIdenticalAndReplaces() throws {
        let s = try Scratch()
        let out = "\(s.path)/out"
        #expect(try CLI.run(["all", "--input", CLI.sample, "--output", out]).status == 0)
        let first = try s.files(under: "out")
        // A stale shard from an earlier run with smaller shards must disappear.
        #expect(try CLI.run(["all", "--input", CLI.sample, "--output", out, "--shard-records", "2"]).status == 0)
        #expect(try s.files(under: "out").keys.contains("qingyun/qingyun-00002.jsonl.zst"))
        #expect(try CLI.run(["all", "--input", CLI.sample, "--output", out]).status == 0)
        let second = try s.files(under: "out")
        #expect(first == second)
    }

    /// Every shard and manifest is the same whether the conversion table was compiled without
    /// the cache, compiled and cached, or read from the cache.
    @Test func outputIsTheSameWithAndWithoutTheTableCache() throws {
        let s = try Scratch()
        let cache = "\(s.path)/cache"
        var outputs: [[String: Data]] = []
        for (folder, name) in [("off", "off"), (cache, "written"), (cache, "read")] {
            let r = try CLI.run(
                ["all", "--input", CLI.sample, "--output", "\(s.path)/\(name)"],
                environment: ["CORPUS_CLEAN_CACHE": folder])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            outputs.append(try s.files(under: name))
            if name == "written" {
                #expect(try FileManager.default.contentsOfDirectory(atPath: cache).count == 1)
            }
        }
        #expect(outputs[0].keys.contains("ptt/ptt-00000.jsonl.zst"))
        #expect(outputs[0] == outputs[1])
        #expect(outputs[1] == outputs[2])
    }

    @Test func runAcceptsRootFolderOrFile() throws {
        let s = try Scratch()
        let folder = "\(CLI.sample)/xiaohuangji-40w"
        for input in [CLI.sample, folder, "\(folder)/xiaohuangji50w_nofenci.conv"] {
            let r = try CLI.run([
                "run", "xiaohuangji", "--input", input, "--output", "\(s.path)/o", "--compression", "none", "--format",
                "tsv",
            ])
            #expect(r.status == 0, "\(input): \(r.stderr)")
            let tsv = try s.files(under: "o")["xiaohuangji/xiaohuangji-00000.tsv"]
            #expect(tsv.map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("你好呀\t") == true)
        }
    }

    /// A raw root without the source's folder holds none of its files, even when its own files
    /// would match the source's pattern (a root's MANIFEST.json is not a ShareGPT dump).
    @Test func rawRootWithoutTheSourceFolderHasNoneOfItsFiles() throws {
        let s = try Scratch()
        let root = "\(s.path)/raw"
        try FileManager.default.createDirectory(atPath: "\(root)/tieba-305w", withIntermediateDirectories: true)
        try Data("{\"generator\": \"x\"}\n".utf8).write(to: URL(fileURLWithPath: "\(root)/MANIFEST.json"))
        for source in ["sharegpt", "belle"] {
            let r = try CLI.run(["run", source, "--input", root, "--output", "\(s.path)/o"])
            #expect(r.status == 1, "\(source): \(r.stderr)")
            #expect(r.stderr.contains("holds none of \(source)'s files"))
        }
        // A folder that is no raw root still gives its matching files.
        let own = "\(s.path)/dumps"
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        try Data("[]".utf8).write(to: URL(fileURLWithPath: "\(own)/a.json"))
        #expect(try CLI.run(["run", "sharegpt", "--input", own, "--output", "\(s.path)/o"]).status == 0)
    }

    @Test func zstdInputWorksLikePlain() throws {
        let s = try Scratch()
        let plain = "\(CLI.sample)/xiaohuangji-40w/xiaohuangji50w_nofenci.conv"
        let dir = "\(s.path)/raw/xiaohuangji-40w"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try compress(plain, to: "\(dir)/xiaohuangji50w_nofenci.conv.zst")
        #expect(try CLI.run(["run", "xiaohuangji", "--input", "\(s.path)/raw", "--output", "\(s.path)/a"]).status == 0)
        #expect(try CLI.run(["run", "xiaohuangji", "--input", plain, "--output", "\(s.path)/b"]).status == 0)
        let a = try s.files(under: "a")["xiaohuangji/xiaohuangji-00000.jsonl.zst"]
        let b = try s.files(under: "b")["xiaohuangji/xiaohuangji-00000.jsonl.zst"]
        #expect(a != nil && a == b)
    }

    @Test func truncatedZstdFailsItsSourceOnly() throws {
        let s = try Scratch()
        let raw = "\(s.path)/raw"
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: raw)
        let conv = "\(raw)/xiaohuangji-40w/xiaohuangji50w_nofenci.conv"
        try compress(conv, to: conv + ".zst")
        try FileManager.default.removeItem(atPath: conv)
        let bytes = FileManager.default.contents(atPath: conv + ".zst")!
        try bytes.prefix(bytes.count - 6).write(to: URL(fileURLWithPath: conv + ".zst"))
        let r = try CLI.run(["all", "--input", raw, "--output", "\(s.path)/out"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("xiaohuangji50w_nofenci.conv.zst is truncated"))
        let files = try s.files(under: "out")
        #expect(files.keys.contains("qingyun/qingyun-00000.jsonl.zst"))  // the other source still ran
        #expect(!files.keys.contains { $0.hasPrefix("xiaohuangji/") })
        let run = String(decoding: files["manifest.json"] ?? Data(), as: UTF8.self)
        #expect(run.contains(#""status" : "failed""#))
    }

    @Test func exitCodes() throws {
        let s = try Scratch()
        #expect(try CLI.run(["run", "nosuchsource"]).status == 64)
        #expect(try CLI.run(["all", "--zstd-level", "40", "--input", CLI.sample]).status == 64)
        let missing = try CLI.run(["run", "qingyun", "--input", "\(s.path)/nope", "--output", "\(s.path)/o"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(s.path)/nope does not exist"))
        let empty = try CLI.run(["run", "qingyun", "--input", s.path, "--output", "\(s.path)/o"])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("holds none of qingyun's files"))
        // The sample has malformed qingyun lines: fine by default, a failure under --strict.
        #expect(try CLI.run(["run", "qingyun", "--input", CLI.sample, "--output", "\(s.path)/o"]).status == 0)
        let strict = try CLI.run(["run", "qingyun", "--input", CLI.sample, "--output", "\(s.path)/o", "--strict"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("--strict"))
        // An output path that is a file: the system's reason, not Foundation's whole error.
        let file = "\(s.path)/a-file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let notFolder = try CLI.run(["run", "qingyun", "--input", CLI.sample, "--output", file])
        #expect(notFolder.status == 1)
        #expect(notFolder.stderr.contains("Cannot write the output at \(file): File exists."), "\(notFolder.stderr)")
        #expect(!notFolder.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func absentSourcesAreReportedAndSkipped() throws {
        let s = try Scratch()
        let raw = "\(s.path)/raw"
        try FileManager.default.createDirectory(atPath: raw, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(CLI.sample)/qingyun-11w", toPath: "\(raw)/qingyun-11w")
        try FileManager.default.createDirectory(atPath: "\(raw)/tieba-305w", withIntermediateDirectories: true)
        let r = try CLI.run(["all", "--input", raw, "--output", "\(s.path)/out"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("skipped: xiaohuangji: absent"))
        // A source's folder without its files is told apart from an absent one.
        #expect(
            r.stderr.contains(
                "skipped: tieba: tieba-305w/ under \(raw) holds none of its files (expected tieba.dialogues)"))
        // No source at all: most likely not a raw root; an error, and nothing written.
        let empty = "\(s.path)/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let none = try CLI.run(["all", "--input", empty, "--output", "\(s.path)/none"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("error: no source under \(empty)"))
        #expect(!FileManager.default.fileExists(atPath: "\(s.path)/none"))
    }

    @Test func keepRejectsWritesEveryDroppedRecord() throws {
        let s = try Scratch()
        let r = try CLI.run([
            "run", "qingyun", "--input", CLI.sample, "--output", "\(s.path)/o", "--keep-rejects", "--compression",
            "none",
        ])
        #expect(r.status == 0)
        let files = try s.files(under: "o")
        let rejects = String(decoding: files["qingyun/rejects-00000.jsonl"] ?? Data(), as: UTF8.self)
        let manifest =
            try JSONSerialization.jsonObject(with: files["qingyun/manifest.json"] ?? Data()) as? [String: Any]
        let counts = manifest?["counts"] as? [String: Any]
        let dropped = (counts?["rejected_total"] as? Int ?? -1) + (counts?["malformed_total"] as? Int ?? -1)
        #expect(rejects.split(separator: "\n").count == dropped)
        let outputs = manifest?["outputs"] as? [[String: Any]]
        #expect(outputs?.first?["path"] as? String == "qingyun/qingyun-00000.jsonl")
        #expect((outputs?.first?["sha256"] as? String)?.count == 64)
    }

    @Test func sourcesListsFilesAndPresence() throws {
        let r = try CLI.run(["sources", "--input", CLI.sample])
        #expect(r.status == 0)
        #expect(r.stdout.contains("xiaohuangji\tpresent"))
        #expect(r.stdout.contains("xiaohuangji-40w/xiaohuangji50w_nofenci.conv\tpresent"))
        #expect(r.stdout.contains("qingyun-11w/12万对话语料青云库.csv\tpresent"))
    }

    private func compress(_ from: String, to: String) throws {
        let out = try FileOutput(path: to)
        let enc = try ZstdEncoder(sink: out, level: 3)
        let data = FileManager.default.contents(atPath: from) ?? Data()
        try data.withUnsafeBytes { try enc.write($0) }
        try enc.finish()
        _ = try out.close()
    }
}

@Suite struct ConvertCommandTests {
    private func run(_ args: [String], stdin: Data) throws -> CLI.Result { try CLI.run(args, stdin: stdin) }

    /// The ICU table is cached between processes, and the output is the same every time.
    ///
    /// The first process writes it to the cache folder and the next reads it; a damaged file
    /// there is replaced; `off` writes none.
    @Test func theConversionTableIsCachedBetweenProcesses() throws {
        let scratch = try Scratch()
        let cache = "\(scratch.path)/cache"
        let input = Data("漢語簡體轉換，說話\n「乾坤」\n".utf8)
        func convert(_ folder: String) throws -> String {
            let r = try CLI.run(["convert"], stdin: input, environment: ["CORPUS_CLEAN_CACHE": folder])
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout
        }
        func files() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? [] }
        let first = try convert(cache)
        #expect(first == "汉语简体转换，说话\n「乾坤」\n")
        let written = files()
        #expect(written.count == 1 && written[0].hasPrefix("t2s-table-"), "\(written)")
        let path = "\(cache)/\(written[0])"
        let table = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try convert(cache) == first)
        // A damaged file: the table is compiled again, and the file written anew.
        var damaged = table
        damaged[damaged.count / 2] ^= 0x01
        try damaged.write(to: URL(fileURLWithPath: path))
        #expect(try convert(cache) == first)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == table)
        #expect(files() == written)
        try FileManager.default.removeItem(atPath: cache)
        #expect(try convert("off") == first)
        #expect(!FileManager.default.fileExists(atPath: cache))
    }

    @Test func convertsLineForLine() throws {
        let r = try run(["convert", "--profile", "tw2sp"], stdin: Data("他看著我的軟體\n\n乾隆\n".utf8))
        #expect(r.status == 0)
        #expect(r.stdout == "他看着我的软件\n\n乾隆\n")
    }

    /// Processes that compile the table at the same time leave one whole file and no partial
    /// one, and convert alike.
    @Test func processesCachingTheTableAtOnceLeaveOneFile() async throws {
        let scratch = try Scratch()
        let cache = "\(scratch.path)/cache"
        let input = Data("漢語簡體轉換\n".utf8)
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try CLI.run(["convert"], stdin: input, environment: ["CORPUS_CLEAN_CACHE": cache]).stdout
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs == Array(repeating: "汉语简体转换\n", count: 4))
        let files = try FileManager.default.contentsOfDirectory(atPath: cache)
        #expect(files.count == 1 && files[0].hasPrefix("t2s-table-") && files[0].hasSuffix(".bin"), "\(files)")
    }

    @Test func invalidUTF8NamesTheLine() throws {
        let r = try run(["convert"], stdin: Data("好\n".utf8) + Data([0xE5, 0xFF, 0x0A]))
        #expect(r.status == 1)
        #expect(r.stderr.contains("<stdin>:2: the line is not valid UTF-8"))
    }

    @Test func malformedDictionaryNamesFileAndLine() throws {
        let s = try Scratch()
        let dict = "\(s.path)/d.txt"
        try "好\t好\n坏行\n".write(toFile: dict, atomically: true, encoding: .utf8)
        let r = try run(["convert", "--dictionary", dict], stdin: Data("好\n".utf8))
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(dict):2: expected key<TAB>value"))
    }
}

@Suite struct JobsTests {
    @Test func jobsOneAndTwoGiveByteIdenticalOutput() throws {
        let s = try Scratch()
        for jobs in ["1", "2", "4"] {
            let r = try CLI.run([
                "run", "xiaohuangji", "qingyun", "belle", "--input", CLI.sample, "--output", "\(s.path)/j\(jobs)",
                "--jobs", jobs, "--keep-rejects",
            ])
            #expect(r.status == 0)
        }
        let one = try s.files(under: "j1")
        #expect(!one.isEmpty)
        #expect(one == (try s.files(under: "j2")))
        #expect(one == (try s.files(under: "j4")))
    }
}

@Suite struct OutputLockTests {
    /// A second run into a folder that a run is writing to stops at once, saying so, and
    /// touches nothing; once the first ends, the folder is free.
    @Test func aSecondRunIntoTheSameOutputIsRefused() throws {
        let s = try Scratch()
        let out = "\(s.path)/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let fd = open(out, O_RDONLY | O_DIRECTORY)
        try #require(fd >= 0)
        try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)  // as a run holds it
        let busy = try CLI.run(["run", "qingyun", "--input", CLI.sample, "--output", out])
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("Another corpus-clean run is writing to \(out)"), "\(busy.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
        close(fd)
        let free = try CLI.run(["run", "qingyun", "--input", CLI.sample, "--output", out])
        #expect(free.status == 0, "\(free.stderr)")
    }
}

@Suite struct InterruptTests {
    /// Ctrl-C in the middle of `all`: exit 130; the source still running leaves no staging
    /// folder and its earlier output stays; the source published before the interrupt is there,
    /// and the run-wide manifest says what the output folder holds.
    @Test func anInterruptedRunRemovesItsStagingAndKeepsEarlierOutput() throws {
        let s = try Scratch()
        let raw = "\(s.path)/raw"
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(raw)/tieba-305w", withIntermediateDirectories: true)
        try fm.copyItem(atPath: "\(CLI.sample)/qingyun-11w", toPath: "\(raw)/qingyun-11w")
        var block = ""
        for i in 0..<20_000 { block += "帖子第\(i)条\t回复第\(i)条\n" }
        let data = Data(block.utf8)
        try Data().write(to: URL(fileURLWithPath: "\(raw)/tieba-305w/tieba.dialogues"))
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(raw)/tieba-305w/tieba.dialogues"))
        for _ in 0..<120 { file.write(data) }  // about 60 MB: seconds of work, even unoptimised
        try file.close()
        let out = "\(s.path)/out"
        try fm.createDirectory(atPath: "\(out)/tieba", withIntermediateDirectories: true)
        try Data("kept".utf8).write(to: URL(fileURLWithPath: "\(out)/tieba/earlier"))

        let p = Process()
        p.executableURL = CLI.binary
        // Small shards: Tieba opens a new shard file every few milliseconds, so the interrupt
        // nearly always removes its staging folder with more to write. That source then fails;
        // the run still ends as interrupted, not as failed, with the run-wide manifest written.
        p.arguments = ["all", "--input", raw, "--output", out, "--jobs", "2", "--shard-records", "2000"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Wait until Tieba is writing and Qingyun is published, then interrupt.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline,
            !(fm.fileExists(atPath: "\(out)/.tieba.staging") && fm.fileExists(atPath: "\(out)/qingyun/manifest.json"))
        {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let interruptedInTime = p.isRunning
        p.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        try #require(interruptedInTime, "the run ended before it could be interrupted")
        #expect(p.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("interrupted; removed the unfinished output in \(out)/.tieba.staging"))
        #expect(!fm.fileExists(atPath: "\(out)/.tieba.staging"))
        #expect(try fm.contentsOfDirectory(atPath: "\(out)/tieba") == ["earlier"])
        #expect(fm.fileExists(atPath: "\(out)/qingyun/qingyun-00000.jsonl.zst"))
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(out)/manifest.json")))
        let sources = (manifest as? [String: Any])?["sources"] as? [String: Any]
        #expect(sources?.keys.sorted() == ["qingyun"])
    }
}

@Suite struct ResumeTests {
    /// `--resume` keeps what an earlier `--resume` run made from the same files and options,
    /// and runs again exactly the sources whose input, options or output changed.
    @Test func resumeKeepsWhatIsUpToDateAndRunsTheRest() throws {
        let s = try Scratch()
        let raw = "\(s.path)/raw"
        let out = "\(s.path)/out"
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: raw)
        let first = try CLI.run(["all", "--input", raw, "--output", out, "--resume"])
        #expect(first.status == 0)
        #expect(first.stderr.contains("resume: tieba: no record of an earlier --resume run; running it"))
        let made = try s.files(under: "out")

        // Nothing changed: every source kept, every file as it was.
        let again = try CLI.run(["all", "--input", raw, "--output", out, "--resume"])
        #expect(again.status == 0)
        #expect(again.stderr.contains("resume: tieba: kept, made from the same files and options"))
        #expect(!again.stderr.contains("running it"), "\(again.stderr)")
        #expect(again.stderr.contains("tieba        kept"))
        #expect(try s.files(under: "out") == made)

        // One input changed, one shard removed: those two sources run again, the rest are kept.
        let tieba = URL(fileURLWithPath: "\(raw)/tieba-305w/tieba.dialogues")
        try (Data(contentsOf: tieba) + Data("新的帖子\t新的回复\n".utf8)).write(to: tieba)
        try FileManager.default.removeItem(atPath: "\(out)/ptt/ptt-00000.jsonl.zst")
        let changed = try CLI.run(["all", "--input", raw, "--output", out, "--resume"])
        #expect(changed.status == 0)
        #expect(changed.stderr.contains("resume: tieba: its input files changed; running it"))
        #expect(changed.stderr.contains("resume: ptt: ptt/ptt-00000.jsonl.zst is missing or changed; running it"))
        #expect(changed.stderr.contains("resume: qingyun: kept"))
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(out)/manifest.json")))
        let sources = (manifest as? [String: Any])?["sources"] as? [String: [String: Any]]
        let tiebaCounts = sources?["tieba"]?["counts"] as? [String: Any]
        #expect(tiebaCounts?["read"] as? Int == 4)
        #expect(sources?.count == 10)
        #expect(FileManager.default.fileExists(atPath: "\(out)/ptt/ptt-00000.jsonl.zst"))

        // Output made with another ICU (its version is in the recorded pipeline): run again.
        let record = URL(fileURLWithPath: "\(out)/qingyun/.resume.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: record)) as? [String: Any])
        var pipeline = try #require(object["pipeline"] as? [[String: Any]])
        let t2s = try #require(pipeline.firstIndex { $0["id"] as? String == "convert.t2s" })
        var parameters = try #require(pipeline[t2s]["parameters"] as? [String: String])
        #expect(parameters["icu"]?.isEmpty == false)
        parameters["icu"] = "1.0"
        pipeline[t2s]["parameters"] = parameters
        object["pipeline"] = pipeline
        try JSONSerialization.data(withJSONObject: object).write(to: record)
        let icu = try CLI.run(["all", "--input", raw, "--output", out, "--resume"])
        #expect(icu.stderr.contains("resume: qingyun: the pipeline changed; running it"), "\(icu.stderr)")
        #expect(icu.stderr.contains("resume: tieba: kept"))

        // Other options: every source runs again.
        let options = try CLI.run(["all", "--input", raw, "--output", out, "--resume", "--no-dedup"])
        #expect(options.status == 0)
        #expect(options.stderr.contains("resume: xiaohuangji: the options changed; running it"))
        #expect(!options.stderr.contains(": kept"))
    }
}
