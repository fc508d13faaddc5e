import CLibXML2
import Foundation

/// Parsed HTML: elements and texts in one array, their bytes in one buffer.
///
/// Built once from libxml2's tree, which is freed right after, so the Markdown walker is plain
/// Swift. A node is an index; elements know their tag (names the renderer treats alike share
/// one, everything else is ``Tag/other``), their first child and their next sibling. Texts and
/// names are byte ranges in one buffer, and only the attributes the renderer reads
/// (``Attribute``) are kept: ChatGPT's HTML carries many more on every element (styles, data
/// attributes), and each would cost a copy.
public struct HTMLFragment: Sendable {
    /// The element kinds the Markdown renderer tells apart; ``text`` marks a text node.
    public enum Tag: UInt8, Sendable {
        case text, other
        case p, div, section, article, main, body, html, header, footer, figure
        case h1, h2, h3, h4, h5, h6
        case ul, ol, li, pre, blockquote, table, thead, tbody, tfoot, tr, td, th, hr
        case span, script, style, button, svg, template
        case strong, b, em, i, del, s, strike, code, a, img, br, sup, sub, annotation

        private static let byName: [String: Tag] = {
            var d: [String: Tag] = [:]
            for raw in UInt8(2)...Tag.annotation.rawValue {
                let tag = Tag(rawValue: raw)!
                d["\(tag)"] = tag
            }
            return d
        }()

        /// The tag of a lower-case element name (libxml2's HTML parser lower-cases them).
        init(name: UnsafeBufferPointer<UInt8>) {
            // No known name is longer than ten bytes; the others need no lookup.
            guard name.count <= 10 else {
                self = .other
                return
            }
            self = Self.byName[String(decoding: name, as: UTF8.self)] ?? .other
        }
    }

    /// The attributes the renderer reads; the others are not copied out of libxml2.
    public enum Attribute: UInt8, Sendable, CaseIterable {
        case `class`, start, href, alt, src, encoding
    }

    struct Node: Sendable {
        var tag: Tag
        var firstChild: Int32 = -1
        var next: Int32 = -1
        /// A text's bytes, or an element's name.
        var start: Int32 = 0
        var count: Int32 = 0
        /// This element's attributes: `attributes[firstAttribute ..< firstAttribute + attributeCount]`.
        var firstAttribute: Int32 = 0
        var attributeCount: Int32 = 0
    }

    struct AttributeValue: Sendable {
        var key: Attribute
        var start: Int32
        var count: Int32
    }

    var nodes: [Node] = []
    var bytes: [UInt8] = []
    var attributes: [AttributeValue] = []
    /// The first top-level node, or -1.
    var first: Int32 = -1

    // MARK: Reading

    /// The top-level nodes, in order.
    public var topLevel: [Int] { siblings(from: first) }

    /// The children of element `node`, in order.
    public func children(of node: Int) -> [Int] { siblings(from: nodes[node].firstChild) }

    /// The tag of `node` (``Tag/text`` for a text).
    public func tag(of node: Int) -> Tag { nodes[node].tag }

    /// The lower-case name of element `node`; `nil` for a text.
    public func name(of node: Int) -> String? {
        nodes[node].tag == .text ? nil : String(decoding: slice(nodes[node]), as: UTF8.self)
    }

    /// The text of text node `node`; `nil` for an element.
    public func text(of node: Int) -> String? {
        nodes[node].tag == .text ? String(decoding: slice(nodes[node]), as: UTF8.self) : nil
    }

    /// The kept attributes of element `node`.
    public func attributes(of node: Int) -> [Attribute: String] {
        var result: [Attribute: String] = [:]
        let n = nodes[node]
        for a in attributes[Int(n.firstAttribute)..<Int(n.firstAttribute + n.attributeCount)] {
            result[a.key] = String(decoding: bytes[Int(a.start)..<Int(a.start + a.count)], as: UTF8.self)
        }
        return result
    }

    func siblings(from first: Int32) -> [Int] {
        var out: [Int] = []
        var i = first
        while i >= 0 {
            out.append(Int(i))
            i = nodes[Int(i)].next
        }
        return out
    }

    func slice(_ n: Node) -> ArraySlice<UInt8> { bytes[Int(n.start)..<Int(n.start + n.count)] }

    /// The value of `key` on element `node` (the last one, should it be repeated), or `nil`.
    func attribute(_ key: Attribute, of node: Int32) -> ArraySlice<UInt8>? {
        let n = nodes[Int(node)]
        var i = Int(n.firstAttribute + n.attributeCount) - 1
        while i >= Int(n.firstAttribute) {
            let a = attributes[i]
            if a.key == key { return bytes[Int(a.start)..<Int(a.start + a.count)] }
            i -= 1
        }
        return nil
    }

    /// Whether element `node`'s `class` attribute has the word `word`.
    func hasClass(_ word: StaticString, _ node: Int32) -> Bool {
        guard let value = attribute(.class, of: node) else { return false }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        return value.split(separator: 0x20).contains { $0.elementsEqual(w) }
    }

    // MARK: Building from libxml2

    /// Appends the nodes of libxml2's sibling list from `first`, returning the index of the
    /// first one appended (-1 for none).
    mutating func append(siblings first: xmlNodePtr?) -> Int32 {
        var head: Int32 = -1
        var previous: Int32 = -1
        var node = first
        while let n = node {
            node = n.pointee.next
            let index = Int32(nodes.count)
            switch n.pointee.type {
            case XML_ELEMENT_NODE:
                let name = Self.buffer(n.pointee.name)
                let start = Int32(bytes.count)
                bytes.append(contentsOf: name)
                nodes.append(
                    Node(
                        tag: Tag(name: name), start: start, count: Int32(name.count),
                        firstAttribute: Int32(attributes.count)))
                appendAttributes(of: n, index: Int(index))
                let child = append(siblings: n.pointee.children)
                nodes[Int(index)].firstChild = child
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                guard let content = n.pointee.content else { continue }
                let text = Self.buffer(content)
                nodes.append(Node(tag: .text, start: Int32(bytes.count), count: Int32(text.count)))
                bytes.append(contentsOf: text)
            default:
                continue
            }
            if previous >= 0 { nodes[Int(previous)].next = index } else { head = index }
            previous = index
        }
        return head
    }

    private static let keptNames: [(Attribute, [UInt8])] = Attribute.allCases.map { ($0, Array("\($0)".utf8)) }

    private mutating func appendAttributes(of element: xmlNodePtr, index: Int) {
        var attr = element.pointee.properties
        while let a = attr {
            attr = a.pointee.next
            let name = Self.buffer(a.pointee.name)
            guard let key = Self.keptNames.first(where: { $0.1.elementsEqual(name) })?.0 else { continue }
            let start = Int32(bytes.count)
            // The parser leaves an HTML attribute's value as text children (entities decoded);
            // anything else is read through libxml2's own accessor.
            var child = a.pointee.children
            var plain = true
            while let c = child, plain {
                if c.pointee.type == XML_TEXT_NODE, let content = c.pointee.content {
                    bytes.append(contentsOf: Self.buffer(content))
                } else {
                    plain = false
                }
                child = c.pointee.next
            }
            if !plain {
                bytes.removeSubrange(Int(start)...)
                guard let value = xmlGetProp(element, a.pointee.name) else { continue }
                bytes.append(contentsOf: Self.buffer(value))
                xmlFree(value)
            }
            attributes.append(AttributeValue(key: key, start: start, count: Int32(bytes.count) - start))
            nodes[index].attributeCount += 1
        }
    }

    private static func buffer(_ s: UnsafePointer<xmlChar>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: s, count: strlen(UnsafeRawPointer(s).assumingMemoryBound(to: CChar.self)))
    }
}

/// Parses HTML fragments with libxml2's HTML parser (`htmlReadMemory`): the one Swift file that
/// calls libxml2.
///
/// The parser is lenient, as browsers are: unclosed tags, stray `<` and unknown elements all
/// give a tree. Entities are decoded. The fragment's top-level nodes are those inside the
/// `body` the parser adds (or inside `html` when there is no `body`).
public enum HTMLDocument {
    /// The parsed fragment `html`.
    ///
    /// - Throws: ``NormalizeError/html(reason:)`` when libxml2 returns no document at all.
    public static func parse(_ html: String) throws -> HTMLFragment {
        var html = html
        // No default DOCTYPE node (nothing reads it) and short texts stored in their nodes: less
        // to allocate and free per fragment, the same tree.
        let options = Int32(
            HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
                | HTML_PARSE_NODEFDTD.rawValue | HTML_PARSE_COMPACT.rawValue)
        let doc: htmlDocPtr? = html.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                htmlReadMemory(chars.baseAddress, Int32(chars.count), nil, "UTF-8", options)
            }
        }
        var fragment = HTMLFragment()
        guard let doc else {
            if html.isEmpty { return fragment }
            throw NormalizeError.html(reason: "libxml2 could not parse the fragment")
        }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return fragment }
        // html > body > fragment (libxml2 adds the wrappers it needs).
        var top = root.pointee.children
        var node = top
        while let n = node {
            if n.pointee.type == XML_ELEMENT_NODE, Self.isBody(n.pointee.name) {
                top = n.pointee.children
                break
            }
            node = n.pointee.next
        }
        fragment.first = fragment.append(siblings: top)
        return fragment
    }

    private static func isBody(_ name: UnsafePointer<xmlChar>) -> Bool {
        name[0] == 0x62 && name[1] == 0x6F && name[2] == 0x64 && name[3] == 0x79 && name[4] == 0
    }
}
