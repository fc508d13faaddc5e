import Foundation
import Pipelines

/// A one-line progress display on stderr, drawn only while stderr is a terminal:
/// records, MB/s and ETA per running source.
final class ProgressLine: @unchecked Sendable {
    private let board: ProgressBoard
    private let started = Date()
    private let lock = NSLock()
    private var running = false
    private let enabled = isatty(2) != 0
    private var thread: Thread?

    init(board: ProgressBoard) {
        self.board = board
    }

    func start() {
        guard enabled else { return }
        running = true
        let t = Thread { [self] in
            while isRunning() {
                draw()
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        thread = t
        t.start()
    }

    func stop() {
        guard enabled else { return }
        lock.lock()
        running = false
        lock.unlock()
        Thread.sleep(forTimeInterval: 0.05)
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func isRunning() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    private func draw() {
        let elapsed = max(0.001, Date().timeIntervalSince(started))
        var parts: [String] = []
        for (name, e) in board.snapshot().sorted(by: { $0.key < $1.key }) where !e.finished {
            let mbps = Double(e.bytesDone) / 1e6 / elapsed
            let left = e.bytesTotal > e.bytesDone ? Double(e.bytesTotal - e.bytesDone) / 1e6 : 0
            let eta = mbps > 0 ? String(format: "%.0fs", left / mbps) : "?"
            parts.append("\(name) \(e.records) rec \(String(format: "%.1f", mbps)) MB/s ETA \(eta)")
        }
        guard !parts.isEmpty else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + parts.joined(separator: " | ")).utf8))
    }
}
