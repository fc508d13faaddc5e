import ArgumentParser
import Pipelines

/// `corpus-clean all`: every known source found under the input root.
struct AllCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all", abstract: "Clean every source found under the raw corpus root.")

    @Option(help: "The raw corpus root, laid out like raw_chat_corpus/.")
    var input = "raw_chat_corpus"

    @Option(help: "The output root.")
    var output = "clean_chat_corpus"

    @OptionGroup var options: OutputOptions

    func run() throws {
        var work: [(Source, [InputFileRef])] = []
        for source in Source.allCases {
            let files: [InputFileRef]
            do {
                files = try InputResolver.files(for: source, at: input, rootOnly: true)
            } catch {
                printError("error: \(error)")
                throw ExitCode.failure
            }
            if files.isEmpty {
                printError("skipped: \(source.rawValue): absent (no \(source.folder)/ under \(input))")
            } else {
                work.append((source, files))
            }
        }
        try SourceExecution(outputRoot: output, options: options).execute(work)
    }
}
