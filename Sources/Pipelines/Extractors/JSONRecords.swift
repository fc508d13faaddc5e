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

    /// Reads `file` and emits its records, leaving parsing and `convert` to the parallel stage: the
    /// reading thread only finds where values begin and end.
    ///
    /// JSON Lines go in chunks of `chunkBytes` of lines, array elements one by one as deferred
    /// records. Parsing is the heavy part for BELLE (about 1.5× with two workers); for ShareGPT the
    /// HTML is, but there too a record's strings are then made and freed on the same worker thread
    /// (made on the reading thread and freed on a worker, they had the threads wait on each other's
    /// malloc arena locks, about 7% of the time).
    ///
    /// - Parameters:
    ///   - bytes: in those chunks, the record as a byte conversation whose texts are borrowed
    ///     from the parsed record (see ``ByteConversation``), or `nil` to `convert` it.
    ///   - tape: the record's conversation read straight from simdjson's tape, without a
    ///     ``JSONValue``, or `nil` to `convert` it (a record it does not take as it is: for the
    ///     malformed ones, `convert` gives the reason).
    static func forEach(
        _ file: InputFileRef, chunkBytes: Int = LineFile.chunkBytes, progress: (UInt64) -> Void,
        emit: (ExtractedRecord) throws -> Void,
        bytes: (@Sendable (SimdJSON.TapeValue, RecordOrigin) -> ByteConversation?)? = nil,
        tape: (@Sendable (SimdJSON.TapeValue, RecordOrigin) -> Conversation?)? = nil,
        convert: @escaping @Sendable (JSONValue, RecordOrigin) throws -> [Conversation]
    ) throws {
        let reader = try JSONRecordReader(path: file.path)
        let unit = reader.unit
        let name = file.name
        var ordinal = 0
        if reader.layout == .lines {
            // Chunks of lines, parsed by the workers; here only blank lines are told apart, to
            // number the records.
            var before = 0
            while let chunk = try reader.nextLineChunk(
                minBytes: max(1, chunkBytes), scan: { if !JSONRecordReader.isBlank($0.bytes) { ordinal += 1 } })
            {
                let first = before
                before = ordinal
                try emit(
                    .chunk { out in
                        var n = first
                        let padded = chunk.isPadded
                        chunk.forEachLine { line in
                            guard !JSONRecordReader.isBlank(line.bytes) else { return }
                            n += 1
                            // Handed on inside the call: a byte conversation borrows from the parse.
                            let parsed: Void? = SimdJSON.withRecord(line.bytes, padded: padded) { value in
                                let origin = RecordOrigin(file: name, line: line.number, ordinal: n)
                                if let c = bytes?(value, origin) {
                                    out(.bytes(c))
                                } else if let c = tape?(value, origin) {
                                    out(.conversation(c))
                                } else {
                                    out(
                                        record(
                                            value.value(), { Array(line.bytes) }, line.number, n, name, unit, convert))
                                }
                            }
                            if parsed != nil { return }
                            // Refused by simdjson: parsed again for the reason (or a number it refuses).
                            switch JSONRecordReader.parseRefused(line.bytes) {
                            case .success(let value):
                                out(record(value, { Array(line.bytes) }, line.number, n, name, unit, convert))
                            case .failure(let problem):
                                out(
                                    .malformed(
                                        InputIssue(
                                            kind: .invalidJSON, file: name, line: line.number, detail: problem.reason,
                                            raw: Array(line.bytes), unit: unit)))
                            }
                        }
                    })
                progress(reader.bytesRead)
            }
            return
        }
        while let item = try reader.next(parsing: false) {
            ordinal += 1
            if ordinal & 0x3FF == 0 { progress(reader.bytesRead) }
            switch item {
            case .malformed(let detail, let raw, let position):
                try emit(
                    .malformed(
                        InputIssue(
                            kind: .invalidJSON, file: name, line: position, detail: detail, raw: raw, unit: unit)))
            case .value(let value, let raw, let position):
                try emit(record(value, { raw }, position, ordinal, name, unit, convert))
            case .unparsed(let raw, let position):
                let n = ordinal
                try emit(
                    .deferred {
                        // simdjson parses the element where it lies (the reader leaves the
                        // padding after it); what it refuses goes to FastJSONParser for the
                        // reason, as JSONRecordReader.parse does.
                        let origin = RecordOrigin(file: name, line: position, ordinal: n)
                        let parsed: ExtractedRecord?? = raw.withUnsafeBufferPointer { b in
                            SimdJSON.withRecord(b, padded: true) { value in
                                if let c = tape?(value, origin) { return .conversation(c) }
                                return record(value.value(), { Array(raw) }, position, n, name, unit, convert)
                            }
                        }
                        if case .some(.some(let r)) = parsed { return r }
                        switch raw.withUnsafeBufferPointer(JSONRecordReader.parseRefused) {
                        case .success(let value):
                            return record(value, { Array(raw) }, position, n, name, unit, convert)
                        case .failure(let problem):
                            return .malformed(
                                InputIssue(
                                    kind: .invalidJSON, file: name, line: position, detail: problem.reason,
                                    raw: Array(raw), unit: unit))
                        }
                    })
            }
        }
        progress(reader.bytesRead)
    }

    private static func record(
        _ value: JSONValue, _ raw: () -> [UInt8], _ position: Int, _ ordinal: Int, _ file: String,
        _ unit: InputIssue.PositionUnit, _ convert: (JSONValue, RecordOrigin) throws -> [Conversation]
    ) -> ExtractedRecord {
        let origin = RecordOrigin(file: file, line: position, ordinal: ordinal)
        do {
            let conversations = try convert(value, origin)
            return conversations.count == 1 ? .conversation(conversations[0]) : .conversations(conversations)
        } catch let p as Problem {
            return .malformed(
                InputIssue(kind: p.kind, file: file, line: position, detail: p.detail, raw: raw(), unit: unit))
        } catch {
            return .malformed(
                InputIssue(kind: .wrongType, file: file, line: position, detail: "\(error)", raw: raw(), unit: unit))
        }
    }
}
