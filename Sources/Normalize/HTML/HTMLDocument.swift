import CLibXML2

/// A node of parsed HTML: an element with its attributes and children, or text.
///
/// A small Swift tree, built once from libxml2's, so the markdown walker is plain Swift and
/// the C document is freed right after parsing.
public indirect enum HTMLNode: Sendable, Equatable {
    case element(HTMLElement)
    case text(String)
}

/// An HTML element: lower-case name, attributes, children.
///
/// From ``HTMLDocument/parse(_:)``, `attributes` holds only those the Markdown renderer reads
/// (``HTMLDocument/keptAttributes``): ChatGPT's HTML carries many more on every element (styles,
/// data attributes), and each would cost a dictionary entry and two strings.
public struct HTMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [HTMLNode]

    public init(name: String, attributes: [String: String] = [:], children: [HTMLNode] = []) {
        self.name = name
        self.attributes = attributes
        self.children = children
    }

    /// The `class` attribute's words.
    public var classes: [Substring] { attributes["class"]?.split(separator: " ") ?? [] }
}

/// Parses HTML fragments with libxml2's HTML parser (`htmlReadMemory`): the one Swift file that
/// calls libxml2.
///
/// The parser is lenient, as browsers are: unclosed tags, stray `<` and unknown elements all
/// give a tree. Entities are decoded. The fragment's top-level nodes are returned without the
/// `html`/`body` wrappers the parser adds.
public enum HTMLDocument {
    /// The top-level nodes of `html`.
    ///
    /// - Throws: ``NormalizeError/html(reason:)`` when libxml2 returns no document at all.
    public static func parse(_ html: String) throws -> [HTMLNode] {
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
        guard let doc else {
            if html.isEmpty { return [] }
            throw NormalizeError.html(reason: "libxml2 could not parse the fragment")
        }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return [] }
        // html > body > fragment (libxml2 adds the wrappers it needs).
        var top = convert(children: root.pointee.children)
        if case .element(let body)? = top.first(where: {
            if case .element(let e) = $0 { return e.name == "body" }; return false
        }) {
            top = body.children
        }
        return top
    }

    private static func convert(children first: xmlNodePtr?) -> [HTMLNode] {
        var out: [HTMLNode] = []
        var node = first
        while let n = node {
            switch n.pointee.type {
            case XML_ELEMENT_NODE:
                out.append(
                    .element(
                        HTMLElement(
                            // libxml2's HTML parser lower-cases element and attribute names.
                            name: String(cString: n.pointee.name), attributes: attributes(of: n),
                            children: convert(children: n.pointee.children))))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = n.pointee.content { out.append(.text(String(cString: content))) }
            default:
                break
            }
            node = n.pointee.next
        }
        return out
    }

    /// The attributes the Markdown renderer reads; the others are not copied out of libxml2.
    public static let keptAttributes: Set<String> = ["class", "start", "href", "alt", "src", "encoding"]

    private static func attributes(of node: xmlNodePtr) -> [String: String] {
        var result: [String: String] = [:]
        var attr = node.pointee.properties
        while let a = attr {
            let name = String(cString: a.pointee.name)
            if keptAttributes.contains(name), let value = xmlGetProp(node, a.pointee.name) {
                result[name] = String(cString: value)
                xmlFree(value)
            }
            attr = a.pointee.next
        }
        return result
    }
}
