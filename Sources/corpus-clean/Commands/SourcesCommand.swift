import ArgumentParser
import Pipelines

/// `corpus-clean sources`: every source, the files it expects, and whether they are present.
struct SourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources", abstract: "List the sources, their files, and which are present.")

    @Option(help: "The raw corpus root to look in.")
    var input = "raw_chat_corpus"

    func run() throws {
        for source in Source.allCases {
            let found = (try? InputResolver.files(for: source, at: input, rootOnly: true)) ?? []
            let names = Set(found.map(\.name))
            print("\(source.rawValue)\t\(found.isEmpty ? "absent" : "present")\t\(source.summary)")
            switch source.files {
            case .named(let files):
                for file in files {
                    print("  \(source.folder)/\(file)\t\(names.contains(file) ? "present" : "missing")")
                }
            case .matching:
                let pattern = source.expectedFiles.joined()
                print("  \(source.folder)/\(pattern)\t\(found.isEmpty ? "missing" : "\(found.count) file(s) present")")
            }
        }
    }
}
