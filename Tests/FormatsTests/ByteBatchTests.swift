import Formats
import Testing

/// ``ByteBatch`` holds records as the byte conversations they stand for: in order, malformed
/// ones in their place, texts borrowed or copied into the arena.
@Suite struct ByteBatchTests {
    static func texts(_ batch: ByteBatch, _ r: Int) -> [String] {
        (0..<batch.textCount(r)).map { String(decoding: batch.text(r, $0), as: UTF8.self) }
    }

    @Test func recordsKeepTheirOrderTextsAndOrigins() {
        let line: [UInt8] = Array("问题答案".utf8)
        line.withUnsafeBufferPointer { b in
            var batch = ByteBatch(source: "s", file: "f.conv", arena: TextArena())
            batch.append(
                line: 1, ordinal: 1, UnsafeBufferPointer(rebasing: b[0..<6]), UnsafeBufferPointer(rebasing: b[6...]))
            // An open record: a malformed line found meanwhile comes before it.
            batch.open(line: 2)
            batch.add(UnsafeBufferPointer(rebasing: b[0..<3]))
            batch.append(malformed: InputIssue(kind: .strayLine, file: "f.conv", line: 3, detail: "stray"))
            batch.add(batch.borrowed(.owned("第三")))
            #expect(batch.openTexts == 2)
            batch.close(ordinal: 2)
            // A record begun and dropped leaves nothing.
            batch.open(line: 5)
            batch.add(UnsafeBufferPointer(rebasing: b[0..<3]))
            batch.discard()
            #expect(batch.openTexts == nil)
            batch.append(line: 6, ordinal: 3, texts: [.owned("甲"), .borrowed(UnsafeBufferPointer(rebasing: b[9...]))])

            #expect(batch.count == 4)
            #expect(Self.texts(batch, 0) == ["问题", "答案"])
            #expect(batch.issue(1)?.line == 3)
            #expect(batch.issue(0) == nil)
            #expect(Self.texts(batch, 2) == ["问", "第三"])
            #expect(batch.origin(2) == RecordOrigin(file: "f.conv", line: 2, ordinal: 2))
            #expect(Self.texts(batch, 3) == ["甲", "案"])
            #expect(
                batch.byteConversation(3).conversation()
                    == .session(
                        source: "s", origin: RecordOrigin(file: "f.conv", line: 6, ordinal: 3), utterances: ["甲", "案"]))
        }
    }

    @Test func textsChangeInPlace() {
        var batch = ByteBatch(source: "s", file: "f", arena: TextArena())
        batch.append(line: 1, ordinal: 1, texts: [.owned("一"), .owned("二"), .owned("三")])
        batch.append(line: 2, ordinal: 2, texts: [.owned("四"), .owned("五")])
        // The first text kept as the opening: the metadata's `opening`, and a text of its own.
        batch.keepFirstTextAsOpening(0)
        #expect(Self.texts(batch, 0) == ["二", "三"])
        #expect(batch.metadata(0) == ["opening": "一"])
        batch.setText(0, 1, batch.copy("叁"))
        #expect(Self.texts(batch, 0) == ["二", "叁"])
        batch.setMetadata(0, ["opening": "贰", "label": "1"])
        #expect(batch.opening(0).map { String(decoding: $0, as: UTF8.self) } == "贰")
        #expect(batch.metadata(0) == ["opening": "贰", "label": "1"])
        batch.setMetadata(0, ["label": "1"])
        #expect(batch.opening(0) == nil)
        batch.setTexts(0, [.owned("二"), .owned("叁")])
        // More texts than the record had: the record moves to the end of the texts.
        batch.setTexts(0, [.owned("a"), .owned("b"), .owned("c")])
        #expect(Self.texts(batch, 0) == ["a", "b", "c"])
        batch.setTexts(0, [.owned("d")])
        #expect(Self.texts(batch, 0) == ["d"])
        #expect(Self.texts(batch, 1) == ["四", "五"])
    }

    /// A record encodes to the line, and hashes as, the byte conversation it stands for, with
    /// the kept opening in its metadata.
    @Test func aRecordEncodesAsItsByteConversation() {
        var batch = ByteBatch(source: "s", file: "f", arena: TextArena())
        batch.append(line: 4, ordinal: 2, texts: [.owned("你\t好"), .owned("\"引\"")])
        batch.setMetadata(0, ["opening": "開場"])
        #expect(batch.metadata(0) == ["opening": "開場"])
        var a: [UInt8] = []
        var b: [UInt8] = []
        batch.withRecord(0) { JSONLEncoder().encode($0, into: &a) }
        JSONLEncoder().encode(batch.byteConversation(0), into: &b)
        #expect(a == b)
        #expect(String(decoding: a, as: UTF8.self).contains(#""id":"s:f:2""#))
        var t: [UInt8] = []
        var u: [UInt8] = []
        #expect(batch.withRecord(0) { TSVEncoder().encode($0, into: &t) } == 2)
        TSVEncoder().encode(batch.byteConversation(0), into: &u)
        #expect(t == u)
    }
}
