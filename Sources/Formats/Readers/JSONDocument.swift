/// One whole JSON document, such as a configuration file, parsed with the records' strict parser.
///
/// For small files that are read once (a tokenizer's `tokenizer.json`); data files are streamed
/// record by record with ``JSONRecordReader`` instead.
public enum JSONDocument {
    /// A document that is not valid JSON: the file and the byte offset where parsing stopped.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var offset: Int
        public var reason: String
        public var description: String { "\(path) is not valid JSON: \(reason) at byte \(offset)" }
    }

    /// Reads and parses the file at `path` (zstd-compressed files are decompressed).
    ///
    /// - Returns: `[String: Any]`, `[Any]`, `String`, `Int`, `Double`, `Bool` or `NSNull`.
    public static func read(path: String) throws -> Any {
        try InputFile.readAll(path).withUnsafeBufferPointer { try parse($0, path: path) }
    }

    /// Parses one JSON value from `bytes` (`path` names them in errors: a file, or a file and line).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> Any {
        do {
            return try FastJSONParser.parse(bytes)
        } catch let failure as FastJSONParser.Failure {
            throw Invalid(path: path, offset: failure.offset, reason: failure.reason)
        }
    }
}
