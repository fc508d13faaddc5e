import Formats
import Normalize
import Tokenize

/// How tokens are counted and conversations split to a context length (`--tokenizer`,
/// `--max-tokens`, `--turn-overhead`, `--truncate`).
public struct ContextOptions: Sendable, Equatable {
    /// The tokenizer; `nil` counts with the ``TokenEstimator``.
    public var tokenizer: Tokenizer?
    /// The budget of a piece, in tokens; `nil` counts tokens without splitting (when a
    /// tokenizer is given).
    public var maxTokens: Int?
    /// Tokens added to each turn's count (FastChat's split uses 6).
    public var turnOverhead = 6
    /// Cut a pair longer than the budget to fit instead of rejecting it.
    public var truncate = false

    public init(tokenizer: Tokenizer? = nil, maxTokens: Int? = nil, turnOverhead: Int = 6, truncate: Bool = false) {
        self.tokenizer = tokenizer
        self.maxTokens = maxTokens
        self.turnOverhead = turnOverhead
        self.truncate = truncate
    }

    /// Whether tokens are counted at all.
    public var isActive: Bool { tokenizer != nil || maxTokens != nil }

    /// What counts the tokens, as the manifest records it.
    public var counterLabel: String {
        guard let t = tokenizer else { return TokenEstimator.label }
        return "\(t.fileName) (\(t.kind), sha256 \(t.sha256))"
    }

    func makeCounter() -> any TokenCounting {
        guard let tokenizer else { return TokenEstimator() }
        // The tokenizer compiled its patterns once when it loaded, so compiling them again for
        // another counter does not fail; if it ever did, every count would fail with the
        // error, and each record would be rejected as `tokenizer-failed`, counted.
        do {
            return try tokenizer.makeCounter()
        } catch {
            return UnavailableCounter(error: error)
        }
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.tokenizer === b.tokenizer && a.maxTokens == b.maxTokens && a.turnOverhead == b.turnOverhead
            && a.truncate == b.truncate
    }
}

/// A counter that could not be made: every count throws the error that stopped it.
private final class UnavailableCounter: TokenCounting {
    let error: any Error
    init(error: any Error) { self.error = error }
    func count(_ text: String) throws -> Int { throw error }
}

/// `tokens.count`: counts the tokens of every turn into ``Conversation/turnTokens``.
///
/// Stateless, so it runs in the parallel stage; each worker has its own counter.
struct TokenCountStep: PipelineStep {
    let id = "tokens.count"
    let options: ContextOptions
    private let counter: any TokenCounting

    init(options: ContextOptions) {
        self.options = options
        counter = options.makeCounter()
    }

    /// The counter, and with a tokenizer the system ICU version (its pre-tokenizers and
    /// normalizers run on ICU, whose Unicode data a new version may change).
    var parameters: [String: String] {
        var p = ["counter": options.counterLabel]
        if options.tokenizer != nil { p["icu"] = ICUTransform.libraryVersion }
        return p
    }

    func copyForWorker() -> any PipelineStep { TokenCountStep(options: options) }

    mutating func apply(_ conversation: inout Conversation) -> StepVerdict {
        do {
            conversation.turnTokens = try conversation.turns.map { try counter.count($0.text) }
            return .unchanged
        } catch {
            return .rejected(.tokenizerFailed, detail: "\(error)")
        }
    }
}

/// `split.context-length`: cuts a conversation into consecutive pieces that fit `max-tokens`.
///
/// FastChat's `split_long_conversation` semantics: each turn costs its token count plus
/// `turn-overhead`; a human turn and the gpt turn after it (a pair) stay together; pairs are
/// added to a piece while the piece fits, and a piece of a conversation that was cut gets the
/// id `<id>_<index of its first turn>`. Without FastChat's defects: the last pair is never
/// lost, no empty piece is written, and a pair that alone exceeds the budget is rejected as
/// `over-budget` (written to the rejects with its turns) or, with `--truncate`, cut to fit
/// (the answer first), which the piece's metadata `truncated` records. A conversation that
/// fits whole keeps its id. An odd last turn (which the recipes do not produce) is a unit of
/// its own.
///
/// It runs after the stateful steps, on the writer's thread. Its counts: `input`
/// conversations, `output` pieces written, `modified` conversations cut or truncated, and
/// `rejected` pairs (not conversations) over budget.
public struct ContextSplitter {
    public static let id = "split.context-length"
    public let options: ContextOptions
    public private(set) var stats = StepStats(id: ContextSplitter.id)
    private let counter: any TokenCounting

    public init(options: ContextOptions) {
        self.options = options
        counter = options.makeCounter()
    }

    public var description: StepDescription {
        var p = ["turn-overhead": String(options.turnOverhead), "truncate": String(options.truncate)]
        p["max-tokens"] = options.maxTokens.map(String.init) ?? "none (counting only)"
        return StepDescription(id: Self.id, parameters: p)
    }

    /// The pieces of `conversation` (kept, `nil`) and its pairs over budget (rejected).
    public mutating func split(_ conversation: Conversation) -> [(Conversation, Rejection?)] {
        stats.input += 1
        guard let budget = options.maxTokens, var tokens = conversation.turnTokens,
            tokens.count == conversation.turns.count
        else {
            stats.output += 1
            return [(conversation, nil)]
        }
        var turns = conversation.turns
        let overhead = options.turnOverhead
        var notes: [(turn: Int, text: String)] = []
        var pieces: [Range<Int>] = []
        var overBudget: [(Range<Int>, cost: Int)] = []
        var open: Range<Int>? = nil
        var openCost = 0
        for start in stride(from: 0, to: turns.count, by: 2) {
            let unit = start..<min(start + 2, turns.count)
            var cost = unit.reduce(0) { $0 + tokens[$1] + overhead }
            if cost > budget, options.truncate, let cut = truncate(unit, &turns, &tokens, budget: budget) {
                notes += cut
                cost = unit.reduce(0) { $0 + tokens[$1] + overhead }
            }
            if cost > budget {
                if let o = open { pieces.append(o) }
                open = nil
                overBudget.append((unit, cost))
            } else if let o = open, openCost + cost <= budget {
                open = o.lowerBound..<unit.upperBound
                openCost += cost
            } else {
                if let o = open { pieces.append(o) }
                open = unit
                openCost = cost
            }
        }
        if let o = open { pieces.append(o) }
        let whole = pieces == [0..<turns.count]
        if !pieces.isEmpty, !whole || !notes.isEmpty { stats.modified += 1 }
        stats.output += pieces.count
        if !overBudget.isEmpty { stats.rejected[RejectionReason.overBudget.rawValue, default: 0] += overBudget.count }
        func part(_ r: Range<Int>) -> Conversation {
            var c = conversation
            c.turns = Array(turns[r])
            c.turnTokens = Array(tokens[r])
            if !whole { c.id = "\(conversation.id)_\(r.lowerBound)" }
            let cut = notes.filter { r.contains($0.turn) }.map(\.text)
            if !cut.isEmpty { c.metadata["truncated"] = cut.joined(separator: "; ") }
            return c
        }
        // Pieces and rejected pairs, in turn order.
        var results: [(Int, Conversation, Rejection?)] = pieces.map { ($0.lowerBound, part($0), nil) }
        for (unit, cost) in overBudget {
            let what = unit.count == 2 ? "the pair" : "the turn"
            let detail =
                "\(what) at turn \(unit.lowerBound) costs \(cost) tokens (with \(overhead) per turn), "
                + "over --max-tokens \(budget)"
            results.append((unit.lowerBound, part(unit), Rejection(step: Self.id, reason: .overBudget, detail: detail)))
        }
        return results.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
    }

    /// Cuts the turns of `unit` so that it fits `budget`: the answer (the last turn) when the
    /// question leaves it room; otherwise the question, to leave the answer whole when the answer
    /// fits in half the room; otherwise both, to half the room each.
    ///
    /// Returns notes `turn N cut from A to B tokens` and changes `turns` and `tokens` only on
    /// success: nil when even empty turns would not fit (the post-processor's special tokens and
    /// the overhead alone exceed the budget).
    private func truncate(_ unit: Range<Int>, _ turns: inout [Turn], _ tokens: inout [Int], budget: Int)
        -> [(turn: Int, text: String)]?
    {
        let room = budget - options.turnOverhead * unit.count
        let last = unit.upperBound - 1
        var targets: [Int: Int] = [:]
        if unit.count == 1 {
            targets[last] = room
        } else {
            let (q, a) = (unit.lowerBound, last)
            if tokens[q] < room {
                targets[a] = room - tokens[q]
            } else if tokens[a] <= room / 2 {
                targets[q] = room - tokens[a]
            } else {
                targets[q] = room / 2
                targets[a] = room - room / 2
            }
        }
        var newTurns = turns
        var newTokens = tokens
        var notes: [(turn: Int, text: String)] = []
        for (i, target) in targets.sorted(by: { $0.key < $1.key }) where newTokens[i] > target {
            guard let (text, n) = prefix(of: newTurns[i].text, fitting: target) else { return nil }
            notes.append((i, "turn \(i) cut from \(newTokens[i]) to \(n) tokens"))
            newTurns[i].text = text
            newTokens[i] = n
        }
        turns = newTurns
        tokens = newTokens
        return notes
    }

    /// The longest prefix (in characters) of `text` whose count is at most `target`, with its
    /// count; nil when not even the empty text fits.
    private func prefix(of text: String, fitting target: Int) -> (String, Int)? {
        let chars = Array(text)
        func count(_ k: Int) -> Int { (try? counter.count(String(chars[..<k]))) ?? Int.max }
        var lo = 0
        var hi = chars.count
        var best: (String, Int)? = nil
        let empty = count(0)
        if empty <= target { best = ("", empty) } else { return nil }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            let n = count(mid)
            if n <= target {
                best = (String(chars[..<mid]), n)
                lo = mid
            } else {
                hi = mid - 1
            }
        }
        return best
    }
}
