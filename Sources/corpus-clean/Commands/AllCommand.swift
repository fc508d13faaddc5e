import ArgumentParser
import Foundation
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
            if !files.isEmpty {
                work.append((source, files))
            } else if FileManager.default.fileExists(atPath: (input as NSString).appendingPathComponent(source.folder))
            {
                printError(
                    "skipped: \(source.rawValue): \(source.folder)/ under \(input) holds none of its files "
                        + "(expected \(source.expectedFiles.joined(separator: ", ")))")
            } else {
                printError("skipped: \(source.rawValue): absent (no \(source.folder)/ under \(input))")
            }
        }
        // Not one source: the input is most likely not a raw root at all.
        guard !work.isEmpty else {
            printError(
                "error: no source under \(input): a raw root holds folders such as "
                    + Source.allCases.prefix(3).map { "\($0.folder)/" }.joined(separator: ", ")
                    + " (see `corpus-clean sources --input \(input)`)")
            throw ExitCode.failure
        }
        try SourceExecution(outputRoot: output, options: options).execute(work)
    }
}
