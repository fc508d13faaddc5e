import Normalize
import Testing

@Suite struct MarkdownRendererTests {
    private func md(_ html: String) throws -> String { try MarkdownRenderer().render(try HTMLDocument.parse(html)) }

    @Test(arguments: [
        ("<p>a &amp; b &lt; c</p>", "a & b < c"),
        ("<p>1 &lt;b&gt; 2</p>", "1 \\<b> 2"),
        ("<p>snake_case and \\sum_{i=1}</p>", "snake_case and \\sum_{i=1}"),
        ("<p>_init_ and *star*</p>", "\\_init_ and \\*star*"),
        ("<p># not a heading</p>", "\\# not a heading"),
        ("<p>1. not a list</p>", "1\\. not a list"),
        ("<p>use `x` here</p>", "use \\`x\\` here"),
        ("<h3>Title</h3><p>x</p>", "### Title\n\nx"),
        ("<p>a<br>b</p>", "a  \nb"),
        ("<ol start=\"3\"><li>c</li><li>d</li></ol>", "3. c\n4. d"),
        ("<ol start=\"-1\"><li>a</li><li>b</li><li>c</li></ol>", "-1. a\n0. b\n1. c"),
        ("<ol start=\"9\"><li>a</li><li><p>b</p><p>c</p></li></ol>", "9. a\n\n10. b\n\n    c"),
        ("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c"),
        ("<pre><code>plain</code></pre>", "```\nplain\n```"),
        ("<p>x<code>``</code>y</p>", "x``` `` ```y"),
        ("<table><tr><td>a</td></tr><tr><td>b</td><td>c</td></tr></table>", "| a |  |\n| --- | --- |\n| b | c |"),
        ("broken <b>bold", "broken **bold**"),
        ("", ""),
    ])
    func renders(_ html: String, _ expected: String) throws {
        #expect(try md(html) == expected)
    }

    /// Inside a paragraph, every run of HTML white space becomes one space, on texts long enough
    /// for the 16-byte scan and with runs at every offset.
    ///
    /// Buffers kept from render to render give each fragment the Markdown fresh buffers give,
    /// whatever was rendered before it, also after a fragment large enough to be let go.
    @Test func keptBuffersRenderAsFreshOnes() throws {
        let big = "<p>" + String(repeating: "word  with\n spaces ", count: 80_000) + "</p>"
        let fragments = [
            "<p>a <b>b</b>  c</p><ul><li>x<li><p>y</p><p>z</p></ul>", big, "<p>one\n\ntwo</p>",
            "<ol start=\"9\"><li><a href=\"u v\"> link </a></ol><pre><code>k\n\n`x`</code></pre>",
            "<table><tr><td>a|b<br>c</td></tr></table><blockquote><p># h</p></blockquote>", big, "plain  text",
        ]
        let buffers = MarkdownBuffers()
        let renderer = MarkdownRenderer()
        for html in fragments + fragments.reversed() {
            let fragment = try HTMLDocument.parse(html)
            #expect(try renderer.render(fragment, buffers: buffers) == renderer.render(fragment), "\(html.prefix(60))")
        }
    }

    /// Lists and quotes lay out again what they hold, once per level: the bytes they do so are
    /// counted, and a fragment that would pass the limit is refused with the reason, while one
    /// within it renders as without a limit.
    ///
    /// The buffers serve the next render as before.
    @Test func nestedLayoutIsBoundedWithAReason() throws {
        let lines = String(repeating: "<p>a line of the innermost item</p>", count: 200)
        let renderer = MarkdownRenderer()
        for (open, close) in [
            ("<ul><li>x", "</li></ul>"), ("<blockquote>", "</blockquote>"), ("<ol><li><p>x</p>", "</li></ol>"),
        ] {
            let fragment = try HTMLDocument.parse(
                String(repeating: open, count: 10) + lines + String(repeating: close, count: 10))
            let full = try renderer.render(fragment)
            // Each of the ten levels lays out at least the innermost text again.
            let innermost = 200 * "a line of the innermost item".utf8.count
            #expect(full.utf8.count > innermost)
            let buffers = MarkdownBuffers()
            #expect(
                try renderer.render(fragment, buffers: buffers, relayoutLimit: 10 * full.utf8.count + 10_000) == full)
            #expect {
                _ = try renderer.render(fragment, buffers: buffers, relayoutLimit: 5 * innermost)
            } throws: { error in
                guard case NormalizeError.html(let reason) = error else { return false }
                return reason.contains("lay out") && reason.contains("nesting")
            }
            #expect(try renderer.render(fragment, buffers: buffers) == full)
        }
        // 2 MB of lines in 60 nested quotes pass the default limit (their Markdown alone would be
        // 8 MB: each line carries 60 `> `), and are refused.
        let deep = try HTMLDocument.parse(
            String(repeating: "<blockquote>", count: 60)
                + String(repeating: "<p>a line of the innermost quote, forty bytes</p>", count: 50_000))
        #expect(throws: NormalizeError.self) { try renderer.render(deep) }
    }

    /// A ragged table whose padding would outgrow its content (a header of 3,000 cells over
    /// 1,000 rows of one) keeps its header and delimiter at full width and writes the other
    /// rows with their own cells, which GFM renders the same; a small ragged table is padded.
    @Test func aRaggedTableIsPaddedOnlyWhileThatStaysSmall() throws {
        let wide = 3_000
        let html =
            "<table><tr>" + String(repeating: "<td>h</td>", count: wide) + "</tr>"
            + String(repeating: "<tr><td>y</td></tr>", count: 1_000) + "</table>"
        let markdown = try md(html)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1_002)
        #expect(lines[0] == "| " + Array(repeating: "h", count: wide).joined(separator: " | ") + " |")
        #expect(lines[1] == "|" + String(repeating: " --- |", count: wide))
        #expect(lines[2...].allSatisfy { $0 == "| y |" })
        #expect(
            try md("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>")
                == "| a | b |\n| --- | --- |\n| c |  |")
    }

    @Test func whiteSpaceRunsCollapseToOneSpace() throws {
        var state: UInt64 = 11
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let letters = ["a", "Z", "汉", "字", "é", "0"]
        let blanks = [" ", "\t", "\n"]
        for _ in 0..<300 {
            var text = ""
            var expected = ""
            for _ in 0..<next(12) {
                let word = (0..<(1 + next(20))).map { _ in letters[next(letters.count)] }.joined()
                let run = (0..<(1 + next(20))).map { _ in blanks[next(blanks.count)] }.joined()
                text += word + run
                expected += word + " "
            }
            text += "end"
            expected += "end"
            #expect(try md("<p>A\(text)</p>") == "A" + expected, "\(text.debugDescription)")
        }
    }

    /// Names come lower-cased from libxml2, and only the attributes the renderer reads are kept.
    @Test func namesAreLowerCaseAndOnlyReadAttributesKept() throws {
        let html = #"<P><A HREF="https://x.org" Style="color: red" data-id="7">x</A> <IMG SRC="i.png" ALT="pic"></P>"#
        #expect(try md(html) == "[x](https://x.org) ![pic](i.png)")
        let fragment = try HTMLDocument.parse(html)
        guard let p = fragment.topLevel.first, let a = fragment.children(of: p).first else {
            Issue.record("no paragraph with a link")
            return
        }
        #expect(fragment.name(of: p) == "p" && fragment.name(of: a) == "a")
        #expect(fragment.tag(of: p) == .p && fragment.tag(of: a) == .a)
        #expect(fragment.attributes(of: a) == [.href: "https://x.org"])
    }
}
