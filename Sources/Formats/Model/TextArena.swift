/// Room for the texts made on the byte lane while one chunk of records is processed (subtitle's
/// utterances without their slashes, de-segmented texts), so that the chunk's records can
/// borrow them as they borrow the chunk's own bytes.
///
/// A bump allocator over blocks of 64 KB: a text costs a copy into the current block, where a
/// string would cost an allocation and a release per text. A block is never moved or freed
/// before ``reset()`` or the arena's end, so every text written stays valid until then: the
/// processing of one chunk (``ByteConversation`` borrows only for that long). No block is made
/// until the first text is written, and ``reset()`` keeps the first block for the next chunk.
/// Not for two threads at once.
public final class TextArena {
    public static let blockBytes = 64 << 10

    private var blocks: [UnsafeMutableBufferPointer<UInt8>] = []
    /// Bytes used in the last block.
    private var used = 0

    public init() {}

    deinit {
        for block in blocks { block.deallocate() }
    }

    /// Forgets every text written (they must no longer be read), keeping the first block.
    public func reset() {
        for block in blocks.dropFirst() { block.deallocate() }
        blocks.removeSubrange(min(1, blocks.count)...)
        used = 0
    }

    /// What `write` makes of `old`, written here, or `nil` when it leaves `old` as it is.
    ///
    /// `write` gets room for `old.count` bytes and returns how many it wrote, or `nil` to leave
    /// `old` as it is. The answer is `nil` too when it wrote the same bytes.
    public func rewrite(
        _ old: UnsafeBufferPointer<UInt8>, _ write: (UnsafeBufferPointer<UInt8>, UnsafeMutablePointer<UInt8>) -> Int?
    ) -> UnsafeBufferPointer<UInt8>? {
        var changed = false
        let text = self.write(atMost: old.count) { out in
            guard let count = write(old, out) else { return 0 }
            changed = true
            return count
        }
        return changed && !ByteScan.equal(text, old) ? text : nil
    }

    /// Lets `body` write at most `capacity` bytes into the arena, and returns the bytes it says
    /// it wrote (`body` returns their count).
    public func write(
        atMost capacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int
    ) -> UnsafeBufferPointer<UInt8> {
        if blocks.isEmpty || blocks[blocks.count - 1].count - used < capacity {
            blocks.append(.allocate(capacity: max(Self.blockBytes, capacity)))
            used = 0
        }
        let block = blocks[blocks.count - 1]
        guard let base = block.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = base + used
        let written = body(start)
        precondition(written <= capacity, "a text overran the room it asked for")
        used += written
        return UnsafeBufferPointer(start: start, count: written)
    }
}
