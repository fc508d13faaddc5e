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
        var postLines = 0
        var responseLines = 0
        while true {
            let p = try posts.next()
            let r = try responses.next()
            if let p { postLines = p.number }
            if let r { responseLines = r.number }
            if max(postLines, responseLines) & 0x3FFF == 0 { progress(posts.bytesRead + responses.bytesRead) }
            switch (p, r) {
            case (nil, nil):
                progress(posts.bytesRead + responses.bytesRead)
                if postLines != responseLines {
                    warn(
                        "\(post.name) has \(postLines) lines and \(response.name) has \(responseLines); "
                            + "only the first \(min(postLines, responseLines)) are paired, the "
                            + "\(abs(postLines - responseLines)) line(s) left over are counted as unpaired-line")
                }
                return
            case (let p?, let r?):
                guard let q = p.text, let a = r.text else {
                    let (file, line) = p.text == nil ? (post, p) : (response, r)
                    try emit(
                        .malformed(
                            InputIssue(
                                kind: .invalidUTF8, file: file.name, line: line.number,
                                detail: "line is not valid UTF-8; pair \(p.number) is dropped", raw: line.bytes)))
                    continue
                }
                let origin = RecordOrigin(file: post.name, line: p.number, ordinal: p.number)
                try emit(.conversation(.session(source: source, origin: origin, utterances: [q, a])))
            case (let p?, nil):
                try emit(.malformed(unpaired(p, in: post, other: response)))
            case (nil, let r?):
                try emit(.malformed(unpaired(r, in: response, other: post)))
            }
        }
    }

    private func unpaired(_ line: Line, in file: InputFileRef, other: InputFileRef) -> InputIssue {
        InputIssue(
            kind: .unpairedLine, file: file.name, line: line.number,
            detail: "\(other.name) has no line \(line.number) to pair with", raw: line.bytes)
    }
}
