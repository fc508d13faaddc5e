import ArgumentParser
import Pipelines

/// `corpus-clean run SOURCE…`: chosen sources from a raw root, a source folder or a file.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Clean the named sources.",
        discussion: """
            --input may be a raw root laid out like raw_chat_corpus/, the source's own folder \
            (e.g. xiaohuangji-40w/), or, for a single-file source, the file itself.
            """)

    @Argument(help: "Sources to run: \(Source.allCases.map(\.rawValue).joined(separator: ", ")).")
    var sources: [Source]

    @Option(help: "A raw root, a source folder, or a source file.")
    var input = "raw_chat_corpus"

    @Option(help: "The output root.")
    var output = "clean_chat_corpus"

    @OptionGroup var options: OutputOptions

    func validate() throws {
        guard !sources.isEmpty else { throw ValidationError("Name at least one source.") }
    }

    func run() throws {
        var work: [(Source, [InputFileRef])] = []
        for source in sources {
            let files: [InputFileRef]
            do {
                files = try InputResolver.files(for: source, at: input)
            } catch {
                printError("error: \(error)")
                throw ExitCode.failure
            }
            guard !files.isEmpty else {
                printError(
                    "error: "
                        + "\(PipelineError.noSourceFiles(source: source.rawValue, path: input, expected: source.expectedFiles))"
                )
                throw ExitCode.failure
            }
            work.append((source, files))
        }
        try SourceExecution(outputRoot: output, options: options).execute(work)
    }
}
