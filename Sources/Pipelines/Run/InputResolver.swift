import Foundation

/// Errors of locating and running a source.
public enum PipelineError: Error, Sendable, CustomStringConvertible, Equatable {
    case inputMissing(path: String)
    case noSourceFiles(source: String, path: String, expected: [String])
    case incompleteInput(source: String, missing: [String])
    case outputFailed(path: String, reason: String)
    case interrupted
    case outputBusy(path: String)

    public var description: String {
        switch self {
        case .inputMissing(let path):
            return "The input path \(path) does not exist."
        case .noSourceFiles(let source, let path, let expected):
            return "\(path) holds none of \(source)'s files (expected \(expected.joined(separator: ", ")), "
                + "or a raw root with the source's folder)."
        case .incompleteInput(let source, let missing):
            return "\(source) needs \(missing.joined(separator: " and ")) as well; its files are read together."
        case .outputFailed(let path, let reason):
            return "Cannot write the output at \(path): \(reason)."
        case .interrupted:
            return "The run was interrupted."
        case .outputBusy(let path):
            return "Another corpus-clean run is writing to \(path); wait for it to end, or give another --output."
        }
    }

    /// ``outputFailed(path:reason:)`` for a folder that Foundation could not make or remove,
    /// with the system's reason ("File exists", "Permission denied") rather than the error's
    /// whole description.
    static func outputFailed(path: String, _ error: any Error) -> PipelineError {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? any Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain {
                return .outputFailed(path: path, reason: String(cString: strerror(Int32(posix.code))))
            }
        }
        if ns.domain == NSPOSIXErrorDomain {
            return .outputFailed(path: path, reason: String(cString: strerror(Int32(ns.code))))
        }
        var reason = ns.localizedDescription
        while reason.hasSuffix(".") { reason.removeLast() }
        return .outputFailed(path: path, reason: reason)
    }
}

/// Finds a source's input files from a path the user gave.
///
/// The path may be a raw root laid out like `raw_chat_corpus/`, the source's own folder, the
/// folder of a pattern source's files (chatterbot's `chinese/`), or a single file. Each file
/// may also be `<name>.zst`. A folder that holds any source's own folder is a raw root: only
/// this source's folder in it counts.
public enum InputResolver {
    /// The source's files under `path`, sorted by name; empty when the path holds none.
    ///
    /// - Parameter rootOnly: `path` is a raw root (`corpus-clean all`): only the source's own
    ///   folder under it counts, so a root's other files (e.g. a `MANIFEST.json`) are never taken
    ///   for a source's.
    /// - Throws: ``PipelineError/inputMissing(path:)`` when `path` does not exist.
    public static func files(for source: Source, at path: String, rootOnly: Bool = false) throws -> [InputFileRef] {
        guard let isDir = kind(path) else { throw PipelineError.inputMissing(path: path) }
        if rootOnly {
            let nested = (path as NSString).appendingPathComponent(source.folder)
            return isDir && kind(nested) == true ? found(source, in: nested) : []
        }
        if !isDir {
            let name = stripZst((path as NSString).lastPathComponent)
            if case .matching(let dir, _) = source.files, !dir.isEmpty {
                return [InputFileRef(path: path, name: "\(dir)/\(name)", bytes: size(path))]
            }
            return [InputFileRef(path: path, name: name, bytes: size(path))]
        }
        let nested = (path as NSString).appendingPathComponent(source.folder)
        if kind(nested) == true { return found(source, in: nested) }
        // A raw root (it holds another source's folder) without this source's folder has none
        // of its files: its other files (e.g. a MANIFEST.json) are not the source's.
        if isRawRoot(path) { return [] }
        let direct = found(source, in: path)
        if !direct.isEmpty { return direct }
        if case .matching(let dir, let suffix) = source.files, !dir.isEmpty, (path as NSString).lastPathComponent == dir
        {
            return matching(in: path, prefix: dir, suffix: suffix)
        }
        return []
    }

    /// Whether the folder `dir` holds a source's own folder (`xiaohuangji-40w/`, `belle/`, …).
    private static func isRawRoot(_ dir: String) -> Bool {
        Source.allCases.contains { kind((dir as NSString).appendingPathComponent($0.folder)) == true }
    }

    private static func found(_ source: Source, in dir: String) -> [InputFileRef] {
        switch source.files {
        case .named(let names):
            var result: [InputFileRef] = []
            for name in names {
                for candidate in [name, name + ".zst"] {
                    let p = (dir as NSString).appendingPathComponent(candidate)
                    if kind(p) == false {
                        result.append(InputFileRef(path: p, name: name, bytes: size(p)))
                        break
                    }
                }
            }
            return result.sorted { $0.name < $1.name }
        case .matching(let sub, let suffix):
            return matching(in: (dir as NSString).appendingPathComponent(sub), prefix: sub, suffix: suffix)
        }
    }

    private static func matching(in dir: String, prefix: String, suffix: String) -> [InputFileRef] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(suffix) || $0.hasSuffix(suffix + ".zst") }
            .filter { !$0.hasPrefix(".") }
            .map { name -> InputFileRef in
                let p = (dir as NSString).appendingPathComponent(name)
                let rel = prefix.isEmpty ? stripZst(name) : "\(prefix)/\(stripZst(name))"
                return InputFileRef(path: p, name: rel, bytes: size(p))
            }
            .filter { kind($0.path) == false }
            .sorted { $0.name < $1.name }
    }

    /// `true` for a directory, `false` for a file, `nil` when nothing is there.
    private static func kind(_ path: String) -> Bool? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return nil }
        return isDir.boolValue
    }

    private static func stripZst(_ name: String) -> String {
        name.hasSuffix(".zst") ? String(name.dropLast(4)) : name
    }

    static func size(_ path: String) -> UInt64 {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        return (attrs?[.size] as? NSNumber)?.uint64Value ?? 0
    }
}
