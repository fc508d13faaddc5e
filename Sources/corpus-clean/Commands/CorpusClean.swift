import ArgumentParser

/// The root command: `corpus-clean <subcommand>`.
struct CorpusClean: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus-clean",
        abstract: "Turn raw Chinese chat corpora into clean, unified training data.",
        subcommands: [
            AllCommand.self, RunCommand.self, SourcesCommand.self, ConvertCommand.self, CountTokensCommand.self,
            BenchCommand.self,
        ])
}
