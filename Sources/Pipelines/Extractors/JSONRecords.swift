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

    /// Reads `file` and emits its records.
    ///
    /// - Parameter deferParsing: emit each value as a deferred record, so that parsing and
    ///   `convert` run in the parallel stage and the reading thread only finds where values begin
    ///   and end. Worth it when parsing is the heavy part (BELLE: about 1.5× with two workers);
    ///   not when later steps are (ShareGPT's HTML rendering keeps the workers busy, and parsing
    ///   on the reading thread uses the capacity that is left).
    static func forEach(
        _ file: InputFileRef, deferParsing: Bool, progress: (UInt64) -> Void,
        emit: (ExtractedRecord) throws -> Void,
        convert: @escaping @Sendable (Any, RecordOrigin) throws -> [Conversation]
    ) throws {
        let reader = try JSONRecordReader(path: file.path)
        let unit = reader.unit
        let name = file.name
        var ordinal = 0
        while let item = try reader.next(parsing: !deferParsing) {
            ordinal += 1
            if ordinal & 0x3FF == 0 { progress(reader.bytesRead) }
            switch item {
            case .malformed(let detail, let raw, let position):
                try emit(
                    .malformed(
                        InputIssue(
                            kind: .invalidJSON, file: name, line: position, detail: detail, raw: raw, unit: unit)))
            case .value(let value, let raw, let position):
                try emit(record(value, raw, position, ordinal, name, unit, convert))
            case .unparsed(let raw, let position):
                let n = ordinal
                try emit(
                    .deferred {
                        switch JSONRecordReader.parse(raw, position: position) {
                        case .value(let value, _, _):
                            return record(value, raw, position, n, name, unit, convert)
                        case .malformed(let detail, _, _):
                            return .malformed(
                                InputIssue(
                                    kind: .invalidJSON, file: name, line: position, detail: detail, raw: raw, unit: unit
                                ))
                        case .unparsed:
                            return .malformed(
                                InputIssue(
                                    kind: .invalidJSON, file: name, line: position, detail: "not parsed", raw: raw,
                                    unit: unit))
                        }
                    })
            }
        }
        progress(reader.bytesRead)
    }

    private static func record(
        _ value: Any, _ raw: [UInt8], _ position: Int, _ ordinal: Int, _ file: String,
        _ unit: InputIssue.PositionUnit, _ convert: (Any, RecordOrigin) throws -> [Conversation]
    ) -> ExtractedRecord {
        let origin = RecordOrigin(file: file, line: position, ordinal: ordinal)
        do {
            let conversations = try convert(value, origin)
            return conversations.count == 1 ? .conversation(conversations[0]) : .conversations(conversations)
        } catch let p as Problem {
            return .malformed(
                InputIssue(kind: p.kind, file: file, line: position, detail: p.detail, raw: raw, unit: unit))
        } catch {
            return .malformed(
                InputIssue(kind: .wrongType, file: file, line: position, detail: "\(error)", raw: raw, unit: unit))
        }
    }
}
