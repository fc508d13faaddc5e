import Formats

/// `filter.douban-label`: keeps Douban lines labelled `1` (context plus its true response) and
/// rejects label-`0` lines as `negative-candidate` (a random wrong response).
///
/// The label travels from the extractor in the metadata key `label`; the filter removes the key,
/// which is bookkeeping between the two rather than data, so it does not count as a change.
public struct LabelFilter: PipelineStep {
    public let id = "filter.douban-label"
    public var parameters: [String: String] { ["keep-label": "1"] }

    public init() {}

    public mutating func apply(_ c: inout Conversation) -> StepVerdict {
        let label = c.metadata.removeValue(forKey: DoubanExtractor.labelKey)
        guard let why = Self.rejection(label) else { return .unchanged }
        return .rejected(.negativeCandidate, detail: why)
    }

    /// The same on the byte lane, where a label-0 line is rejected without its strings being
    /// made. (A record whose only metadata is the label drops the shared dictionary rather
    /// than copying it to remove the key.)
    public mutating func applyBytes(_ c: inout ByteConversation) -> ByteVerdict {
        let label = c.metadata[DoubanExtractor.labelKey]
        if c.metadata.count == 1, label != nil {
            c.metadata = [:]
        } else {
            c.metadata.removeValue(forKey: DoubanExtractor.labelKey)
        }
        guard let why = Self.rejection(label) else { return .unchanged }
        return .rejected(.negativeCandidate, detail: why)
    }

    /// `nil` for label `1` (kept); otherwise the detail of the `negative-candidate` rejection.
    private static func rejection(_ label: String?) -> String? {
        label == "1" ? nil : "label \(label ?? "missing")"
    }
}
