import Foundation
import Pipelines

/// The table printed on stderr at the end of a run: one row per source.
enum SummaryTable {
    static func print(_ reports: [SourceReport]) {
        var rows: [[String]] = [["source", "status", "read", "written", "rejected", "malformed", "MB/s"]]
        for r in reports {
            let c = r.manifest.counts
            let rejected = c.rejected.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let malformed = c.malformed.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            rows.append([
                r.source.rawValue, r.kept ? "kept" : r.manifest.status, String(c.read), String(c.conversationsWritten),
                rejected.isEmpty ? "0" : rejected.joined(separator: " "),
                malformed.isEmpty ? "0" : malformed.joined(separator: " "),
                r.kept ? "-" : String(format: "%.1f", r.megabytesPerSecond),
            ])
        }
        let widths = (0..<rows[0].count).map { col in rows.map { $0[col].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { i, cell in
                cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }
            printError(cells.joined(separator: "  "))
        }
        for r in reports where r.failed {
            printError("error: \(r.source.rawValue): \(r.manifest.error ?? "failed")")
        }
    }
}
