import Foundation

/// Writes a `Codable` value as deterministic, human-readable JSON, atomically.
///
/// Keys are snake_case and sorted, and the output ends with a newline, so the same value always gives the same
/// bytes. The file is written under a temporary name and renamed into place.
public enum JSONFile {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return Array(try encoder.encode(value)) + [0x0A]
    }

    /// Decodes what ``encode(_:)`` wrote.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }

    /// Writes `value` to `path` via `.<name>.partial` and a rename.
    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        try write(bytes: try encode(value), to: path)
    }

    /// Writes `bytes` to `path` via `.<name>.partial` and a rename.
    public static func write(bytes: [UInt8], to path: String) throws {
        try FileOutput.writeWhole(bytes, to: path)
    }
}
