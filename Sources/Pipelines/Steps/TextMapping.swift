import Formats

extension Conversation {
    /// Applies `transform` to every turn's text and to a kept `opening` utterance (the TSV view
    /// shows it); returns whether anything changed.
    ///
    /// `transform` returns `nil` for a text it leaves as it is.
    ///
    /// The shared body of the text-to-text steps (normalisation, de-segmentation, conversion).
    /// A text counts as changed when its bytes change: Swift's `==` would call a character and
    /// its canonical equivalent (U+F9BE and U+6599) equal, and so keep a conversion from
    /// happening.
    mutating func mapTexts(_ transform: (String) -> String?) -> StepVerdict {
        var changed = false
        for i in turns.indices {
            if let t = transform(turns[i].text), !t.hasSameBytes(as: turns[i].text) {
                turns[i].text = t
                changed = true
            }
        }
        if !metadata.isEmpty, let opening = metadata[TSVEncoder.openingKey] {
            if let t = transform(opening), !t.hasSameBytes(as: opening) {
                metadata[TSVEncoder.openingKey] = t
                changed = true
            }
        }
        return changed ? .modified : .unchanged
    }
}

extension ByteConversation {
    /// ``Conversation/mapTexts(_:)`` on the byte lane: `transform` returns `nil` for a text it
    /// leaves as it is. (A byte conversation has no `opening` utterance: a record whose role
    /// step would keep one takes the general path.)
    mutating func mapTexts(_ transform: (UnsafeBufferPointer<UInt8>) -> String?) -> ByteVerdict {
        var changed = false
        for i in texts.indices {
            let new = withText(at: i) { old -> String? in
                guard let t = transform(old), !t.withUTF8Bytes({ ByteScan.equal($0, old) }) else { return nil }
                return t
            }
            if let new {
                texts[i] = .owned(new)
                changed = true
            }
        }
        return changed ? .modified : .unchanged
    }
}

extension String {
    /// Whether the two strings have the same UTF-8 bytes (`==` compares canonical equivalence).
    func hasSameBytes(as other: String) -> Bool {
        withUTF8Bytes { a in other.withUTF8Bytes { b in ByteScan.equal(a, b) } }
    }
}
