import Foundation
import Testing

/// `corpus-clean all` over the synthetic corpus of ../shared/tools/gen_raw_corpus.py, dirty and
/// clean.
///
/// Skipped (returns early) when ../shared or python3 is absent.
@Suite(.serialized) struct GeneratedCorpusTests {
    static let generator = CLI.packageRoot.appendingPathComponent("../shared/tools/gen_raw_corpus.py").standardized.path
    static let classic = "chatterbot,douban,ptt,qingyun,subtitle,tieba,weibo,xiaohuangji"

    private func generate(dirt: String, into dir: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: Self.generator) else { return false }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", Self.generator, dir, "--scale", "2", "--dirt", dirt, "--quiet", "--jobs", "1", "--only",
            Self.classic,
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    private func manifests(_ out: String) throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for name in Self.classic.split(separator: ",").map(String.init) {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name)/manifest.json"))
            result[name] = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        return result
    }

    @Test func dirtyCorpusRunsEverySourceAndBalances() throws {
        let s = try Scratch()
        guard try generate(dirt: "1", into: s.path) else { return }
        let r = try CLI.run(["all", "--input", "\(s.path)/raw_chat_corpus", "--output", "\(s.path)/out"])
        #expect(r.status == 0, "\(r.stderr)")
        for (name, m) in try manifests("\(s.path)/out") {
            let counts = m["counts"] as? [String: Any] ?? [:]
            #expect(m["status"] as? String == "ok", "\(name)")
            #expect(counts["balanced"] as? Bool == true, "\(name)")
            #expect((counts["read"] as? Int ?? 0) > 0, "\(name)")
        }
    }

    @Test func cleanCorpusLosesNothingWithoutAReason() throws {
        let s = try Scratch()
        guard try generate(dirt: "0", into: s.path) else { return }
        let r = try CLI.run(["all", "--input", "\(s.path)/raw_chat_corpus", "--output", "\(s.path)/out", "--strict"])
        #expect(r.status == 0, "\(r.stderr)")
        for (name, m) in try manifests("\(s.path)/out") {
            let counts = m["counts"] as? [String: Any] ?? [:]
            #expect(counts["malformed_total"] as? Int == 0, "\(name)")
            #expect(counts["balanced"] as? Bool == true, "\(name)")
            let rejected = counts["rejected"] as? [String: Int] ?? [:]
            let allowed: Set = [
                "duplicate", "too-few-turns", "negative-candidate", "no-answer", "bot-persona", "template-placeholder",
            ]
            #expect(Set(rejected.keys).isSubset(of: allowed), "\(name): \(rejected)")
        }
    }
}
