/// Failures of I/O and of the C libraries behind the formats layer.
///
/// Each case carries the path and position it concerns; its description is a sentence a user
/// can act on. Malformed *records* are not errors (see ``InputIssue``); these stop a file.
public enum FormatsError: Error, Sendable, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, errno: Int32)
    case readFailed(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    case renameFailed(from: String, to: String, errno: Int32)
    case zstdCorrupt(path: String, offset: UInt64, status: String)
    case zstdTruncated(path: String, offset: UInt64)
    case zstdCompression(path: String, status: String)
    case digest(status: String)
    /// A line (1-based `line`) with no line break within `limit` bytes.
    case lineTooLong(path: String, line: Int, limit: Int)
    /// A JSON array element, starting at byte `offset`, longer than `limit` bytes.
    case elementTooLong(path: String, offset: Int, limit: Int)
    /// A record of several lines (a `.conv` session) that starts at or after line `line` and
    /// does not end within `limit` bytes.
    case recordTooLong(path: String, line: Int, limit: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let e):
            return "Cannot open \(path): \(errnoText(e))."
        case .readFailed(let path, let e):
            return "Reading \(path) failed: \(errnoText(e))."
        case .writeFailed(let path, let e):
            return "Writing \(path) failed: \(errnoText(e))."
        case .renameFailed(let from, let to, let e):
            return "Renaming \(from) to \(to) failed: \(errnoText(e))."
        case .zstdCorrupt(let path, let offset, let status):
            return "\(path) is not a valid zstd stream at compressed byte \(offset) (\(status)); "
                + "the file is corrupt or not zstd."
        case .zstdTruncated(let path, let offset):
            return "\(path) is truncated: the zstd stream ends inside a frame at compressed byte "
                + "\(offset); the file was cut short (re-download or re-compress it)."
        case .zstdCompression(let path, let status):
            return "Compressing \(path) failed (\(status))."
        case .digest(let status):
            return "Computing a SHA-256 digest failed (\(status))."
        case .lineTooLong(let path, let line, let limit):
            return "Line \(line) of \(path) has no line break within \(limit) bytes: "
                + "the file is not line-based text, or it is corrupt from there on."
        case .recordTooLong(let path, let line, let limit):
            return "The record starting at or after line \(line) of \(path) does not end within \(limit) bytes "
                + "(a session with no `E` line after it): the file is not in the expected layout, "
                + "or it is corrupt from there on."
        case .elementTooLong(let path, let offset, let limit):
            return "The JSON array element at byte \(offset) of \(path) does not end within \(limit) bytes: "
                + "a quote or bracket is missing, or the file is corrupt from there on."
        }
    }
}

func errnoText(_ code: Int32) -> String {
    if let c = strerror(code) { return String(cString: c) }
    return "errno \(code)"
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
