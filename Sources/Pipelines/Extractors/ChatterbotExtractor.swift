import Formats
import Foundation
import Yams

/// chatterbot-corpus Chinese YAML files: every `*.yml` under `chatterbot-1k/chinese/`.
///
/// ```yaml
/// categories:
/// - conversations
/// conversations:
/// - - 早上好，你好吗?
///   - 我挺好的，你呢
/// ```
/// Parsed with Yams (quoted, multi-line and block scalars all work; scalars keep their text, so
/// `'1963'` is `1963` and an unquoted `1963` is too). Each inner list is one record: a session of
/// its utterances under the common role rule, with the file's `categories` in the metadata key
/// `categories` (joined by `, `). Ordinals count conversations within the file; the line is the
/// list's first line.
///
/// Malformed: a file that is not valid UTF-8 or not valid YAML (`invalid-yaml`, with the line
/// Yams reports; the file's conversations cannot be told apart, so it is one record), a
/// conversation that is not a list of scalars (`wrong-type`). A file with no `conversations`
/// key holds no records and is reported as a warning-level malformed record (`unknown-layout`).
///
/// YAML is parsed a file at a time: chatterbot files are a few kilobytes each (the whole
/// corpus is 36 KB); a file over 64 MiB is refused as malformed rather than loaded.
public struct ChatterbotExtractor: SourceExtractor {
    public let source = "chatterbot"
    public static let maxFileBytes: UInt64 = 64 << 20

    public init() {}

    public func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws {
        guard file.bytes <= Self.maxFileBytes else {
            try emit(
                .malformed(
                    InputIssue(
                        kind: .invalidYAML, file: file.name, line: 1,
                        detail:
                            "the file has \(file.bytes) bytes; YAML files over \(Self.maxFileBytes) bytes are not loaded"
                    )))
            return
        }
        let bytes = try InputFile.readAll(file.path)
        progress(file.bytes)
        guard let text = bytes.withUnsafeBufferPointer({ UTF8Validation.string($0) }) else {
            try emit(
                .malformed(
                    InputIssue(
                        kind: .invalidUTF8, file: file.name, line: firstBadLine(bytes),
                        detail: "the file is not valid UTF-8",
                        raw: bytes)))
            return
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            try emit(
                .malformed(
                    InputIssue(
                        kind: .invalidYAML, file: file.name, line: Self.line(of: error),
                        detail: "not valid YAML: \(Self.problem(of: error))", raw: bytes)))
            return
        }
        guard let conversations = root?.mapping?["conversations"]?.sequence else {
            try emit(
                .malformed(
                    InputIssue(
                        kind: .unknownLayout, file: file.name, line: 1,
                        detail: "expected a mapping with a `conversations` list", raw: bytes)))
            return
        }
        let categories = root?.mapping?["categories"]?.sequence?.compactMap(\.scalar?.string) ?? []
        var metadata: [String: String] = [:]
        if !categories.isEmpty { metadata["categories"] = categories.joined(separator: ", ") }
        for (i, node) in conversations.enumerated() {
            let line = node.mark?.line ?? 1
            guard let items = node.sequence, items.allSatisfy({ $0.scalar != nil }) else {
                try emit(
                    .malformed(
                        InputIssue(
                            kind: .wrongType, file: file.name, line: line,
                            detail: "conversation \(i + 1) is not a list of strings",
                            raw: Self.raw(
                                node, text: text,
                                until: i + 1 < conversations.count
                                    ? conversations[i + 1].mark?.line : nil))))
                continue
            }
            let origin = RecordOrigin(file: file.name, line: line, ordinal: i + 1)
            try emit(
                .conversation(
                    .session(
                        source: source, origin: origin, utterances: items.compactMap(\.scalar?.string),
                        metadata: metadata)))
        }
    }

    /// The most YAML nodes a malformed conversation may hold for its `raw` to be the node
    /// written out as YAML.
    static let maxRawNodes = 10_000

    /// What a malformed conversation's `raw` holds: the node written out as YAML, or, for a node
    /// of more than ``maxRawNodes`` nodes once its aliases are expanded (a file of nested
    /// aliases can make one of billions: written out, it would take any amount of time and
    /// memory), the file's lines from the node's first line up to `next`, the line of the
    /// conversation after it (or the end of the file).
    static func raw(_ node: Node, text: String, until next: Int?) -> [UInt8] {
        var pending = [node]
        var count = 0
        while let n = pending.popLast(), count <= maxRawNodes {
            count += 1
            if let items = n.sequence { pending += items }
            if let pairs = n.mapping { for (k, v) in pairs { pending += [k, v] } }
        }
        if count <= maxRawNodes { return Array(((try? Yams.serialize(node: node, allowUnicode: true)) ?? "").utf8) }
        let first = node.mark?.line ?? 1
        var out: [UInt8] = []
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where k + 1 >= first && next.map({ k + 1 < $0 }) ?? true {
            out += line.utf8
            out.append(0x0A)
        }
        return out
    }

    private func firstBadLine(_ bytes: [UInt8]) -> Int {
        var line = 1
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            if !bytes.withUnsafeBufferPointer({ UTF8Validation.isValid(UnsafeBufferPointer(rebasing: $0[start..<i])) })
            {
                return line
            }
            line += 1
            start = i + 1
        }
        return line
    }

    static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return 1
        }
    }

    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "\(error)"
        }
    }
}
