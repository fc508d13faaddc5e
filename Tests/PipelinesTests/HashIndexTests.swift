import Formats
import Testing

@testable import Pipelines

@Suite struct HashIndexTests {
    /// Across several growths, every key finds its own value and new keys are new.
    @Test func keysKeepTheirValuesAcrossGrowth() {
        var index = HashIndex(capacity: 16)
        var rng = SeededGenerator(seed: 99)
        var keys: [StableHash] = []
        for i in 0..<200_000 {
            let key = StableHash(lo: rng.next(), hi: rng.next())
            keys.append(key)
            #expect(index.insertIfAbsent(key, value: UInt64(i)) == nil)
        }
        #expect(index.count == 200_000)
        for (i, key) in keys.enumerated() where i % 997 == 0 {
            #expect(index.insertIfAbsent(key, value: 0) == UInt64(i))
        }
        // A key differing only in the compared high bits is a different key.
        let k = keys[5]
        #expect(index.insertIfAbsent(StableHash(lo: k.lo, hi: k.hi ^ (1 << 63)), value: 1) == nil)
        // Values are kept up to maxValue, larger ones are capped to it.
        let big = StableHash(lo: 1, hi: 2)
        #expect(index.insertIfAbsent(big, value: HashIndex.maxValue + 10) == nil)
        #expect(index.insertIfAbsent(big, value: 0) == HashIndex.maxValue)
    }

    /// The table is made at the first insert, at the size asked for, so copies of an index
    /// taken before it (a pipeline's steps are copied before a run) share no table.
    @Test func theTableIsMadeAtTheFirstInsert() {
        let fresh = HashIndex(capacity: 1000)
        #expect(fresh.slotCount == 0)
        fresh.prefetch(StableHash(lo: 3, hi: 4))  // nothing to prefetch yet
        var copy = fresh
        #expect(copy.insertIfAbsent(StableHash(lo: 3, hi: 4), value: 9) == nil)
        #expect(copy.slotCount == 1024)
        #expect(fresh.slotCount == 0)
        #expect(copy.insertIfAbsent(StableHash(lo: 3, hi: 4), value: 0) == 9)
        #expect(HashIndex().slotCount == 0)
    }

    /// An index is a value: a copy and the original go on apart, before and after either grows.
    @Test func aCopyIsAnIndexOfItsOwn() {
        var original = HashIndex(capacity: 16)
        for i in 0..<10 { _ = original.insertIfAbsent(StableHash(lo: UInt64(i), hi: 7), value: UInt64(i)) }
        var copy = original
        #expect(copy.insertIfAbsent(StableHash(lo: 100, hi: 7), value: 1) == nil)
        #expect(original.insertIfAbsent(StableHash(lo: 100, hi: 7), value: 2) == nil)
        #expect(copy.insertIfAbsent(StableHash(lo: 100, hi: 7), value: 0) == 1)
        #expect(original.insertIfAbsent(StableHash(lo: 100, hi: 7), value: 0) == 2)
        for i in 200..<300 { _ = copy.insertIfAbsent(StableHash(lo: UInt64(i), hi: 7), value: UInt64(i)) }
        #expect(copy.count == 111)
        #expect(original.count == 11)
        #expect(original.insertIfAbsent(StableHash(lo: 250, hi: 7), value: 5) == nil)
        #expect(copy.insertIfAbsent(StableHash(lo: 5, hi: 7), value: 0) == 5)
    }

    @Test func duplicatesNameTheirFirstOccurrenceAcrossFiles() {
        var d = ExactDeduplicator()
        func conv(_ file: String, _ ordinal: Int) -> Conversation {
            Conversation(
                source: "t", turns: [Turn(.human, "问"), Turn(.gpt, "答")],
                origin: RecordOrigin(file: file, line: ordinal, ordinal: ordinal))
        }
        var a = conv("a.txt", 7)
        var b = conv("b.txt", 3)
        #expect(d.apply(&a) == .unchanged)
        #expect(d.apply(&b) == .rejected(.duplicate, detail: "t:a.txt:7"))
        var far = Conversation(
            source: "t", turns: [Turn(.human, "x"), Turn(.gpt, "y")],
            origin: RecordOrigin(file: "c.txt", line: 1, ordinal: 1 << 29))
        var again = far
        again.origin = RecordOrigin(file: "c.txt", line: 2, ordinal: 2)
        #expect(d.apply(&far) == .unchanged)
        #expect(d.apply(&again) == .rejected(.duplicate, detail: "an earlier record of t"))
    }
}
