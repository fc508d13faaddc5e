/// The kinds of malformed input, as stable kebab-case identifiers.
///
/// A malformed record is counted under its kind and reported with file and line; it is never
/// repaired into the output.
public enum MalformedKind: String, Sendable, Codable, CaseIterable, Comparable {
    case invalidUTF8 = "invalid-utf8"
    case missingSeparator = "missing-separator"
    case wrongFieldCount = "wrong-field-count"
    case strayLine = "stray-line"
    case unpairedLine = "unpaired-line"
    case invalidJSON = "invalid-json"
    case unknownLayout = "unknown-layout"
    case wrongType = "wrong-type"
    case unknownRole = "unknown-role"
    case invalidYAML = "invalid-yaml"
    case invalidLabel = "invalid-label"
    case emptyRecord = "empty-record"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One malformed input record: what was wrong and where.
public struct InputIssue: Sendable, Hashable, Error, CustomStringConvertible {
    public var kind: MalformedKind
    /// The input file, relative to the source's folder.
    public var file: String
    /// The 1-based line of the problem (or byte offset for JSON arrays, see `unit`).
    public var line: Int
    /// A short description of what was expected.
    public var detail: String
    /// The raw bytes of the record, kept so `--keep-rejects` loses nothing.
    public var raw: [UInt8]
    /// Whether `line` is a line number or a byte offset.
    public var unit: PositionUnit

    public enum PositionUnit: String, Sendable, Hashable { case line, byte }

    public init(
        kind: MalformedKind, file: String, line: Int, detail: String, raw: [UInt8] = [],
        unit: PositionUnit = .line
    ) {
        self.kind = kind
        self.file = file
        self.line = line
        self.detail = detail
        self.raw = raw
        self.unit = unit
    }

    public var description: String {
        "\(file):\(unit == .line ? "line " : "byte ")\(line): \(kind.rawValue): \(detail)"
    }
}
