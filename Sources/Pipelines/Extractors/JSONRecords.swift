import Formats

/// The loop the JSON sources (BELLE, ShareGPT) share: read values one at a time (JSON Lines or
/// an array, see ``JSONRecordReader``), turn each into conversations, and report what does not
/// parse or convert as malformed, with its line or byte offset.
enum JSONRecords {
    /// Why a parsed value is not a record: a malformed kind and a detail.
    struct Problem: Error, CustomStringConvertible {
        var kind: MalformedKind
        var detail: String
        var description: String { "\(kind.rawValue): \(detail)" }
    }

    static func forEach(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void,
        convert: (Any, RecordOrigin) throws -> [Conversation]
    ) throws {
        let reader = try JSONRecordReader(path: file.path)
        var ordinal = 0
        while let item = try reader.next() {
            ordinal += 1
            if ordinal & 0x3FF == 0 { progress(reader.bytesRead) }
            switch item {
            case .malformed(let detail, let raw, let position):
                try emit(
                    .malformed(
                        InputIssue(
                            kind: .invalidJSON, file: file.name, line: position, detail: detail, raw: raw,
                            unit: reader.unit)))
            case .value(let value, let raw, let position):
                let origin = RecordOrigin(file: file.name, line: position, ordinal: ordinal)
                let conversations: [Conversation]
                do {
                    conversations = try convert(value, origin)
                } catch let p as Problem {
                    try emit(
                        .malformed(
                            InputIssue(
                                kind: p.kind, file: file.name, line: position, detail: p.detail, raw: raw,
                                unit: reader.unit)))
                    continue
                }
                try emit(conversations.count == 1 ? .conversation(conversations[0]) : .conversations(conversations))
            }
        }
        progress(reader.bytesRead)
    }
}
