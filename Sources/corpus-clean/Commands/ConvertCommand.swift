import ArgumentParser
import Formats
import Foundation
import Normalize

extension ConversionProfile: ExpressibleByArgument {}

/// `corpus-clean convert`: traditional → simplified on UTF-8 text, line for line.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert", abstract: "Convert traditional Chinese text to simplified, line for line.",
        discussion: """
            Reads UTF-8 from the files given (or standard input) and writes the converted lines to \
            standard output. Invalid UTF-8 is an error naming the file and line.
            """)

    @Argument(help: "Input files (default: standard input).")
    var files: [String] = []

    @Option(help: "t2s (characters only), tw2s (Taiwan usage), tw2sp (also Taiwan vocabulary), hk2s.")
    var profile: ConversionProfile = .t2s

    @Option(help: "keep: leave 「」『』 as they are; mainland: turn them into “”‘’.")
    var quotes: QuoteStyle = .keep

    @Option(
        name: .customLong("dictionary"),
        help: "An OpenCC text dictionary (key<TAB>value…), ahead of the built-in phrases. Repeatable.")
    var dictionaries: [String] = []

    @Flag(name: .customLong("startup-time"), help: "Print the converter's set-up time on stderr.")
    var startupTime = false

    func run() throws {
        let started = Date()
        let converter: ChineseConverter
        do {
            converter = try ChineseConverter(profile: profile, quotes: quotes, dictionaries: dictionaries)
        } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        if startupTime {
            printError(
                String(
                    format: "startup: %.3f s (%d characters, %d phrases)", Date().timeIntervalSince(started),
                    converter.characterCount, converter.phraseCount))
        }
        let out = FileHandle.standardOutput
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        for (name, reader) in try inputLineReaders(files) {
            var failure: String?
            while try reader.nextRaw({ line in
                guard failure == nil else { return }
                guard UTF8Validation.isValid(line.bytes) else {
                    failure = "\(name):\(line.number): the line is not valid UTF-8"
                    return
                }
                converter.convert(utf8: line.bytes, into: &buffer)
                buffer.append(0x0A)
            }) {
                if failure != nil { break }
                if buffer.count >= 1 << 20 {
                    out.write(Data(buffer))
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            out.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
            if let failure {
                printError("error: \(failure)")
                throw ExitCode.failure
            }
        }
    }
}

/// Line readers over `files`, or over standard input when there are none.
func inputLineReaders(_ files: [String]) throws -> [(String, LineReader)] {
    if files.isEmpty { return [("<stdin>", LineReader(source: try FileByteSource(path: "/dev/stdin")))] }
    return try files.map { ($0, try LineReader(path: $0)) }
}
