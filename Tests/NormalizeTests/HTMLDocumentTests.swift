import CLibXML2
import Testing

@testable import Normalize

/// The fragment built from libxml2's parse events has the shape of the tree libxml2 itself
/// builds (each expectation below is what `htmlReadMemory`'s tree holds for the input).
@Suite struct HTMLDocumentTests {
    /// Each node as `tag(children)` or `"text"`.
    private func shape(_ f: HTMLFragment, _ nodes: [Int]) -> String {
        nodes.map { n in
            if let t = f.text(of: n) { return t.debugDescription }
            return (f.name(of: n) ?? "<unnamed>") + "(" + shape(f, f.children(of: n)) + ")"
        }.joined(separator: " ")
    }

    private func shape(_ html: String) throws -> String {
        let f = try HTMLDocument.parse(html)
        return shape(f, f.topLevel)
    }

    @Test(arguments: [
        // Adjacent texts are one text, entities decoded in place.
        ("<p>x &amp; <b>y</b> z</p>", #"p("x & " b("y") " z")"#),
        // A comment leaves the texts on either side of it apart.
        ("<p>a<!-- c -->b</p>", #"p("a" "b")"#),
        // Implied and auto-closed elements come from the parser.
        ("<ul><li>a<li>b</ul>", #"ul(li("a") li("b"))"#),
        ("<p>a<p>b", #"p("a") p("b")"#),
        // Without a body, the root's children are the fragment.
        ("<title>t</title>", #"head(title("t"))"#),
        // Content after </html> goes into the root when the root is the document's first node,
        ("<title>t</title></html><p>b</p>", #"head(title("t")) html(body(p("b")))"#),
        // and beside it, outside the fragment, when a comment or DOCTYPE comes first.
        ("<!-- c --><title>t</title></html><p>b</p>", #"head(title("t"))"#),
        ("<!DOCTYPE html><title>t</title></html><p>b</p>", #"head(title("t"))"#),
        ("", ""),
    ])
    func fragmentHasLibxml2sTreeShape(_ html: String, _ expected: String) throws {
        #expect(try shape(html) == expected)
    }

    /// A fragment far longer than libxml2's look-ahead and its input chunks, with a BOM and
    /// multi-byte text throughout, is parsed to its last byte (the parser reads the whole
    /// converted input without asking for more).
    @Test func aLongFragmentIsParsedToTheEnd() throws {
        let count = 3000
        let html = "\u{FEFF}" + (0..<count).map { "<p>段落 \($0) &amp; <b>粗</b></p>" }.joined() + "<p>末尾</p>"
        let f = try HTMLDocument.parse(html)
        let top = f.topLevel
        #expect(top.count == count + 1)
        #expect(shape(f, [top[0]]) == #"p("段落 0 & " b("粗"))"#)
        #expect(shape(f, [top[count - 1]]) == #"p("段落 2999 & " b("粗"))"#)
        #expect(shape(f, [top[count]]) == #"p("末尾")"#)
    }

    @Test func keptAttributesAreReadFromTheParse() throws {
        let f = try HTMLDocument.parse(#"<a href="x?a=1&amp;b=2" class="k l" title="t">x</a><img alt src="i.png">"#)
        let top = f.topLevel
        #expect(top.count == 2)
        #expect(f.attributes(of: top[0]) == [.href: "x?a=1&b=2", .class: "k l"])
        // A value-less attribute reads as empty.
        #expect(f.attributes(of: top[1]) == [.alt: "", .src: "i.png"])
    }

    /// Every tag the renderer tells apart is found by its own name, and nothing else is: not a
    /// prefix, an extension or another case of one, nor a name too long to be one.
    @Test func everyTagIsFoundByItsNameAndOnlyByIt() {
        func tag(_ name: String) -> HTMLFragment.Tag {
            Array(name.utf8).withUnsafeBufferPointer { HTMLFragment.Tag(name: $0) }
        }
        var names = 0
        for raw in UInt8(2)...HTMLFragment.Tag.annotation.rawValue {
            let expected = HTMLFragment.Tag(rawValue: raw)!
            let name = "\(expected)"
            #expect(tag(name) == expected, "\(name)")
            for near in [name + "x", String(name.dropLast()) + "_", name.uppercased(), "x" + name] {
                #expect(tag(near) == .other, "\(near)")
            }
            names += 1
        }
        #expect(names == 49)
        for other in ["", "h7", "annotations", "blockquotes", "tablex", "\u{0}p", "p\u{0}"] {
            #expect(tag(other) == .other, "\(other.debugDescription)")
        }
    }

    /// Fragments of every kind the tests above use, and some that leave a parse in an odd
    /// state (unclosed elements, an open comment or attribute, raw text, made-up tags).
    private static let assorted: [String] = [
        "<p>x &amp; <b>y</b> z</p>", "<p>a<!-- c -->b</p>", "<ul><li>a<li>b</ul>", "<p>a<p>b",
        "<title>t</title>", "<title>t</title></html><p>b</p>", "<!-- c --><title>t</title></html><p>b</p>",
        "<!DOCTYPE html><title>t</title></html><p>b</p>", "<div><table><tr><td>1<td>2</table>",
        "<p>open <b>bold <i>both", "<p>a <!-- never closed", "<a href=\"x", "<script>if (a < b) {</script>",
        "<pre><code>x\n\n  y</code></pre>", "<x-1>a</x-1><x-2 q=1>b</x-2>", "<p>段落 &amp; 粗</p>", "plain",
        "<html><body><p>z</p></body></html>", "<meta charset=\"iso-8859-1\"><p>é</p>",
    ]

    /// One parser kept for many fragments gives each the tree a parser of its own gives,
    /// whatever came before it, and also when its context is made afresh every few fragments
    /// or once its dictionary of names fills.
    @Test(arguments: [(10_000, 10_000), (3, 10_000), (10_000, 12), (1, 1)])
    func aReusedParserGivesWhatFreshParsersGive(_ uses: Int, _ names: Int) throws {
        let parser = HTMLParser(usesPerContext: uses, namesPerContext: names)
        let expected = try Self.assorted.map { html -> String in
            let f = try HTMLDocument.parse(html)
            return shape(f, f.topLevel)
        }
        for order in [
            Array(Self.assorted.indices), Self.assorted.indices.reversed(),
            Self.assorted.indices.map { $0 * 7 % Self.assorted.count },
        ] {
            for i in order {
                let f = try parser.parse(Self.assorted[i])
                #expect(shape(f, f.topLevel) == expected[i], "\(Self.assorted[i].debugDescription)")
            }
        }
    }

    /// The input is read as UTF-8 whatever the fragment declares, as `htmlReadMemory` with
    /// "UTF-8" reads it, also when a NUL in its first bytes looks like UTF-16 or UCS-4: the
    /// fragment holds the texts of the tree libxml2 builds.
    @Test(arguments: [
        #"<meta charset="iso-8859-1"><p>é</p>"#, #"<meta charset="KOI8-R"><p>é 中</p>"#,
        #"<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>é 中</p>"#,
        "<\u{0}?\u{0}<p>é</p>", "\u{0}<\u{0}<p>é</p>", "\u{0}\u{0}\u{0}<p>é</p>", "<p>\u{0}é</p>",
        "\u{FEFF}<p>é</p>", "<?xml version=\"1.0\"?><p>é</p>",
    ])
    func theInputIsReadAsUTF8(_ html: String) throws {
        let f = try HTMLDocument.parse(html)
        var ours: [UInt8] = []
        for n in f.nodes where n.tag == .text { ours += f.slice(n) }
        let theirs: String = html.withCString { c in
            let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue)
            guard let doc = htmlReadMemory(c, Int32(html.utf8.count), nil, "UTF-8", options) else { return "" }
            defer { xmlFreeDoc(doc) }
            guard let root = xmlDocGetRootElement(doc), let content = xmlNodeGetContent(root) else { return "" }
            defer { xmlFree(content) }
            return String(cString: content)
        }
        #expect(String(decoding: ours, as: UTF8.self) == theirs)
    }

    /// A fragment nested deeper than ``HTMLParser/maxDepth`` is refused with the reason (the
    /// walker would overflow a worker's stack on tens of thousands of levels); one at the limit
    /// is parsed and rendered, the deepest recursion per level (emphasis in emphasis) included.
    @Test func nestingIsBoundedWithAReason() throws {
        // The parser adds `html` and `body`: two levels above the fragment's own.
        let limit = HTMLParser.maxDepth - 2
        let atLimit = try HTMLDocument.parse(String(repeating: "<b>", count: limit) + "x")
        let marks = String(repeating: "**", count: limit)
        #expect(try MarkdownRenderer().render(atLimit) == marks + "x" + marks)
        for html in [
            String(repeating: "<b>", count: limit + 1) + "x", String(repeating: "<div>", count: 50_000),
            String(repeating: "<ul><li>", count: 400) + "<p>" + String(repeating: "x<br>", count: 1_000) + "</p>",
        ] {
            #expect(throws: NormalizeError.self) { try HTMLDocument.parse(html) }
            do {
                _ = try HTMLDocument.parse(html)
            } catch {
                #expect("\(error)".contains("nested"), "\(error)")
            }
        }
    }
}
