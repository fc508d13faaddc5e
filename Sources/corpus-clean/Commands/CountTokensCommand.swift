import ArgumentParser
import Formats
import Foundation
import Tokenize

/// `corpus-clean count-tokens`: one token count per input line.
struct CountTokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count-tokens", abstract: "Count tokens with a Hugging Face tokenizer.json, one line at a time.",
        discussion: """
            Each input line is a JSON string, or a conversation object in the ShareGPT layout \
            ({"conversations": [{"from", "value"}]}) or the messages layout ({"messages": \
            [{"role", "content"}]}). For a string it prints len(tokenizer(text).input_ids), special \
            tokens of the post-processor included; for a conversation the sum over its turns \
            (plus --turn-overhead per turn). Without --tokenizer the counts are an estimate, and a \
            note on standard error says so. A line that is not one of these is an error naming \
            the file and line.
            """)

    @Argument(help: "Input files (default: standard input).")
    var files: [String] = []

    @Option(help: "A Hugging Face tokenizer.json (or a zstd-compressed one).")
    var tokenizer: String?

    @Option(help: "Tokens added per turn of a conversation (FastChat's split uses 6).")
    var turnOverhead = 0

    @Flag(help: "Print the token ids of each string (without post-processor specials) instead of counts.")
    var ids = false

    func run() throws {
        let counter: any TokenCounting
        var exact: TokenCounter?
        do {
            if let tokenizer {
                let c = try Tokenizer(path: tokenizer).makeCounter()
                counter = c
                exact = c
            } else {
                counter = TokenEstimator()
                printError("note: no --tokenizer given; counts are an \(TokenEstimator.label)")
            }
        } catch {
            throw ValidationError("--tokenizer \(tokenizer ?? ""): \(error)")
        }
        if ids, exact == nil { throw ValidationError("--ids needs --tokenizer.") }
        var out: [UInt8] = []
        for (name, reader) in try inputLineReaders(files) {
            var failure: String?
            while try reader.nextRaw({ line in
                guard failure == nil else { return }
                do {
                    let (texts, conversation) = try Self.texts(line.bytes, where: "\(name):\(line.number)")
                    if let exact, ids {
                        let list = try texts.map { try exact.encode($0).map(String.init).joined(separator: " ") }
                        out.append(contentsOf: list.joined(separator: " | ").utf8)
                    } else {
                        let total = try texts.reduce(0) { try $0 + counter.count($1) }
                        let overhead = conversation ? turnOverhead * texts.count : 0
                        out.append(contentsOf: String(total + overhead).utf8)
                    }
                    out.append(0x0A)
                } catch {
                    failure = "\(error)"
                }
            }) {
                if failure != nil { break }
                if out.count >= 1 << 16 {
                    FileHandle.standardOutput.write(Data(out))
                    out.removeAll(keepingCapacity: true)
                }
            }
            FileHandle.standardOutput.write(Data(out))
            out.removeAll(keepingCapacity: true)
            if let failure {
                printError("error: \(failure)")
                throw ExitCode.failure
            }
        }
    }

    struct BadLine: Error, CustomStringConvertible {
        var description: String
    }

    /// The texts a line holds: one string, or the turns of a conversation.
    static func texts(_ bytes: UnsafeBufferPointer<UInt8>, where place: String) throws -> ([String], Bool) {
        let value = try JSONDocument.parse(bytes, path: place)
        if let s = value as? String { return ([s], false) }
        guard let object = value as? [String: Any] else {
            throw BadLine(description: "\(place): expected a JSON string or a conversation object")
        }
        for (key, field) in [("conversations", "value"), ("messages", "content")] {
            guard let turns = object[key] else { continue }
            guard let list = turns as? [Any] else { throw BadLine(description: "\(place): \"\(key)\" is not an array") }
            let texts = try list.enumerated().map { i, turn in
                guard let t = turn as? [String: Any], let text = t[field] as? String else {
                    throw BadLine(description: "\(place): turn \(i) of \"\(key)\" has no string \"\(field)\"")
                }
                return text
            }
            return (texts, true)
        }
        throw BadLine(description: "\(place): the object has neither \"conversations\" nor \"messages\"")
    }
}
