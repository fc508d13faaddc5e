@testable import Normalize
import Testing

/// The fragment built from libxml2's parse events has the shape of the tree libxml2 itself
/// builds (each expectation below is what `htmlReadMemory`'s tree holds for the input).
@Suite struct HTMLDocumentTests {
    /// Each node as `tag(children)` or `"text"`.
    private func shape(_ f: HTMLFragment, _ nodes: [Int]) -> String {
        nodes.map { n in
            if let t = f.text(of: n) { return t.debugDescription }
            return f.name(of: n)! + "(" + shape(f, f.children(of: n)) + ")"
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
}
