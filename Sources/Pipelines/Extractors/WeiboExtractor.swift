import Formats
import Foundation

/// Weibo STC: `stc_weibo_train_post` and `stc_weibo_train_response`, line-aligned.
///
/// ```
/// post:     竟然 下雪 了 ， 不 喜欢 冬天 ， 天气 何时 才 变暖 啊 。
/// response: 记得 雪莱 的 诗句 吗 ？ ＂ 冬天 来 了 ， 春天 还 会 远 吗 ？ ＂
/// ```
/// Line *i* of the response file answers line *i* of the post file. Both files are read in
/// step, pair by pair, split on `\n` only (so U+2028 and friends never shift the alignment).
/// A pair where either line is not valid UTF-8 is malformed (`invalid-utf8`) and leaves the
/// others alone. If one file ends first, a warning names both files and their line counts,
/// nothing past the shorter file is paired, and every line left over is malformed
/// (`unpaired-line`). Ids use the post file's name and the line number.
public struct WeiboExtractor: SourceExtractor {
    public let source = "weibo"
    public static let postFile = "stc_weibo_train_post"
    public static let responseFile = "stc_weibo_train_response"
    /// Bytes of post lines handed to a worker at a time, with their responses (see ``LineFile``).
    public var chunkBytes = LineFile.chunkBytes

    public init() {}

    /// Weibo's files are only meaningful together; see ``extract(files:progress:warn:emit:)``.
    public func extract(
        _ file: InputFileRef, progress: (UInt64) -> Void, emit: (ExtractedRecord) throws -> Void
    ) throws {
        try extract(files: [file], progress: progress, warn: { _ in }, emit: emit)
    }

    public func extract(
        files: [InputFileRef], progress: (UInt64) -> Void, warn: (String) -> Void,
        emit: (ExtractedRecord) throws -> Void
    ) throws {
        guard let post = files.first(where: { $0.name == Self.postFile }),
            let response = files.first(where: { $0.name == Self.responseFile })
        else {
            let have = Set(files.map(\.name))
            throw PipelineError.incompleteInput(
                source: source, missing: [Self.postFile, Self.responseFile].filter { !have.contains($0) })
        }
        let posts = try LineReader(path: post.path)
        let responses = try LineReader(path: response.path)
        let source = source
        // Chunks of post lines, each with the response lines of the same numbers; after one
        // file ends, chunks of the other's lines, all unpaired.
        while true {
            if let p = try posts.nextChunk(minBytes: max(1, chunkBytes)) {
                let r = try responses.nextChunk(minBytes: .max, maxLines: p.lineCount)
                try emit(
                    .batch { arena in
                        var batch = ByteBatch(
                            source: source, file: post.name, arena: arena, holding: [p.bytes, r?.bytes ?? []],
                            capacity: p.lineCount)
                        Self.pair(p, r, post: post, response: response, into: &batch)
                        return batch
                    })
            } else if let r = try responses.nextChunk(minBytes: max(1, chunkBytes)) {
                try emit(
                    .chunk { out in r.forEachLine { out(.malformed(Self.unpaired($0, in: response, other: post))) } })
            } else {
                break
            }
            progress(posts.bytesRead + responses.bytesRead)
        }
        let (postLines, responseLines) = (posts.linesRead, responses.linesRead)
        if postLines != responseLines {
            warn(
                "\(post.name) has \(postLines) lines and \(response.name) has \(responseLines); "
                    + "only the first \(min(postLines, responseLines)) are paired, the "
                    + "\(abs(postLines - responseLines)) line(s) left over are counted as unpaired-line")
        }
    }

    /// Pairs the lines of `posts` with those of `responses` (the same line numbers, as many or
    /// fewer) into `batch`; post lines past the responses are unpaired.
    private static func pair(
        _ posts: LineChunk, _ responses: LineChunk?, post: InputFileRef, response: InputFileRef,
        into batch: inout ByteBatch
    ) {
        // The response lines' bytes, borrowed while the posts are paired with them, and whether
        // their chunk was valid UTF-8 whole (then every line of it is).
        var answers: [UnsafeBufferPointer<UInt8>] = []
        var answersValid = false
        answers.reserveCapacity(responses?.lineCount ?? 0)
        func pairPosts() {
            var i = 0
            posts.forEachLine(checkingUTF8: true) { p in
                defer { i += 1 }
                guard i < answers.count else {
                    batch.append(malformed: unpaired(p, in: post, other: response))
                    return
                }
                let q = p.bytes
                let a = answers[i]
                let postValid = p.isValidUTF8(q)
                guard postValid, answersValid || UTF8Validation.isValid(a) else {
                    batch.append(
                        malformed: InputIssue(
                            kind: .invalidUTF8, file: postValid ? response.name : post.name, line: p.number,
                            detail: "line is not valid UTF-8; pair \(p.number) is dropped",
                            raw: Array(postValid ? a : q)))
                    return
                }
                batch.append(line: p.number, ordinal: p.number, q, a)
            }
        }
        if let responses {
            responses.forEachLine(
                checkingUTF8: true,
                {
                    answers.append($0.bytes)
                    answersValid = $0.knownValidUTF8
                }, then: pairPosts)
        } else {
            pairPosts()
        }
    }

    private static func unpaired(_ line: RawLine, in file: InputFileRef, other: InputFileRef) -> InputIssue {
        InputIssue(
            kind: .unpairedLine, file: file.name, line: line.number,
            detail: "\(other.name) has no line \(line.number) to pair with", raw: Array(line.bytes))
    }
}
