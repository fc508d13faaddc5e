import Formats
import Foundation

/// Renders an HTML tree (ChatGPT's rendered answers) as Markdown.
///
/// A walker with one method per element kind; unknown elements render their children. Blocks
/// are separated by blank lines and never merged: each `<p>` is its own paragraph even when
/// only a newline separates the tags. Handled: headings, paragraphs, emphasis, links, images,
/// ordered/unordered/nested lists (items with several paragraphs or code blocks indented under
/// their marker), GFM tables (`|` escaped, `<br>` kept as `<br>`), blockquotes, inline code
/// with a backtick run longer than any inside, code blocks whose language comes from the
/// ChatGPT header or the `language-…` class and whose fence is longer than any backtick run
/// inside (blank lines kept; empty blocks dropped), `<sup>`/`<sub>` (as inline HTML), and KaTeX
/// (emitted once, as its TeX source: `$…$`, or `$$…$$` on lines of its own). Markdown
/// characters in text are escaped only where they would change the rendering, so `snake_case`
/// and `\sum_{i=1}` stay as written.
///
/// The walk writes UTF-8 bytes: the fragment's texts are copied, never turned into `String`s,
/// and the one `String` is the finished Markdown. Lines split at LF only where a `String` would
/// (a CR LF pair is one character there, and stays inside its line).
///
/// A list or quote lays out again what it holds (a marker or `> ` before each line), so text
/// nested `d` deep is copied `d` times. Those copies are counted, and a fragment whose count
/// passes ``relayoutLimit`` is refused: 5 MB of lines in 60 nested quotes would take seconds
/// and hundreds of megabytes (and 256 MiB, the most a record may hold, tens of gigabytes).
/// ChatGPT's answers lay out a few hundred kilobytes at most.
public struct MarkdownRenderer: Sendable {
    /// The most bytes that lists and quotes may lay out again for one fragment (64 MiB).
    public static let relayoutLimit = 64 << 20

    public init() {}

    /// The Markdown for `fragment`.
    ///
    /// - Throws: ``NormalizeError/html(reason:)`` when its lists and quotes would lay out more
    ///   than ``relayoutLimit`` bytes.
    public func render(_ fragment: HTMLFragment) throws -> String {
        try render(fragment, buffers: MarkdownBuffers())
    }

    /// The Markdown for `fragment`, with working buffers kept from earlier renders (one
    /// caller at a time: each worker keeps its own).
    ///
    /// - Throws: ``NormalizeError/html(reason:)`` as ``render(_:)``.
    public func render(_ fragment: HTMLFragment, buffers: MarkdownBuffers) throws -> String {
        try render(fragment, buffers: buffers, relayoutLimit: Self.relayoutLimit)
    }

    /// ``render(_:buffers:)`` with another limit (tests).
    public func render(_ fragment: HTMLFragment, buffers: MarkdownBuffers, relayoutLimit: Int) throws -> String {
        defer { buffers.trim() }
        buffers.relayoutLeft = relayoutLimit
        // The top-level blocks are written joined, so their buffer is the Markdown.
        var blocks = Blocks(separator: Bytes.blankLine)
        // The Markdown is about as long as the fragment's texts.
        blocks.bytes.reserveCapacity(fragment.bytes.count + 64)
        fragment.nodes.withUnsafeBufferPointer { nodes in
            fragment.bytes.withUnsafeBufferPointer { chars in
                let walker = Walker(f: fragment, nodes: nodes, chars: chars, scratch: buffers)
                walker.blocks(from: fragment.first, into: &blocks)
            }
        }
        guard buffers.relayoutLeft >= 0 else {
            throw NormalizeError.html(
                reason: "its lists and quotes would lay out more than \(relayoutLimit >> 20) MiB again (nesting)")
        }
        let out = blocks.bytes
        return out.withUnsafeBufferPointer { UTF8Validation.string($0) } ?? String(decoding: out, as: UTF8.self)
    }
}

/// The working buffers of a Markdown render, kept between renders so that a worker rendering
/// fragment after fragment does not allocate them again for each: the collapsed text of a text node
/// on its way to the escaper, and the buffers of inline runs.
///
/// Not for two renders at once.
public final class MarkdownBuffers {
    var bytes: [UInt8] = []
    var free: [[UInt8]] = []
    /// What lists and quotes may still lay out in this render; below zero, the walk stops
    /// laying them out and the render is refused.
    var relayoutLeft = 0

    public init() {}

    /// What a render of a very large fragment grew is let go, so the buffers kept stay small.
    func trim() {
        let limit = 1 << 20
        if bytes.capacity > limit { bytes = [] }
        free.removeAll { $0.capacity > limit }
        if free.count > 64 { free.removeLast(free.count - 64) }
    }
}

/// Rendered blocks in one buffer: end to end, or with a separator written between them (then
/// the buffer is the blocks joined).
struct Blocks {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    let separator: [UInt8]

    init(separator: [UInt8] = []) { self.separator = separator }

    var count: Int { ends.count }

    subscript(i: Int) -> ArraySlice<UInt8> { bytes[(i == 0 ? 0 : ends[i - 1] + separator.count)..<ends[i]] }

    /// Adds `block` unless it is empty.
    mutating func add<C: Collection<UInt8>>(_ block: C) {
        guard !block.isEmpty else { return }
        if !ends.isEmpty { bytes.append(contentsOf: separator) }
        bytes.append(contentsOf: block)
        ends.append(bytes.count)
    }

    /// Adds `text` as ``Walker/trimLines(_:)`` gives it, unless that is empty.
    mutating func addTrimmedLines(_ text: [UInt8]) {
        let hasLF = text.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return false }
            return memchr(base, Int32(Bytes.lf), b.count) != nil
        }
        guard hasLF else {
            // One line: ASCII spaces trimmed at both ends, with no copy made.
            guard let first = text.firstIndex(where: { $0 != Bytes.space }),
                let last = text.lastIndex(where: { $0 != Bytes.space })
            else { return }
            add(text[first...last])
            return
        }
        add(Walker.trimLines(text[...]))
    }

    func join(separator: [UInt8], into out: inout [UInt8]) {
        for i in 0..<count {
            if i > 0 { out.append(contentsOf: separator) }
            out.append(contentsOf: self[i])
        }
    }
}

enum Bytes {
    static let blankLine = Array("\n\n".utf8)
    static let newline = Array("\n".utf8)
    static let space: UInt8 = 0x20
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let backtick: UInt8 = 0x60
}

private struct Walker {
    let f: HTMLFragment
    /// The fragment's nodes and bytes, read through pointers while the walk lasts (a slice of
    /// an array would count a reference to it for every text read).
    let nodes: UnsafeBufferPointer<HTMLFragment.Node>
    let chars: UnsafeBufferPointer<UInt8>
    /// Buffers that outlast the walk: the collapsed text of a text node on its way to the
    /// escaper (a text is collapsed and escaped before the walk moves on), and the buffers of
    /// inline runs, each taken for one run and given back when it is written.
    let scratch: MarkdownBuffers

    /// An empty buffer for an inline run, from those given back when there is one.
    func take() -> [UInt8] {
        if let buffer = scratch.free.popLast() { return buffer }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        return buffer
    }

    /// Gives `buffer` back for another run, emptied.
    func give(_ buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        scratch.free.append(buffer)
        buffer = []
    }
    typealias Tag = HTMLFragment.Tag

    func node(_ i: Int32) -> HTMLFragment.Node { nodes[Int(i)] }

    /// A text's bytes.
    func slice(_ n: HTMLFragment.Node) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: chars[Int(n.start)..<Int(n.start + n.count)])
    }

    // MARK: Blocks

    /// The blocks of the siblings from `first`.
    func blocks(from first: Int32, into out: inout Blocks) {
        var runStart: Int32 = -1
        var i = first
        while i >= 0 {
            if isBlock(i) {
                if runStart >= 0 { flush(runStart, until: i, into: &out) }
                runStart = -1
                block(i, into: &out)
            } else if runStart < 0 {
                runStart = i
            }
            i = node(i).next
        }
        if runStart >= 0 { flush(runStart, until: -1, into: &out) }
    }

    private func flush(_ first: Int32, until end: Int32, into out: inout Blocks) {
        var text = take()
        inline(from: first, until: end, inCell: false, into: &text)
        out.addTrimmedLines(text)
        give(&text)
    }

    /// Whether `i` renders as blocks of its own (an element ``block(_:into:)`` handles).
    private func isBlock(_ i: Int32) -> Bool {
        switch node(i).tag {
        case .p, .div, .section, .article, .main, .body, .html, .header, .footer, .figure,
            .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol, .pre, .blockquote, .table, .hr,
            .script, .style, .button, .svg, .template:
            return true
        case .span:
            return f.hasClass("katex-display", i)
        default:
            return false
        }
    }

    /// The blocks of block element `i`.
    private func block(_ i: Int32, into out: inout Blocks) {
        let n = node(i)
        switch n.tag {
        case .p:
            var text = take()
            inline(from: n.firstChild, until: -1, inCell: false, into: &text)
            out.addTrimmedLines(text)
            give(&text)
        case .div, .section, .article, .main, .body, .html, .header, .footer, .figure:
            blocks(from: n.firstChild, into: &out)
        case .h1, .h2, .h3, .h4, .h5, .h6:
            let level = Int(n.tag.rawValue - Tag.h1.rawValue) + 1
            var text: [UInt8] = []
            inline(from: n.firstChild, until: -1, inCell: false, into: &text)
            let heading = Self.replacingNewlines(Self.trimLines(text[...])[...], with: [Bytes.space])
            guard !heading.isEmpty else { return }
            out.add(Array(repeating: UInt8(ascii: "#"), count: level) + [Bytes.space] + heading)
        case .ul, .ol:
            var text = take()
            list(i, into: &text)
            out.add(text)
            give(&text)
        case .pre:
            if let code = codeBlock(i) { out.add(code) }
        case .blockquote:
            guard scratch.relayoutLeft >= 0 else { return }
            var inner = Blocks()
            blocks(from: n.firstChild, into: &inner)
            var joined: [UInt8] = []
            inner.join(separator: Bytes.blankLine, into: &joined)
            scratch.relayoutLeft -= joined.count
            guard !joined.isEmpty, scratch.relayoutLeft >= 0 else { return }
            var quoted: [UInt8] = []
            for (k, line) in Self.lines(joined[...]).enumerated() {
                if k > 0 { quoted.append(Bytes.lf) }
                quoted.append(UInt8(ascii: ">"))
                if !line.isEmpty {
                    quoted.append(Bytes.space)
                    quoted.append(contentsOf: line)
                }
            }
            out.add(quoted)
        case .table:
            out.add(table(i))
        case .hr:
            out.add("---".utf8)
        case .span:
            out.add(Array("$$\n".utf8) + tex(i) + Array("\n$$".utf8))
        default:
            return
        }
    }

    /// The list `i`, appended to `out`: each item's blocks under its marker, the lines after
    /// the first indented to the marker's width.
    private func list(_ i: Int32, into out: inout [UInt8]) {
        guard scratch.relayoutLeft >= 0 else { return }
        let ordered = node(i).tag == .ol
        var number = f.attribute(.start, of: i).flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 1
        // Every item's blocks in one buffer; `items[k]` is where item k's blocks end.
        var all = Blocks()
        var items: [Int] = []
        var c = node(i).firstChild
        while c >= 0 {
            if node(c).tag == .li {
                blocks(from: node(c).firstChild, into: &all)
                items.append(all.count)
            }
            c = node(c).next
        }
        // Loose (blank lines between items) when an item holds more than text and sub-lists.
        var loose = false
        var first = 0
        for end in items {
            if end - first > 1, (first + 1..<end).contains(where: { !Self.isList(all[$0]) }) { loose = true }
            first = end
        }
        var marker: [UInt8] = []
        var joined = take()
        first = 0
        for (k, end) in items.enumerated() {
            if k > 0 { out.append(contentsOf: loose ? Bytes.blankLine : Bytes.newline) }
            marker.removeAll(keepingCapacity: true)
            if ordered {
                Self.appendDecimal(number, to: &marker)
                marker.append(contentsOf: ". ".utf8)
            } else {
                marker.append(contentsOf: "- ".utf8)
            }
            number &+= 1
            joined.removeAll(keepingCapacity: true)
            for b in first..<end {
                if b > first {
                    joined.append(contentsOf: Self.isList(all[b]) && !loose ? Bytes.newline : Bytes.blankLine)
                }
                joined.append(contentsOf: all[b])
            }
            first = end
            scratch.relayoutLeft -= joined.count
            guard scratch.relayoutLeft >= 0 else { break }
            var l = 0
            Self.forEachLine(joined[...]) { line in
                if l == 0 {
                    out.append(contentsOf: marker)
                } else {
                    out.append(Bytes.lf)
                    if !line.isEmpty { out.append(contentsOf: repeatElement(Bytes.space, count: marker.count)) }
                }
                out.append(contentsOf: line)
                l += 1
            }
        }
        give(&joined)
    }

    /// `n` in decimal, as `"\(n)"` writes it.
    static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        if n < 0 {
            out.append(contentsOf: String(n).utf8)
            return
        }
        var digits: [UInt8] = []
        var v = n
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        } while v > 0
        out.append(contentsOf: digits.reversed())
    }

    /// A fenced code block; `nil` for an empty one (the UI's bare "Copy code" boxes).
    private func codeBlock(_ pre: Int32) -> [UInt8]? {
        var language: ArraySlice<UInt8> = []
        var code: [UInt8] = []
        let children = node(pre).firstChild
        if let c = first(.code, from: children) {
            text(from: node(c).firstChild, into: &code)
            if let cls = f.attribute(.class, of: c),
                let word = cls.split(separator: Bytes.space).first(where: { $0.starts(with: Self.languagePrefix) })
            {
                language = word.dropFirst(Self.languagePrefix.count)
            }
        } else {
            text(from: children, skippingHeaders: true, into: &code)
        }
        if language.isEmpty, let header = header(from: children) { language = header[...] }
        var body = code[...]
        if body.last == Bytes.lf && (body.count < 2 || body[body.endIndex - 2] != Bytes.cr) { body.removeLast() }
        if body.first == Bytes.lf { body.removeFirst() }
        guard !TrimSet.whitespacesAndNewlines.trim(body).isEmpty else { return nil }
        let fence = Array(repeating: Bytes.backtick, count: max(3, Self.longestBacktickRun(body) + 1))
        return fence + language + Bytes.newline + body + Bytes.newline + fence
    }

    private static let languagePrefix = Array("language-".utf8)

    private func table(_ t: Int32) -> [UInt8] {
        var rows: [[[UInt8]]] = []
        func collect(_ first: Int32) {
            var i = first
            while i >= 0 {
                let el = node(i)
                if el.tag == .tr {
                    var row: [[UInt8]] = []
                    var c = el.firstChild
                    while c >= 0 {
                        if node(c).tag == .td || node(c).tag == .th { row.append(cellText(c)) }
                        c = node(c).next
                    }
                    rows.append(row)
                } else if el.tag == .thead || el.tag == .tbody || el.tag == .tfoot {
                    collect(el.firstChild)
                }
                i = el.next
            }
        }
        collect(node(t).firstChild)
        guard let width = rows.map(\.count).max(), width > 0 else { return [] }
        // Every row is written with the widest row's number of cells, so that no cell falls
        // outside the header's columns. When that padding would come to more than
        // `maxPaddedCells` (a row of 20,000 cells above 5,000 rows of one: hundreds of megabytes
        // from a few hundred kilobytes of HTML), the rows after the header keep their own
        // cells: GFM gives a row shorter than the header empty cells, so it renders the same.
        let cells = rows.count.multipliedReportingOverflow(by: width)
        let padAll = !cells.overflow && cells.partialValue <= Self.maxPaddedCells
        var out: [UInt8] = []
        func line(_ row: [[UInt8]], cells: Int) {
            out.append(contentsOf: "| ".utf8)
            for k in 0..<cells {
                if k > 0 { out.append(contentsOf: " | ".utf8) }
                if k < row.count { out.append(contentsOf: row[k]) }
            }
            out.append(contentsOf: " |".utf8)
        }
        line(rows[0], cells: width)
        out.append(Bytes.lf)
        out.append(UInt8(ascii: "|"))
        for _ in 0..<width { out.append(contentsOf: " --- |".utf8) }
        for row in rows.dropFirst() {
            out.append(Bytes.lf)
            line(row, cells: padAll ? width : max(row.count, 1))
        }
        return out
    }

    /// The most cells a table is padded to (rows times the widest row's cells).
    static let maxPaddedCells = 100_000

    private func cellText(_ cell: Int32) -> [UInt8] {
        var text: [UInt8] = []
        inline(from: node(cell).firstChild, until: -1, inCell: true, into: &text)
        let joined = Self.replacingNewlines(Self.trimLines(text[...])[...], with: Array("<br>".utf8))
        var out: [UInt8] = []
        out.reserveCapacity(joined.count)
        for b in joined {
            if b == UInt8(ascii: "|") { out.append(UInt8(ascii: "\\")) }
            out.append(b)
        }
        return out
    }

    // MARK: Inline

    /// The inline Markdown of the siblings from `first` up to `end` (-1: all), appended to `out`.
    ///
    /// Escaping looks back only at what this call wrote, as each inline run starts a text of its
    /// own.
    func inline(from first: Int32, until end: Int32, inCell: Bool, into out: inout [UInt8]) {
        let start = out.count
        var i = first
        while i >= 0 && i != end {
            let n = node(i)
            if n.tag == .text {
                let text = slice(n)
                let first = Self.firstChangingBlank(text, from: 0)
                if first == text.count {
                    // Nothing to collapse: escaped from the fragment's bytes.
                    MarkdownEscaper.escape(text, previousFrom: start, in: &out)
                } else {
                    scratch.bytes.removeAll(keepingCapacity: true)
                    Self.collapse(text, from: first, into: &scratch.bytes)
                    scratch.bytes.withUnsafeBufferPointer { MarkdownEscaper.escape($0, previousFrom: start, in: &out) }
                }
            } else {
                inlineElement(i, inCell: inCell, into: &out)
            }
            i = n.next
        }
    }

    private func inlineElement(_ i: Int32, inCell: Bool, into out: inout [UInt8]) {
        let n = node(i)
        switch n.tag {
        case .strong, .b:
            wrap(i, "**", inCell: inCell, into: &out)
        case .em, .i:
            wrap(i, "*", inCell: inCell, into: &out)
        case .del, .s, .strike:
            wrap(i, "~~", inCell: inCell, into: &out)
        case .code:
            var code: [UInt8] = []
            text(from: n.firstChild, into: &code)
            Self.inlineCode(code, into: &out)
        case .a:
            var inner = take()
            defer { give(&inner) }
            inline(from: n.firstChild, until: -1, inCell: inCell, into: &inner)
            let text = TrimSet.whitespaces.trim(inner[...])
            guard let href = f.attribute(.href, of: i), !href.isEmpty else {
                out.append(contentsOf: text)
                return
            }
            out.append(UInt8(ascii: "["))
            out.append(contentsOf: text)
            out.append(contentsOf: "](".utf8)
            for b in href {
                if b == Bytes.space { out.append(contentsOf: "%20".utf8) } else { out.append(b) }
            }
            out.append(UInt8(ascii: ")"))
        case .img:
            let alt = f.attribute(.alt, of: i) ?? []
            guard let src = f.attribute(.src, of: i) else {
                out.append(contentsOf: alt)
                return
            }
            out.append(contentsOf: "![".utf8)
            out.append(contentsOf: alt)
            out.append(contentsOf: "](".utf8)
            out.append(contentsOf: src)
            out.append(UInt8(ascii: ")"))
        case .br:
            out.append(contentsOf: inCell ? "\n".utf8 : "  \n".utf8)
        case .sup, .sub:
            let tag = n.tag == .sup ? "sup" : "sub"
            out.append(contentsOf: "<\(tag)>".utf8)
            inline(from: n.firstChild, until: -1, inCell: inCell, into: &out)
            out.append(contentsOf: "</\(tag)>".utf8)
        case .span where f.hasClass("katex-display", i):
            out.append(contentsOf: "\n$$\n".utf8)
            out.append(contentsOf: tex(i))
            out.append(contentsOf: "\n$$\n".utf8)
        case .span where f.hasClass("katex", i):
            out.append(UInt8(ascii: "$"))
            out.append(contentsOf: tex(i))
            out.append(UInt8(ascii: "$"))
        case .script, .style, .button, .svg:
            return
        default:
            if isBlock(i) {
                var inner = Blocks()
                block(i, into: &inner)
                inner.join(separator: Bytes.blankLine, into: &out)
            } else {
                inline(from: n.firstChild, until: -1, inCell: inCell, into: &out)
            }
        }
    }

    /// The children of `i` between `marker`s, the marker inside any spaces at their edges.
    private func wrap(_ i: Int32, _ marker: StaticString, inCell: Bool, into out: inout [UInt8]) {
        var inner = take()
        defer { give(&inner) }
        inline(from: node(i).firstChild, until: -1, inCell: inCell, into: &inner)
        let trimmed = TrimSet.whitespaces.trim(inner[...])
        guard !trimmed.isEmpty else {
            out.append(contentsOf: inner)
            return
        }
        let m = UnsafeBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount)
        let lead = inner.prefix { $0 == Bytes.space }.count
        let trail = inner.reversed().prefix { $0 == Bytes.space }.count
        out.append(contentsOf: repeatElement(Bytes.space, count: lead))
        out.append(contentsOf: m)
        out.append(contentsOf: trimmed)
        out.append(contentsOf: m)
        out.append(contentsOf: repeatElement(Bytes.space, count: trail))
    }

    // MARK: Text below nodes

    /// All text below the siblings from `first`, as written (for code); `<br>` is a newline.
    ///
    /// With `skippingHeaders`, ChatGPT's code header blocks are left out.
    func text(from first: Int32, skippingHeaders: Bool = false, into out: inout [UInt8]) {
        var i = first
        while i >= 0 {
            let n = node(i)
            if n.tag == .text {
                out.append(contentsOf: slice(n))
            } else if n.tag == .br {
                out.append(Bytes.lf)
            } else if !(skippingHeaders && isCodeHeader(i)) {
                text(from: n.firstChild, skippingHeaders: skippingHeaders, into: &out)
            }
            i = n.next
        }
    }

    private static let copyCode = Array("Copy code".utf8)

    /// Whether `i` is ChatGPT's code header: a `<div>` holding "Copy code" and a button, but
    /// no code.
    private func isCodeHeader(_ i: Int32) -> Bool {
        let n = node(i)
        guard n.tag == .div, first(.button, from: n.firstChild) != nil, first(.code, from: n.firstChild) == nil
        else { return false }
        var t: [UInt8] = []
        text(from: n.firstChild, into: &t)
        return Self.contains(t, Self.copyCode)
    }

    /// KaTeX's TeX source: the `annotation` with `encoding="application/x-tex"`.
    private func tex(_ i: Int32) -> [UInt8] {
        func find(_ first: Int32) -> Int32? {
            var c = first
            while c >= 0 {
                let n = node(c)
                if n.tag != .text {
                    if n.tag == .annotation, let e = f.attribute(.encoding, of: c),
                        e.withUnsafeBufferPointer({ ByteScan.equal($0, "application/x-tex") })
                    {
                        return c
                    }
                    if let found = find(n.firstChild) { return found }
                }
                c = n.next
            }
            return nil
        }
        var source: [UInt8] = []
        text(from: node(find(node(i).firstChild) ?? i).firstChild, into: &source)
        return Array(TrimSet.whitespacesAndNewlines.trim(source[...]))
    }

    /// The first element tagged `tag` below and after `first`, depth first.
    private func first(_ tag: Tag, from first: Int32) -> Int32? {
        var i = first
        while i >= 0 {
            let n = node(i)
            if n.tag != .text {
                if n.tag == tag { return i }
                if let found = self.first(tag, from: n.firstChild) { return found }
            }
            i = n.next
        }
        return nil
    }

    /// The language label of ChatGPT's code header: the first `<span>` of a `<div>` that also holds
    /// the "Copy code" button text.
    ///
    /// The first such `<div>` decides.
    private func header(from first: Int32) -> [UInt8]? {
        var i = first
        while i >= 0 {
            let n = node(i)
            if n.tag != .text {
                if n.tag == .div, let span = self.first(.span, from: n.firstChild) {
                    var t: [UInt8] = []
                    text(from: n.firstChild, into: &t)
                    if Self.contains(t, Self.copyCode) {
                        var label: [UInt8] = []
                        text(from: node(span).firstChild, into: &label)
                        let trimmed = TrimSet.whitespacesAndNewlines.trim(label[...])
                        return trimmed.isEmpty || trimmed.contains(Bytes.space) ? nil : Array(trimmed)
                    }
                }
                if let found = header(from: n.firstChild) { return found }
            }
            i = n.next
        }
        return nil
    }

    // MARK: Byte helpers

    /// Whether a rendered block is a list (starts with a bullet or an ordinal marker).
    static func isList(_ block: ArraySlice<UInt8>) -> Bool {
        if block.starts(with: "- ".utf8) { return true }
        let digits = block.prefix { $0 >= 0x30 && $0 <= 0x39 }.count
        return digits > 0 && block.dropFirst(digits).starts(with: ". ".utf8)
    }

    static func inlineCode(_ code: [UInt8], into out: inout [UInt8]) {
        let fence = repeatElement(Bytes.backtick, count: longestBacktickRun(code[...]) + 1)
        let pad = code.first == Bytes.backtick || code.last == Bytes.backtick
        out.append(contentsOf: fence)
        if pad { out.append(Bytes.space) }
        out.append(contentsOf: code)
        if pad { out.append(Bytes.space) }
        out.append(contentsOf: fence)
    }

    static func longestBacktickRun(_ s: ArraySlice<UInt8>) -> Int {
        var best = 0
        var run = 0
        for b in s {
            run = b == Bytes.backtick ? run + 1 : 0
            best = max(best, run)
        }
        return best
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { UTF8Search.firstOffset(of: needle, in: $0) != nil }
    }

    /// HTML white space runs (space, TAB, CR, LF) as single spaces, given `first`, the first white
    /// space that changes (``firstChangingBlank(_:from:)`` from 0, or `b.count`).
    ///
    /// Prose has a single space between words, which stays as it is: only the runs that change are
    /// looked for, and the bytes between them are copied whole.
    static func collapse(_ b: UnsafeBufferPointer<UInt8>, from first: Int, into out: inout [UInt8]) {
        let n = b.count
        var i = 0
        var next = first
        while i < n {
            let stop = next >= i ? next : firstChangingBlank(b, from: i)
            next = -1
            if stop > i { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<stop])) }
            guard stop < n else { return }
            out.append(0x20)
            i = stop + 1
            while i < n, isBlank(b[i]) { i += 1 }
        }
    }

    @inline(__always) static func isBlank(_ x: UInt8) -> Bool { x == 0x20 || x == 0x0A || x == 0x09 || x == 0x0D }

    /// The index of the first white space at or after `start` that collapsing changes (a TAB,
    /// CR or LF, or a space followed by white space), or `b.count`: sixteen bytes at a time.
    static func firstChangingBlank(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = b.baseAddress else { return 0 }
        let n = b.count
        var i = start
        let (space, tab, lf, cr) = (
            SIMD16<UInt8>(repeating: 0x20), SIMD16<UInt8>(repeating: 0x09), SIMD16<UInt8>(repeating: 0x0A),
            SIMD16<UInt8>(repeating: 0x0D)
        )
        while i + 17 <= n {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let w = UnsafeRawPointer(base + i + 1).loadUnaligned(as: SIMD16<UInt8>.self)
            let control = (v .== tab) .| (v .== lf) .| (v .== cr)
            let nextBlank = (w .== space) .| (w .== tab) .| (w .== lf) .| (w .== cr)
            if ByteScan.anyLane(control .| ((v .== space) .& nextBlank)) { break }
            i += 16
        }
        while i < n {
            let x = b[i]
            if x == 0x09 || x == 0x0A || x == 0x0D || (x == 0x20 && i + 1 < n && isBlank(b[i + 1])) { return i }
            i += 1
        }
        return n
    }

    /// The lines of `s`: split at each LF that is not the end of a CR LF pair.
    static func lines(_ s: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        forEachLine(s) { out.append($0) }
        return out
    }

    /// Calls `body` with each of ``lines(_:)``, in order.
    static func forEachLine(_ s: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) -> Void) {
        var from = s.startIndex
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == Bytes.lf && (i == s.startIndex || s[i - 1] != Bytes.cr) {
                body(s[from..<i])
                from = i + 1
            }
            i += 1
        }
        body(s[from..<s.endIndex])
    }

    /// Each line trimmed of white space and joined with `separator` (headings, table cells).
    static func replacingNewlines(_ s: ArraySlice<UInt8>, with separator: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        for (k, line) in lines(s).enumerated() {
            if k > 0 { out.append(contentsOf: separator) }
            out.append(contentsOf: TrimSet.whitespaces.trim(line))
        }
        return out
    }

    /// Each line without leading and trailing spaces (but a hard break's two spaces stay), and
    /// the whole without blank edges.
    static func trimLines(_ s: ArraySlice<UInt8>) -> [UInt8] {
        guard s.contains(Bytes.lf) else {
            // One line: trim ASCII spaces at both ends.
            guard let first = s.firstIndex(where: { $0 != Bytes.space }),
                let last = s.lastIndex(where: { $0 != Bytes.space })
            else { return [] }
            return Array(s[first...last])
        }
        var result: [UInt8] = []
        result.reserveCapacity(s.count)
        for (k, line) in lines(s).enumerated() {
            if k > 0 { result.append(Bytes.lf) }
            let t = TrimSet.whitespaces.trim(line)
            result.append(contentsOf: t)
            if line.count >= 2 && line.last == Bytes.space && line[line.endIndex - 2] == Bytes.space && !t.isEmpty {
                result.append(contentsOf: [Bytes.space, Bytes.space])
            }
        }
        // Trailing double spaces go down to one, then newline characters leave both edges.
        while result.count >= 2 && result[result.count - 1] == Bytes.space && result[result.count - 2] == Bytes.space {
            result.removeLast()
        }
        return Array(TrimSet.newlines.trim(result[...]))
    }
}
