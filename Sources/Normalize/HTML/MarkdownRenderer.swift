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
public struct MarkdownRenderer: Sendable {
    public init() {}

    /// The Markdown for `nodes`.
    public func render(_ nodes: [HTMLNode]) -> String {
        blocks(nodes).joined(separator: "\n\n")
    }

    // MARK: Blocks

    func blocks(_ nodes: [HTMLNode]) -> [String] {
        var out: [String] = []
        var inlineRun: [HTMLNode] = []
        func flush() {
            let text = Self.trimLines(inline(inlineRun))
            if !text.isEmpty { out.append(text) }
            inlineRun.removeAll()
        }
        for node in nodes {
            guard case .element(let e) = node, let block = blockElement(e) else {
                inlineRun.append(node)
                continue
            }
            flush()
            out.append(contentsOf: block)
        }
        flush()
        return out
    }

    /// The blocks of `e`, or `nil` when `e` is inline.
    private func blockElement(_ e: HTMLElement) -> [String]? {
        switch e.name {
        case "p":
            let text = Self.trimLines(inline(e.children))
            return text.isEmpty ? [] : [text]
        case "div", "section", "article", "main", "body", "html", "header", "footer", "figure":
            return blocks(e.children)
        case "h1", "h2", "h3", "h4", "h5", "h6":
            let level = Int(e.name.dropFirst()) ?? 1
            let text = Self.trimLines(inline(e.children)).replacingNewlines(with: " ")
            return text.isEmpty ? [] : [String(repeating: "#", count: level) + " " + text]
        case "ul", "ol":
            return [list(e)].filter { !$0.isEmpty }
        case "pre":
            return codeBlock(e).map { [$0] } ?? []
        case "blockquote":
            let inner = blocks(e.children).joined(separator: "\n\n")
            return inner.isEmpty
                ? []
                : [
                    inner.split(separator: "\n", omittingEmptySubsequences: false)
                        .map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n")
                ]
        case "table":
            return [table(e)].filter { !$0.isEmpty }
        case "hr":
            return ["---"]
        case "span" where e.classes.contains("katex-display"):
            return ["$$\n" + Self.tex(e) + "\n$$"]
        case "script", "style", "button", "svg", "template":
            return []
        default:
            return nil
        }
    }

    private func list(_ e: HTMLElement) -> String {
        let ordered = e.name == "ol"
        var number = Int(e.attributes["start"] ?? "") ?? 1
        var items: [[String]] = []
        for child in e.children {
            guard case .element(let li) = child, li.name == "li" else { continue }
            items.append(blocks(li.children))
        }
        // Loose (blank lines between items) when an item holds more than text and sub-lists.
        let loose = items.contains { $0.dropFirst().contains { !Self.isList($0) } }
        var lines: [String] = []
        for item in items {
            let marker = ordered ? "\(number). " : "- "
            number += 1
            let indent = String(repeating: " ", count: marker.count)
            var joined = ""
            for (k, block) in item.enumerated() {
                if k > 0 { joined += Self.isList(block) && !loose ? "\n" : "\n\n" }
                joined += block
            }
            let body = joined.split(separator: "\n", omittingEmptySubsequences: false)
            var first = true
            var rendered: [String] = []
            for line in body {
                if first {
                    rendered.append(marker + line)
                    first = false
                } else {
                    rendered.append(line.isEmpty ? "" : indent + line)
                }
            }
            if rendered.isEmpty { rendered = [marker.trimmingTrailingSpace()] }
            lines.append(rendered.joined(separator: "\n"))
        }
        return lines.joined(separator: loose ? "\n\n" : "\n")
    }

    /// A fenced code block; `nil` for an empty one (the UI's bare "Copy code" boxes).
    private func codeBlock(_ pre: HTMLElement) -> String? {
        var language = ""
        var code: String
        if let c = Self.first("code", in: pre.children) {
            code = Self.text(c.children)
            if let cls = c.classes.first(where: { $0.hasPrefix("language-") }) {
                language = String(cls.dropFirst("language-".count))
            }
        } else {
            code = Self.text(Self.withoutHeader(pre.children))
        }
        if language.isEmpty, let header = Self.header(in: pre.children) { language = header }
        if code.hasSuffix("\n") { code.removeLast() }
        if code.hasPrefix("\n") { code.removeFirst() }
        guard !code.trimming(.whitespacesAndNewlines).isEmpty else { return nil }
        let fence = String(repeating: "`", count: max(3, Self.longestRun(of: "`", in: code) + 1))
        return fence + language + "\n" + code + "\n" + fence
    }

    private func table(_ e: HTMLElement) -> String {
        var rows: [[String]] = []
        func collect(_ nodes: [HTMLNode]) {
            for node in nodes {
                guard case .element(let el) = node else { continue }
                if el.name == "tr" {
                    rows.append(
                        el.children.compactMap { cell in
                            guard case .element(let c) = cell, c.name == "td" || c.name == "th" else { return nil }
                            return cellText(c)
                        })
                } else if ["thead", "tbody", "tfoot"].contains(el.name) {
                    collect(el.children)
                }
            }
        }
        collect(e.children)
        guard let width = rows.map(\.count).max(), width > 0 else { return "" }
        let padded = rows.map { $0 + Array(repeating: "", count: width - $0.count) }
        var lines = ["| " + padded[0].joined(separator: " | ") + " |"]
        lines.append("|" + Array(repeating: " --- |", count: width).joined())
        for row in padded.dropFirst() { lines.append("| " + row.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }

    private static let bar = Array("|".utf8), escapedBar = Array("\\|".utf8)
    private static let space = Array(" ".utf8), escapedSpace = Array("%20".utf8)

    private func cellText(_ cell: HTMLElement) -> String {
        var r = InlineContext()
        r.inCell = true
        let text = inline(cell.children, context: r)
        let cell = Self.trimLines(text).replacingNewlines(with: "<br>")
        return UTF8Search.replacingAll(Self.bar, with: Self.escapedBar, in: cell) ?? cell
    }

    // MARK: Inline

    struct InlineContext {
        var inCell = false
    }

    func inline(_ nodes: [HTMLNode], context: InlineContext = InlineContext()) -> String {
        var out = ""
        for node in nodes {
            switch node {
            case .text(let t):
                out += MarkdownEscaper.escape(Self.collapse(t), after: out)
            case .element(let e):
                out += inlineElement(e, context: context)
            }
        }
        return out
    }

    private func inlineElement(_ e: HTMLElement, context: InlineContext) -> String {
        switch e.name {
        case "strong", "b":
            return wrap(inline(e.children, context: context), "**")
        case "em", "i":
            return wrap(inline(e.children, context: context), "*")
        case "del", "s", "strike":
            return wrap(inline(e.children, context: context), "~~")
        case "code":
            return Self.inlineCode(Self.text(e.children))
        case "a":
            let text = inline(e.children, context: context).trimming(.whitespaces)
            guard let href = e.attributes["href"], !href.isEmpty else { return text }
            return "[\(text)](\(UTF8Search.replacingAll(Self.space, with: Self.escapedSpace, in: href) ?? href))"
        case "img":
            let alt = e.attributes["alt"] ?? ""
            guard let src = e.attributes["src"] else { return alt }
            return "![\(alt)](\(src))"
        case "br":
            return context.inCell ? "\n" : "  \n"
        case "sup", "sub":
            return "<\(e.name)>\(inline(e.children, context: context))</\(e.name)>"
        case "span" where e.classes.contains("katex-display"):
            return "\n$$\n" + Self.tex(e) + "\n$$\n"
        case "span" where e.classes.contains("katex"):
            return "$" + Self.tex(e) + "$"
        case "script", "style", "button", "svg":
            return ""
        default:
            if let blocks = blockElement(e) { return blocks.joined(separator: "\n\n") }
            return inline(e.children, context: context)
        }
    }

    private func wrap(_ s: String, _ marker: String) -> String {
        let trimmed = s.trimming(.whitespaces)
        guard !trimmed.isEmpty else { return s }
        let lead = s.prefix { $0 == " " }
        let trail = String(s.reversed().prefix { $0 == " " })
        return lead + marker + trimmed + marker + trail
    }

    // MARK: Helpers

    /// Whether a rendered block is a list (starts with a bullet or an ordinal marker).
    static func isList(_ block: String) -> Bool {
        if block.hasPrefix("- ") { return true }
        let digits = block.prefix { $0.isASCII && $0.isNumber }
        return !digits.isEmpty && block.dropFirst(digits.count).hasPrefix(". ")
    }

    static func inlineCode(_ code: String) -> String {
        let fence = String(repeating: "`", count: longestRun(of: "`", in: code) + 1)
        let pad = code.hasPrefix("`") || code.hasSuffix("`") ? " " : ""
        return fence + pad + code + pad + fence
    }

    static func longestRun(of c: Character, in s: String) -> Int {
        var best = 0
        var run = 0
        for ch in s {
            run = ch == c ? run + 1 : 0
            best = max(best, run)
        }
        return best
    }

    /// All text below `nodes`, as written (for code).
    static func text(_ nodes: [HTMLNode]) -> String {
        nodes.map { node -> String in
            switch node {
            case .text(let t): return t
            case .element(let e): return e.name == "br" ? "\n" : text(e.children)
            }
        }.joined()
    }

    /// KaTeX's TeX source: the `annotation` with `encoding="application/x-tex"`.
    static func tex(_ e: HTMLElement) -> String {
        func find(_ nodes: [HTMLNode]) -> String? {
            for node in nodes {
                guard case .element(let el) = node else { continue }
                if el.name == "annotation", el.attributes["encoding"] == "application/x-tex" {
                    return text(el.children).trimming(.whitespacesAndNewlines)
                }
                if let found = find(el.children) { return found }
            }
            return nil
        }
        return find(e.children) ?? text(e.children).trimming(.whitespacesAndNewlines)
    }

    static func first(_ name: String, in nodes: [HTMLNode]) -> HTMLElement? {
        for node in nodes {
            guard case .element(let e) = node else { continue }
            if e.name == name { return e }
            if let found = first(name, in: e.children) { return found }
        }
        return nil
    }

    /// The language label of ChatGPT's code header: the first `<span>` of a block that also
    /// holds the "Copy code" button.
    static func header(in nodes: [HTMLNode]) -> String? {
        for node in nodes {
            guard case .element(let e) = node else { continue }
            let t = text(e.children)
            if e.name == "div", t.contains("Copy code"), let span = first("span", in: e.children) {
                let label = text(span.children).trimming(.whitespacesAndNewlines)
                return label.isEmpty || label.contains(" ") ? nil : label
            }
            if let found = header(in: e.children) { return found }
        }
        return nil
    }

    /// `nodes` without ChatGPT's code header block.
    static func withoutHeader(_ nodes: [HTMLNode]) -> [HTMLNode] {
        nodes.compactMap { node in
            guard case .element(var e) = node else { return node }
            if e.name == "div", text(e.children).contains("Copy code"), first("code", in: e.children) == nil,
                first("button", in: e.children) != nil
            {
                return nil
            }
            e.children = withoutHeader(e.children)
            return .element(e)
        }
    }

    /// HTML white space runs as single spaces (on the UTF-8 bytes; other bytes are copied).
    static func collapse(_ s: String) -> String {
        // Most text runs need nothing: no TAB, CR or LF and no two spaces in a row.
        let needed = s.withUTF8Bytes { b -> Bool in
            var previousSpace = false
            for x in b {
                if x == 0x0A || x == 0x09 || x == 0x0D || (x == 0x20 && previousSpace) { return true }
                previousSpace = x == 0x20
            }
            return false
        }
        guard needed else { return s }
        var out: [UInt8] = []
        s.withUTF8Bytes { b in
            out.reserveCapacity(b.count)
            var space = false
            for x in b {
                if x == 0x20 || x == 0x0A || x == 0x09 || x == 0x0D {
                    space = true
                } else {
                    if space { out.append(0x20) }
                    space = false
                    out.append(x)
                }
            }
            if space { out.append(0x20) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Each line without leading and trailing spaces (but a hard break's two spaces stay), and
    /// the whole without blank edges.
    static func trimLines(_ s: String) -> String {
        if !s.withUTF8Bytes({ $0.contains(0x0A) }) {
            // One line: trim spaces at both ends without Foundation.
            let u = s.utf8
            guard let first = u.firstIndex(where: { $0 != 0x20 }), let last = u.lastIndex(where: { $0 != 0x20 })
            else { return "" }
            return String(s[first...last])
        }
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let hardBreak = line.hasSuffix("  ")
            var t = line.trimming(.whitespaces)
            if hardBreak && !t.isEmpty { t += "  " }
            return t
        }
        var result = lines.joined(separator: "\n")
        while result.hasSuffix("  ") { result.removeLast() }
        return result.trimming(.newlines)
    }
}

extension String {
    func replacingNewlines(with s: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimming(.whitespaces) }.joined(separator: s)
    }

    func trimmingTrailingSpace() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
