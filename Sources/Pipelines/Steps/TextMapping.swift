import Formats

extension Conversation {
    /// Applies `transform` to every turn's text and to a kept `opening` utterance (the TSV view
    /// shows it); returns whether anything changed. `transform` returns `nil` for a text it
    /// leaves as it is.
    ///
    /// The shared body of the text-to-text steps (normalisation, de-segmentation, conversion).
    mutating func mapTexts(_ transform: (String) -> String?) -> StepVerdict {
        var changed = false
        for i in turns.indices {
            if let t = transform(turns[i].text), t != turns[i].text {
                turns[i].text = t
                changed = true
            }
        }
        if !metadata.isEmpty, let opening = metadata[TSVEncoder.openingKey] {
            if let t = transform(opening), t != opening {
                metadata[TSVEncoder.openingKey] = t
                changed = true
            }
        }
        return changed ? .modified : .unchanged
    }
}
