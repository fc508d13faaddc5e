import Formats
import Foundation

/// Encodes rejected and malformed records for `rejects-00000.jsonl[.zst]`.
///
/// A rejected conversation is written as it stood when rejected, with the step, the reason and
/// its origin, so it can be restored. A malformed record keeps its raw bytes: as `raw` when
/// they are valid UTF-8, else as `raw_base64`.
enum RejectsEncoder {
    static func encode(_ c: Conversation, _ r: Rejection, layout: ConversationLayout, into out: inout [UInt8]) -> Int {
        out.append(contentsOf: #"{"kind":"rejected","reason":"#.utf8)
        JSONString.append(r.reason.rawValue, to: &out)
        out.append(contentsOf: #","step":"#.utf8)
        JSONString.append(r.step, to: &out)
        if let detail = r.detail {
            out.append(contentsOf: #","detail":"#.utf8)
            JSONString.append(detail, to: &out)
        }
        appendOrigin(c.origin.file, c.origin.line, unit: "line", to: &out)
        out.append(contentsOf: #","record":"#.utf8)
        var line: [UInt8] = []
        JSONLEncoder(layout: layout).encode(c, into: &line)
        out.append(contentsOf: line.dropLast())  // without its newline
        out.append(contentsOf: "}\n".utf8)
        return 1
    }

    static func encode(_ issue: InputIssue, source: String, into out: inout [UInt8]) -> Int {
        out.append(contentsOf: #"{"kind":"malformed","reason":"#.utf8)
        JSONString.append(issue.kind.rawValue, to: &out)
        out.append(contentsOf: #","source":"#.utf8)
        JSONString.append(source, to: &out)
        out.append(contentsOf: #","detail":"#.utf8)
        JSONString.append(issue.detail, to: &out)
        appendOrigin(issue.file, issue.line, unit: issue.unit.rawValue, to: &out)
        if let text = String(validating: issue.raw, as: UTF8.self) {
            out.append(contentsOf: #","raw":"#.utf8)
            JSONString.append(text, to: &out)
        } else {
            out.append(contentsOf: #","raw_base64":"#.utf8)
            JSONString.append(Data(issue.raw).base64EncodedString(), to: &out)
        }
        out.append(contentsOf: "}\n".utf8)
        return 1
    }

    private static func appendOrigin(_ file: String, _ position: Int, unit: String, to out: inout [UInt8]) {
        out.append(contentsOf: #","origin":{"file":"#.utf8)
        JSONString.append(file, to: &out)
        out.append(contentsOf: ",\"\(unit)\":\(position)}".utf8)
    }
}
