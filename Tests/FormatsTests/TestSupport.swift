import Foundation

/// A temporary directory removed when the value is released.
final class TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "corpus-clean-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ bytes: [UInt8]) -> String {
        let p = "\(path)/\(name)"
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
