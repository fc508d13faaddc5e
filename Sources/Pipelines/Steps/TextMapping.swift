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
    /// leaves as it is.
    ///
    /// As there, a kept `opening` utterance (``RolePairingStep``) is transformed too.
    mutating func mapTexts(_ transform: (UnsafeBufferPointer<UInt8>) -> String?) -> ByteVerdict {
        func changed(_ old: UnsafeBufferPointer<UInt8>) -> String? {
            guard let t = transform(old), !t.withUTF8Bytes({ ByteScan.equal($0, old) }) else { return nil }
            return t
        }
        var modified = false
        for i in texts.indices {
            if let new = withText(at: i, changed) {
                texts[i] = .owned(new)
                modified = true
            }
        }
        if !metadata.isEmpty, let opening = metadata[TSVEncoder.openingKey],
            let new = opening.withUTF8Bytes(changed)
        {
            metadata[TSVEncoder.openingKey] = new
            modified = true
        }
        return modified ? .modified : .unchanged
    }

    /// ``mapTexts(_:)`` for a step whose texts never grow, writing them into `arena` rather
    /// than into strings: `write` writes the new text of `old` to room for `old.count` bytes
    /// and returns its length, or returns `nil` to leave `old` as it is.
    ///
    /// The texts written are borrowed from the arena, as the input's bytes are. A kept
    /// `opening` utterance (a string) is transformed into a string.
    mutating func mapTexts(
        into arena: TextArena, shrinking write: (UnsafeBufferPointer<UInt8>, UnsafeMutablePointer<UInt8>) -> Int?
    ) -> ByteVerdict {
        var modified = false
        for i in texts.indices {
            let new = withText(at: i) { arena.rewrite($0, write) }
            if let new {
                texts[i] = .borrowed(new)
                modified = true
            }
        }
        if !metadata.isEmpty, let opening = metadata[TSVEncoder.openingKey] {
            let new = opening.withUTF8Bytes { old -> String? in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: old.count) { room -> String? in
                    guard let base = room.baseAddress, let count = write(old, base) else { return nil }
                    let text = UnsafeBufferPointer(start: base, count: count)
                    return ByteScan.equal(text, old) ? nil : String(knownValidUTF8: text)
                }
            }
            if let new {
                metadata[TSVEncoder.openingKey] = new
                modified = true
            }
        }
        return modified ? .modified : .unchanged
    }
}

extension String {
    /// Whether the two strings have the same UTF-8 bytes (`==` compares canonical equivalence).
    func hasSameBytes(as other: String) -> Bool {
        withUTF8Bytes { a in other.withUTF8Bytes { b in ByteScan.equal(a, b) } }
    }
}
