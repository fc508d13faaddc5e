import Formats
import Foundation
import Normalize

/// BELLE instruction and chat data (LianjiaTech/BELLE): JSON Lines despite `.json`, or JSON
/// arrays. The layout is detected per record, since a file may mix them:
///
/// | keys | conversation |
/// |---|---|
/// | `conversations: [{from, value}]` | `human` → human, `assistant`/`gpt` → gpt; other roles malformed (`unknown-role`) |
/// | `instruction` with `Human:`/`Assistant:` markers, ending `Assistant:` | the history as alternating turns, then `output` as the last gpt turn |
/// | `instruction` (role set-up) + `output` of `Name: text` lines | human: the instruction; gpt: the dialogue; `metadata.speakers` |
/// | `instruction`, `instances: [{input, output}]` (zh_seed_tasks) | one conversation per instance |
/// | `instruction`, `input`, `output` (Alpaca) | human: instruction, then `\n` and the input when it is not empty; gpt: output |
/// | `input`, `target` | human: input; gpt: target |
///
/// ```
/// {"instruction": "Human:你好\nAssistant:你好！\nHuman:讲个笑话\nAssistant:", "input": "", "output": "好的……"}
/// ```
/// A `Human:`/`Assistant:` marker starts a turn only at the start of the instruction or of a line;
/// elsewhere it is text. An `id` field becomes the id (`belle:<id>`); otherwise the file and
/// line. Malformed: JSON that does not parse or holds a lone surrogate (`invalid-json`), a record
/// with none of the known keys (`unknown-layout`), a field of the wrong type (`wrong-type`), a
/// seed task without instances (`empty-record`).
public struct BELLEExtractor: SourceExtractor {
    public let source = "belle"
    /// Bytes of JSON Lines handed to a worker at a time (see ``LineFile``).
    public var chunkBytes = LineFile.chunkBytes

    public init() {}

    public func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws {
        let source = source
        try JSONRecords.forEach(
            file, chunkBytes: chunkBytes, progress: progress, emit: emit,
            bytes: { BELLERecord.byteConversation($0, source: source, origin: $1) }
        ) { value, origin in
            try BELLERecord.conversations(value, source: source, origin: origin).get()
        }
    }
}

/// Turns one parsed BELLE record into conversations (see ``BELLEExtractor``).
enum BELLERecord {
    typealias Problem = JSONRecords.Problem

    static func conversations(_ record: JSONValue, source: String, origin: RecordOrigin) -> Result<
        [Conversation], Problem
    > {
        guard record.isObject else {
            return .failure(Problem(kind: .wrongType, detail: "expected a JSON object"))
        }
        do {
            var id: String?
            if let raw = record["id"] {
                switch raw {
                case .string(let s): id = "\(source):\(s)"
                case .integer(let n): id = "\(source):\(n)"
                default: throw Problem(kind: .wrongType, detail: "`id` is not a string")
                }
            }
            func make(_ turns: [Turn], metadata: [String: String] = [:], suffix: String = "") -> Conversation {
                Conversation(
                    id: id.map { $0 + suffix }, source: source, turns: turns, metadata: metadata, origin: origin)
            }
            if let list = record["conversations"] {
                return .success([make(try chat(list))])
            }
            if let instances = record["instances"] {
                let instruction = try string(record, "instruction")
                guard let items = instances.array else {
                    throw Problem(kind: .wrongType, detail: "`instances` is not a list")
                }
                guard !items.isEmpty else {
                    throw Problem(kind: .emptyRecord, detail: "`instances` is empty: nothing to convert")
                }
                var result: [Conversation] = []
                for (i, instance) in items.enumerated() {
                    guard instance.isObject else {
                        throw Problem(kind: .wrongType, detail: "instance \(i + 1) is not an object")
                    }
                    let input = try string(instance, "input", optional: true)
                    let turns = [Turn(.human, prompt(instruction, input)), Turn(.gpt, try string(instance, "output"))]
                    result.append(make(turns, suffix: "#\(i + 1)"))
                }
                return .success(result)
            }
            if record["instruction"] != nil, record["output"] != nil {
                let instruction = try string(record, "instruction")
                let input = try string(record, "input", optional: true)
                let output = try string(record, "output")
                if let history = MultiturnHistory.parse(instruction), input.isEmpty {
                    return .success([make(history + [Turn(.gpt, output)])])
                }
                var metadata: [String: String] = [:]
                if let speakers = GeneratedChat.speakers(instruction: instruction, output: output) {
                    metadata["speakers"] = speakers.joined(separator: ", ")
                }
                return .success([
                    make([Turn(.human, prompt(instruction, input)), Turn(.gpt, output)], metadata: metadata)
                ])
            }
            if record["input"] != nil, record["target"] != nil {
                return .success([
                    make([Turn(.human, try string(record, "input")), Turn(.gpt, try string(record, "target"))])
                ])
            }
            let keys = record.keys.joined(separator: ", ")
            throw Problem(kind: .unknownLayout, detail: "no known BELLE layout for the keys \(keys)")
        } catch let p as Problem {
            return .failure(p)
        } catch {
            return .failure(Problem(kind: .wrongType, detail: "\(error)"))
        }
    }

    /// The record as a byte conversation (the byte lane, docs/pipeline.md), when
    /// ``conversations(_:source:origin:)`` would read it as one conversation of human/gpt turns
    /// alternating from a human one, with no metadata: the `conversations`,
    /// `instruction`/`input`/`output` (a multiturn history included) and `input`/`target` layouts,
    /// taken in the same order.
    ///
    /// Its texts are borrowed from the parsed record. `nil` for anything else (other layouts,
    /// generated chats, roles out of order, wrong types): the general path takes the record, and
    /// says what is wrong with it.
    static func byteConversation(_ record: SimdJSON.TapeValue, source: String, origin: RecordOrigin)
        -> ByteConversation?
    {
        guard record.isObject else { return nil }
        var id: String?
        if let raw = record["id"] {
            if let s = raw.text {
                id = source + ":" + String(knownValidUTF8: s)
            } else if let n = raw.integer {
                id = "\(source):\(n)"
            } else {
                return nil
            }
        }
        var texts: [ByteConversation.Text] = []
        if let list = record["conversations"] {
            var inOrder = true
            let isList = list.forEachItem { turn in
                guard inOrder, let from = turn["from"]?.text, let value = turn["value"]?.text else {
                    inOrder = false
                    return
                }
                inOrder = texts.count % 2 == 0 ? oneOf(from, "human", "user") : oneOf(from, "assistant", "gpt")
                texts.append(.borrowed(value))
            }
            guard isList, inOrder else { return nil }
        } else if record["instances"] != nil {
            return nil
        } else if let instruction = record["instruction"], let output = record["output"] {
            guard let instruction = instruction.text, let output = output.text else { return nil }
            var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            if let raw = record["input"] {
                guard let s = raw.text else { return nil }
                input = s
            }
            if input.isEmpty, let history = MultiturnHistory.turns(instruction) {
                for (i, turn) in history.enumerated() {
                    guard turn.role == (i % 2 == 0 ? .human : .gpt) else { return nil }
                    texts.append(.borrowed(UnsafeBufferPointer(rebasing: instruction[turn.text])))
                }
                texts.append(.borrowed(output))
            } else {
                guard !GeneratedChat.mayBe(instruction: instruction) else { return nil }
                let prompt: ByteConversation.Text =
                    input.isEmpty
                    ? .borrowed(instruction)
                    : .owned(prompt(String(knownValidUTF8: instruction), String(knownValidUTF8: input)))
                texts = [prompt, .borrowed(output)]
            }
        } else if let input = record["input"], let target = record["target"] {
            guard let input = input.text, let target = target.text else { return nil }
            texts = [.borrowed(input), .borrowed(target)]
        } else {
            return nil
        }
        guard texts.count >= 2, texts.count % 2 == 0 else { return nil }
        return ByteConversation(source: source, origin: origin, texts: texts, explicitID: id)
    }

    /// Whether the UTF-8 text `b` is `a` or `b`.
    private static func oneOf(_ text: UnsafeBufferPointer<UInt8>, _ a: StaticString, _ b: StaticString) -> Bool {
        ByteScan.equal(text, a) || ByteScan.equal(text, b)
    }

    /// The instruction, then the input on a new line when it is not empty.
    static func prompt(_ instruction: String, _ input: String) -> String {
        input.isEmpty ? instruction : instruction + "\n" + input
    }

    static func string(_ record: JSONValue, _ key: String, optional: Bool = false) throws -> String {
        guard let raw = record[key] else {
            if optional { return "" }
            throw Problem(kind: .wrongType, detail: "`\(key)` is missing")
        }
        guard let s = raw.string else {
            throw Problem(kind: .wrongType, detail: "`\(key)` is not a string")
        }
        return s
    }

    static func chat(_ list: JSONValue) throws -> [Turn] {
        guard let items = list.array else {
            throw Problem(kind: .wrongType, detail: "`conversations` is not a list")
        }
        return try items.enumerated().map { i, turn in
            guard turn.isObject else {
                throw Problem(kind: .wrongType, detail: "turn \(i + 1) is not an object")
            }
            let from = try string(turn, "from")
            let value = try string(turn, "value")
            switch from {
            case "human", "user": return Turn(.human, value)
            case "assistant", "gpt": return Turn(.gpt, value)
            default: throw Problem(kind: .unknownRole, detail: "turn \(i + 1) has the role \"\(from)\"")
            }
        }
    }
}
