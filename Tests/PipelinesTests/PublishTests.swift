import Foundation
import Testing

@testable import Pipelines

/// How a finished source's staging folder takes the place of its output folder.
@Suite struct PublishTests {
    private func write(_ files: [String: String], in dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(name)"))
        }
    }

    private func read(_ dir: String) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            files[name] = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)")), as: UTF8.self)
        }
        return files
    }

    /// The new output replaces the old one whole: none of the old files stay beside it, and
    /// what is left under the staging name, if anything, is the old output alone.
    @Test func theNewOutputTakesTheOldOnesPlaceWhole() throws {
        let dir = try TempDir()
        let final = "\(dir.path)/src"
        let staging = "\(dir.path)/.src.staging"
        try write(["src-00000.jsonl": "old 0", "src-00001.jsonl": "old 1", "manifest.json": "old"], in: final)
        try write(["src-00000.jsonl": "new 0", "manifest.json": "new"], in: staging)
        try SourceRunner.replace(final, with: staging)
        #expect(try read(final) == ["src-00000.jsonl": "new 0", "manifest.json": "new"])
        if FileManager.default.fileExists(atPath: staging) {
            let left = try read(staging)
            #expect(left == ["src-00000.jsonl": "old 0", "src-00001.jsonl": "old 1", "manifest.json": "old"])
        }
    }

    /// On a first run there is nothing to replace: the staging folder is renamed.
    @Test func aFirstRunRenamesTheStagingFolder() throws {
        let dir = try TempDir()
        let final = "\(dir.path)/src"
        let staging = "\(dir.path)/.src.staging"
        try write(["src-00000.jsonl": "new 0"], in: staging)
        try SourceRunner.replace(final, with: staging)
        #expect(try read(final) == ["src-00000.jsonl": "new 0"])
        #expect(!FileManager.default.fileExists(atPath: staging))
    }
}
