import Formats
import Foundation

/// ShareGPT HTML dumps (`sg_90k_part1.json`, FastChat's `sharegpt_html.json`): one JSON array
/// of `{id, conversations: [{from, value}], model?, plugins?}`, 0.5–0.9 GB per file, streamed
/// element by element (JSON Lines work too).
///
/// ```
/// [{"id": "2wtLdZm", "conversations": [
///   {"from": "human", "value": "Are you familiar with the SAS programming language?"},
///   {"from": "gpt", "value": "<div class=\"markdown prose …\"><p>Yes, …</p></div>"}]}]
/// ```
/// Extraction only parses: `human` and `gpt` turns keep their raw values (HTML for gpt);
/// `model` goes to the metadata, and a non-null `plugins` to the metadata key `plugins` for
/// `filter.plugin`. Ids are `sharegpt:<id>`. Malformed (with the element's byte offset): JSON
/// that does not parse (`invalid-json`), a missing or non-string field (`wrong-type`), a role
/// other than `human`/`gpt` (`unknown-role`).
public struct ShareGPTExtractor: SourceExtractor {
    public let source = "sharegpt"

    public init() {}

    public func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws {
        let source = source
        try JSONRecords.forEach(
            file, progress: progress, emit: emit, tape: { Self.conversation(tape: $0, source: source, origin: $1) }
        ) { value, origin in
            [try conversation(value, origin: origin)]
        }
    }

    /// What ``conversation(_:origin:)`` makes of a record, read from simdjson's tape; `nil` for
    /// a record it would refuse (then it gives the reason).
    static func conversation(tape record: SimdJSON.TapeValue, source: String, origin: RecordOrigin) -> Conversation? {
        guard record.isObject, let id = record["id"]?.text, let list = record["conversations"] else { return nil }
        var turns: [Turn] = []
        var refused = false
        let isList = list.forEachItem { turn in
            guard !refused, turn.isObject, let from = turn["from"]?.text, let value = turn["value"]?.text else {
                refused = true
                return
            }
            if ByteScan.equal(from, "human") {
                turns.append(Turn(.human, String(knownValidUTF8: value)))
            } else if ByteScan.equal(from, "gpt") {
                turns.append(Turn(.gpt, String(knownValidUTF8: value)))
            } else {
                refused = true
            }
        }
        guard isList, !refused else { return nil }
        var metadata: [String: String] = [:]
        if let model = record["model"]?.text { metadata["model"] = String(knownValidUTF8: model) }
        if let plugins = record["plugins"], !plugins.isNull { metadata[ShareGPTSteps.pluginsKey] = "present" }
        return Conversation(
            id: "sharegpt:" + String(knownValidUTF8: id), source: source, turns: turns, metadata: metadata,
            origin: origin)
    }

    func conversation(_ record: JSONValue, origin: RecordOrigin) throws -> Conversation {
        guard record.isObject else {
            throw JSONRecords.Problem(kind: .wrongType, detail: "expected a JSON object")
        }
        let id = try BELLERecord.string(record, "id")
        guard let list = record["conversations"]?.array else {
            throw JSONRecords.Problem(kind: .wrongType, detail: "`conversations` is missing or not a list")
        }
        var turns: [Turn] = []
        turns.reserveCapacity(list.count)
        for (i, turn) in list.enumerated() {
            guard turn.isObject else {
                throw JSONRecords.Problem(kind: .wrongType, detail: "turn \(i + 1) is not an object")
            }
            let from = try BELLERecord.string(turn, "from")
            let text = try BELLERecord.string(turn, "value")
            switch from {
            case "human": turns.append(Turn(.human, text))
            case "gpt": turns.append(Turn(.gpt, text))
            default: throw JSONRecords.Problem(kind: .unknownRole, detail: "turn \(i + 1) has the role \"\(from)\"")
            }
        }
        var metadata: [String: String] = [:]
        if let model = record["model"]?.string { metadata["model"] = model }
        if let plugins = record["plugins"] {
            if case .null = plugins {} else { metadata[ShareGPTSteps.pluginsKey] = "present" }
        }
        return Conversation(id: "sharegpt:\(id)", source: source, turns: turns, metadata: metadata, origin: origin)
    }
}
