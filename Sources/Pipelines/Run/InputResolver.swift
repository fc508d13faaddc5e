import Foundation

/// Errors of locating and running a source.
public enum PipelineError: Error, Sendable, CustomStringConvertible, Equatable {
    case inputMissing(path: String)
    case noSourceFiles(source: String, path: String, expected: [String])
    case outputFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .inputMissing(let path):
            return "The input path \(path) does not exist."
        case .noSourceFiles(let source, let path, let expected):
            return "\(path) holds none of \(source)'s files (expected \(expected.joined(separator: ", ")), "
                + "or a raw root with the source's folder)."
        case .outputFailed(let path, let reason):
            return "Cannot write the output at \(path): \(reason)."
        }
    }
}

/// Finds a source's input files from a path the user gave.
///
/// The path may be a raw root laid out like `raw_chat_corpus/`, the source's own folder, or
/// (for a single-file source) the file itself. Each expected file may also be `<name>.zst`.
public enum InputResolver {
    /// The source's files under `path`, sorted by name; empty when the path holds none.
    ///
    /// - Throws: ``PipelineError/inputMissing(path:)`` when `path` does not exist.
    public static func files(for source: Source, at path: String) throws -> [InputFileRef] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw PipelineError.inputMissing(path: path) }
        if !isDir.boolValue {
            let name = (path as NSString).lastPathComponent
            return [InputFileRef(path: path, name: stripZst(name), bytes: size(path))]
        }
        let nested = (path as NSString).appendingPathComponent(source.folder)
        if fm.fileExists(atPath: nested, isDirectory: &isDir), isDir.boolValue {
            return found(source, in: nested)
        }
        return found(source, in: path)
    }

    private static func found(_ source: Source, in dir: String) -> [InputFileRef] {
        var result: [InputFileRef] = []
        for name in source.expectedFiles {
            for candidate in [name, name + ".zst"] {
                let p = (dir as NSString).appendingPathComponent(candidate)
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue {
                    result.append(InputFileRef(path: p, name: name, bytes: size(p)))
                    break
                }
            }
        }
        return result.sorted { $0.name < $1.name }
    }

    private static func stripZst(_ name: String) -> String {
        name.hasSuffix(".zst") ? String(name.dropLast(4)) : name
    }

    static func size(_ path: String) -> UInt64 {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        return (attrs?[.size] as? NSNumber)?.uint64Value ?? 0
    }
}
