import Formats

/// A ``ByteBatch`` on its way through the steps of a pipeline: the batch lane.
///
/// Each step runs once over the batch (``PipelineStep/applyBatch(_:)``), on the records still on
/// the lane, and records what it did to each as ``PipelineStep/applyBytes(_:)`` would have
/// answered for it: the record stays on the lane (modified or not), is rejected, or leaves for
/// the general path. ``Pipeline/applyBatch(_:)`` runs the steps and
/// ``Pipeline/countBytes(_:)`` counts each record's outcome, so the counts are those of the
/// byte lane and of the general path.
public struct LaneBatch {
    public var records: ByteBatch
    /// What the steps have done to each record so far; a malformed record is `.general` (it
    /// never reaches the steps).
    public private(set) var outcomes: [Pipeline.ByteOutcome]
    /// The step running now: its index in the pipeline, and its id.
    var step = 0
    var stepID = ""

    public init(_ records: ByteBatch) {
        self.records = records
        outcomes = (0..<records.count).map { records.issue($0) == nil ? .passed(modified: 0) : .general }
    }

    public var count: Int { records.count }

    /// Whether record `r` is still on the lane: every step so far passed it.
    @inline(__always)
    public func isLive(_ r: Int) -> Bool {
        if case .passed = outcomes[r] { return true }
        return false
    }

    /// The steps that modified record `r` (bit `i` for step `i`), while it is on the lane.
    @inline(__always)
    public func modifiedSteps(_ r: Int) -> UInt64 {
        if case .passed(let m) = outcomes[r] { return m }
        preconditionFailure("record \(r) is not on the lane")
    }

    /// Records what the running step did to record `r`.
    public mutating func record(_ verdict: ByteVerdict, for r: Int) {
        switch verdict {
        case .unchanged:
            break
        case .modified:
            if case .passed(let m) = outcomes[r] { outcomes[r] = .passed(modified: m | 1 << UInt64(step)) }
        case .rejected(let reason, let detail):
            guard case .passed(let m) = outcomes[r] else { return }
            outcomes[r] = .rejected(
                step: step, modified: m, Rejection(step: stepID, reason: reason, detail: detail))
        case .general:
            outcomes[r] = .general
        }
    }

    /// Makes record `r` what a step left of it as a byte conversation: its texts and metadata.
    public mutating func store(_ c: ByteConversation, at r: Int) {
        records.setTexts(r, c.texts)
        records.setMetadata(r, c.metadata)
    }

    /// ``ByteConversation/mapTexts(_:)`` on every record on the lane.
    ///
    /// `transform` returns `nil` for a text it leaves as it is; a new text is copied into the
    /// arena. A kept `opening` utterance is transformed too.
    mutating func mapTexts(_ transform: (UnsafeBufferPointer<UInt8>) -> String?) {
        for r in 0..<count where isLive(r) {
            var modified = false
            for i in 0..<records.textCount(r) {
                let old = records.text(r, i)
                guard let t = transform(old), !t.withUTF8Bytes({ ByteScan.equal($0, old) }) else { continue }
                records.setText(r, i, records.copy(t))
                modified = true
            }
            if let old = records.opening(r), let t = transform(old), !t.withUTF8Bytes({ ByteScan.equal($0, old) }) {
                records.setOpening(r, records.copy(t))
                modified = true
            }
            if modified { record(.modified, for: r) }
        }
    }

    /// ``ByteConversation/mapTexts(into:shrinking:)`` on every record on the lane: `write`
    /// writes the new text of `old` to room for `old.count` bytes in the arena and returns its
    /// length, or returns `nil` to leave `old` as it is.
    mutating func mapTexts(shrinking write: (UnsafeBufferPointer<UInt8>, UnsafeMutablePointer<UInt8>) -> Int?) {
        let arena = records.arena
        func rewritten(_ old: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? { arena.rewrite(old, write) }
        for r in 0..<count where isLive(r) {
            var modified = false
            for i in 0..<records.textCount(r) {
                guard let text = rewritten(records.text(r, i)) else { continue }
                records.setText(r, i, text)
                modified = true
            }
            if let old = records.opening(r), let text = rewritten(old) {
                records.setOpening(r, text)
                modified = true
            }
            if modified { record(.modified, for: r) }
        }
    }

    /// Rejects every record on the lane for which `test` gives a rejection, given each of its
    /// texts in order (the first that does decides).
    mutating func reject(where test: (UnsafeBufferPointer<UInt8>, _ index: Int) -> ByteVerdict?) {
        for r in 0..<count where isLive(r) {
            for i in 0..<records.textCount(r) {
                if let verdict = test(records.text(r, i), i) {
                    record(verdict, for: r)
                    break
                }
            }
        }
    }
}
