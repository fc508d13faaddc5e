import CLibXML2
import Formats
import Foundation

/// Parsed HTML: elements and texts in one array, their bytes in one buffer.
///
/// Built from libxml2's parse events (libxml2 itself builds no tree), so the Markdown walker is
/// plain Swift. A node is an index; elements know their tag (names the renderer treats alike share
/// one, everything else is ``Tag/other``), their first child and their next sibling. Texts and
/// names are byte ranges in one buffer, and only the attributes the renderer reads
/// (``Attribute``) are kept: ChatGPT's HTML carries many more on every element (styles, data
/// attributes), and each would cost a copy.
public struct HTMLFragment: Sendable {
    /// The element kinds the Markdown renderer tells apart; ``text`` marks a text node.
    public enum Tag: UInt8, Sendable, CaseIterable {
        case text, other
        case p, div, section, article, main, body, html, header, footer, figure
        case h1, h2, h3, h4, h5, h6
        case ul, ol, li, pre, blockquote, table, thead, tbody, tfoot, tr, td, th, hr
        case span, script, style, button, svg, template
        case strong, b, em, i, del, s, strike, code, a, img, br, sup, sub, annotation

        /// Every known name (at most ten bytes) packed into two words, its bytes in order and zero
        /// padded, with its length in the last byte, in an open-addressed table of 256 slots: a
        /// name's tag is a hash of its first word and a comparison or two, with no string made or
        /// hashed per element.
        ///
        /// An empty slot has the key (0, 0), which no name has (its length byte is at least 1).
        private static let slots: [(key0: UInt64, key1: UInt64, tag: Tag)] = {
            var table = [(key0: UInt64, key1: UInt64, tag: Tag)](repeating: (0, 0, .other), count: 256)
            for tag in Tag.allCases where tag != .text && tag != .other {
                let name = Array("\(tag)".utf8)
                let (k0, k1) = name.withUnsafeBufferPointer { key($0) }
                var i = slot(k0)
                while table[i].key1 != 0 { i = (i + 1) & 255 }
                table[i] = (k0, k1, tag)
            }
            return table
        }()

        @inline(__always) private static func slot(_ key0: UInt64) -> Int {
            Int(truncatingIfNeeded: (key0 &* 0x9E37_79B9_7F4A_7C15) >> 56)
        }

        /// The two words of a name of one to ten bytes: its bytes copied in (so the length
        /// byte stays clear), then the length in the last byte; the same on every target, since
        /// lookups and table use this one.
        @inline(__always) private static func key(_ name: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
            var words: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &words) { w in
                UnsafeMutableRawBufferPointer(rebasing: w[0..<name.count]).copyMemory(
                    from: UnsafeRawBufferPointer(name))
                w[15] = UInt8(name.count)
            }
            return words
        }

        /// The tag of a lower-case element name (libxml2's HTML parser lower-cases them).
        init(name: UnsafeBufferPointer<UInt8>) {
            // No known name is longer than ten bytes; the others need no lookup.
            guard name.count <= 10, !name.isEmpty else {
                self = .other
                return
            }
            let (k0, k1) = Self.key(name)
            self = Self.slots.withUnsafeBufferPointer { table in
                var i = Self.slot(k0)
                while true {
                    let entry = table[i]
                    if entry.key0 == k0 && entry.key1 == k1 { return entry.tag }
                    if entry.key1 == 0 { return .other }
                    i = (i + 1) & 255
                }
            }
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
        return value.withUnsafeBufferPointer { v in
            // The words between spaces, in place.
            var i = 0
            while i < v.count {
                while i < v.count, v[i] == 0x20 { i += 1 }
                var j = i
                while j < v.count, v[j] != 0x20 { j += 1 }
                if j > i, ByteScan.equal(UnsafeBufferPointer(rebasing: v[i..<j]), word) { return true }
                i = j
            }
            return false
        }
    }

    // MARK: Building from libxml2

    /// Appends an element with its kept attributes (libxml2's name/value pairs), unlinked.
    mutating func startElement(
        _ rawName: UnsafePointer<xmlChar>, _ pairs: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) -> Int32 {
        let index = Int32(nodes.count)
        let name = Self.buffer(rawName)
        let start = Int32(bytes.count)
        bytes.append(contentsOf: name)
        nodes.append(
            Node(tag: Tag(name: name), start: start, count: Int32(name.count), firstAttribute: Int32(attributes.count)))
        guard let pairs else { return index }
        var k = 0
        while let attributeName = pairs[k] {
            defer { k += 2 }
            let key = Self.buffer(attributeName)
            guard
                let kept = Self.keptNames.first(where: { k in k.1.withUnsafeBufferPointer { ByteScan.equal($0, key) } }
                )?.0
            else { continue }
            let valueStart = Int32(bytes.count)
            // A value-less attribute reads as empty.
            if let value = pairs[k + 1] { bytes.append(contentsOf: Self.buffer(value)) }
            attributes.append(AttributeValue(key: kept, start: valueStart, count: Int32(bytes.count) - valueStart))
            nodes[Int(index)].attributeCount += 1
        }
        return index
    }

    private static let keptNames: [(Attribute, [UInt8])] = Attribute.allCases.map { ($0, Array("\($0)".utf8)) }

    private static func buffer(_ s: UnsafePointer<xmlChar>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: s, count: strlen(UnsafeRawPointer(s).assumingMemoryBound(to: CChar.self)))
    }
}

/// Parses HTML fragments with libxml2's HTML parser: the one Swift file that calls libxml2.
///
/// The parser is lenient, as browsers are: unclosed tags, stray `<` and unknown elements all
/// give a tree. Entities are decoded. The fragment's top-level nodes are those inside the
/// `body` the parser adds (or inside `html` when there is no `body`).
public enum HTMLDocument {
    /// The parsed fragment `html`, with a parser of its own (``HTMLParser`` keeps one for many
    /// fragments).
    ///
    /// - Throws: ``NormalizeError/html(reason:)`` when libxml2 cannot set up the parse.
    public static func parse(_ html: String) throws -> HTMLFragment {
        try HTMLParser().parse(html)
    }

    /// The version of the system libxml2 the process runs with, such as `2.9.14` (from its
    /// parser version, `20914`).
    ///
    /// How libxml2 parses broken HTML can change between its versions, so the step that uses it
    /// records it among its parameters (in the manifest, and in what `--resume` compares).
    public static let libraryVersion: String = {
        guard let p = __xmlParserVersion()?.pointee, let n = Int(String(cString: p)) else { return "unknown" }
        return "\(n / 10000).\(n / 100 % 100).\(n % 100)"
    }()
}

/// A libxml2 HTML parser kept for many fragments, one after another: its parser context (with the
/// dictionary of names and the stacks it grows) is made once and reset between fragments, as
/// `htmlCtxtReadMemory` resets it, rather than made and freed for each one.
///
/// Not for two threads at once: each worker's copy of a step has its own.
///
/// libxml2's HTML parser reports what it reads (elements opened and closed, texts) to callbacks
/// that build the fragment directly: libxml2 builds no tree of its own. The parser decides
/// every implied and auto-closed element, as it does when it builds a tree; the callbacks join
/// adjacent texts and place elements as its tree builder would. What a fragment gives does not
/// depend on the fragments parsed before it (the reset clears all parse state; tests compare
/// a reused parser with fresh ones).
public final class HTMLParser {
    private var context: htmlParserCtxtPtr?
    /// Fragments parsed with the current context.
    private var uses = 0
    /// The stack of open elements, kept empty between fragments for its room.
    private var openElements: [SAXBuilder.Open] = []

    /// The deepest nesting of elements a fragment may have (the `html` and `body` the parser
    /// adds count as two).
    ///
    /// ChatGPT's answers nest a dozen or two deep. The Markdown walker recurses once per level,
    /// on a worker thread's stack (tens of thousands of levels overflowed it and ended the whole
    /// run), and a list or quote copies what it holds once per level (250 KB of lines 400 lists
    /// deep took 30 s and 8 GB). A deeper fragment is refused with
    /// ``NormalizeError/html(reason:)``.
    public static let maxDepth = 64

    /// A context is made afresh after `usesPerContext` fragments, or once its dictionary holds
    /// `namesPerContext` names (element and attribute names: fragments full of made-up tags
    /// would otherwise grow it without end).
    let usesPerContext: Int
    let namesPerContext: Int

    public convenience init() { self.init(usesPerContext: 10_000, namesPerContext: 10_000) }

    init(usesPerContext: Int, namesPerContext: Int) {
        self.usesPerContext = max(1, usesPerContext)
        self.namesPerContext = namesPerContext
    }

    deinit {
        if let context { htmlFreeParserCtxt(context) }
    }

    /// The parsed fragment `html`.
    ///
    /// - Throws: ``NormalizeError/html(reason:)`` when libxml2 cannot set up the parse.
    public func parse(_ html: String) throws -> HTMLFragment {
        var html = html
        guard !html.isEmpty else { return HTMLFragment() }
        return try html.withUTF8 { try parse(bytes: $0) }
    }

    private func parse(bytes: UnsafeBufferPointer<UInt8>) throws -> HTMLFragment {
        let ctxt = try readyContext()
        // The input holds a copy of the bytes: libxml2 2.9 cannot read a buffer in place (its
        // look-back after a shrink goes wrong on one), and needs a NUL after them.
        let created = bytes.withMemoryRebound(to: CChar.self) {
            xmlParserInputBufferCreateMem($0.baseAddress, Int32($0.count), XML_CHAR_ENCODING_NONE)
        }
        guard let buffer = created else { throw NormalizeError.html(reason: "libxml2 could not parse the fragment") }
        guard let stream = xmlNewIOInputStream(ctxt, buffer, XML_CHAR_ENCODING_NONE) else {
            xmlFreeParserInputBuffer(buffer)
            throw NormalizeError.html(reason: "libxml2 could not parse the fragment")
        }
        inputPush(ctxt, stream)
        // The options htmlReadMemory is given here: errors and warnings off, no network.
        htmlCtxtUseOptions(
            ctxt,
            Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue))
        ctxt.pointee.html = 1
        // The bytes are UTF-8 (a Swift string's), and are read as they are. An encoding
        // name on the input keeps a <meta charset> from switching the parse to another
        // encoding, as htmlReadMemory's "UTF-8" does; the encoding switch htmlReadMemory
        // makes as well would only copy the fragment into a second buffer. Only a
        // fragment whose first four bytes hold a NUL takes that switch: libxml2 guesses
        // UTF-16 or UCS-4 from such a start, and the converter in place keeps it from
        // reading the bytes so.
        if bytes.prefix(4).contains(0),
            let handler = xmlFindCharEncodingHandler("UTF-8")
        {
            xmlSwitchToEncoding(ctxt, handler)
        }
        ctxt.pointee.charset = Int32(XML_CHAR_ENCODING_UTF8.rawValue)
        if let old = stream.pointee.encoding { xmlFree(UnsafeMutableRawPointer(mutating: old)) }
        stream.pointee.encoding = "UTF-8".withCString {
            UnsafePointer(xmlStrdup(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)))
        }
        // A memory input has nothing more to read. Left in place, a read callback makes
        // every look-ahead within 250 bytes of the end (most of a short fragment) ask the
        // input buffer to grow and come back with nothing.
        stream.pointee.buf?.pointee.readcallback = nil
        var builder = SAXBuilder()
        swap(&builder.open, &openElements)
        defer {
            swap(&builder.open, &openElements)
            openElements.removeAll(keepingCapacity: true)
        }
        // Room for what a fragment of this size usually holds (its texts and kept attribute
        // values are at most its bytes; ChatGPT's HTML has an element every few dozen
        // bytes), so the arrays rarely grow during the parse.
        builder.fragment.bytes.reserveCapacity(bytes.count)
        builder.fragment.nodes.reserveCapacity(bytes.count / 32 + 8)
        builder.fragment.attributes.reserveCapacity(bytes.count / 64 + 4)
        withUnsafeMutablePointer(to: &builder) { b in
            ctxt.pointee.userData = UnsafeMutableRawPointer(b)
            htmlParseDocument(ctxt)
            ctxt.pointee.userData = UnsafeMutableRawPointer(ctxt)
        }
        // The input is freed now, not at the next reset.
        htmlCtxtReset(ctxt)
        guard builder.depth <= Self.maxDepth else {
            throw NormalizeError.html(
                reason: "elements are nested \(builder.depth) deep, more than the \(Self.maxDepth) rendered")
        }
        return builder.finished()
    }

    /// The context for the next fragment: the current one, reset, or a new one.
    private func readyContext() throws -> htmlParserCtxtPtr {
        if let ctxt = context {
            if uses < usesPerContext, xmlDictSize(ctxt.pointee.dict) < namesPerContext {
                uses += 1
                return ctxt
            }
            htmlFreeParserCtxt(ctxt)
            context = nil
        }
        guard let ctxt = htmlNewParserCtxt(), let sax = ctxt.pointee.sax else {
            throw NormalizeError.html(reason: "libxml2 could not parse the fragment")
        }
        sax.pointee = htmlSAXHandler()
        sax.pointee.startElement = { context, name, attributes in
            guard let context, let name else { return }
            context.assumingMemoryBound(to: SAXBuilder.self).pointee.start(name, attributes)
        }
        sax.pointee.endElement = { context, _ in
            context?.assumingMemoryBound(to: SAXBuilder.self).pointee.end()
        }
        let text: charactersSAXFunc = { context, bytes, count in
            guard let context, let bytes else { return }
            context.assumingMemoryBound(to: SAXBuilder.self).pointee.text(bytes, Int(count))
        }
        sax.pointee.characters = text
        sax.pointee.cdataBlock = text
        // Comments and processing instructions are nodes in libxml2's tree: the texts on either
        // side of one stay two texts.
        sax.pointee.comment = { context, _ in
            context?.assumingMemoryBound(to: SAXBuilder.self).pointee.breakText()
        }
        sax.pointee.processingInstruction = { context, _, _ in
            context?.assumingMemoryBound(to: SAXBuilder.self).pointee.breakText()
        }
        sax.pointee.internalSubset = { context, _, _, _ in
            context?.assumingMemoryBound(to: SAXBuilder.self).pointee.doctype()
        }
        context = ctxt
        uses = 1
        return ctxt
    }
}

/// Builds an ``HTMLFragment`` from libxml2's parse events, placing each node where libxml2's own
/// tree builder would put it.
private struct SAXBuilder {
    var fragment = HTMLFragment()
    /// The open elements, innermost last, with the last child of each and whether more text
    /// joins that child (it is a text, and nothing libxml2 keeps came after it).
    typealias Open = (element: Int32, last: Int32, joinsText: Bool)
    var open: [Open] = []
    /// The document's root element (the first one opened), and whether another node (a
    /// DOCTYPE, or a comment before the root) comes before it among the document's children.
    var root: Int32 = -1
    var rootNotFirst = false
    /// The deepest nesting of elements seen.
    var depth = 0

    mutating func start(_ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        let index = fragment.startElement(name, attributes)
        if !open.isEmpty {
            adopt(index)
        } else if root < 0 {
            root = index
        } else if !rootNotFirst {
            // An element opened at the top level after the root closed: libxml2 adds it to the
            // document's first child, the root.
            var last = fragment.nodes[Int(root)].firstChild
            if last < 0 {
                fragment.nodes[Int(root)].firstChild = index
            } else {
                while fragment.nodes[Int(last)].next >= 0 { last = fragment.nodes[Int(last)].next }
                fragment.nodes[Int(last)].next = index
            }
        }
        // (Otherwise libxml2 makes it a sibling of that first node: outside the fragment.)
        open.append((index, -1, false))
        depth = max(depth, open.count)
    }

    mutating func end() {
        if !open.isEmpty { open.removeLast() }
    }

    mutating func text(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
        // Text outside any element is dropped, as libxml2's tree builder drops it.
        guard let top = open.last else { return }
        let chunk = UnsafeBufferPointer(start: bytes, count: count)
        if top.joinsText {
            fragment.bytes.append(contentsOf: chunk)
            fragment.nodes[Int(top.last)].count += Int32(count)
            return
        }
        let index = Int32(fragment.nodes.count)
        fragment.nodes.append(HTMLFragment.Node(tag: .text, start: Int32(fragment.bytes.count), count: Int32(count)))
        fragment.bytes.append(contentsOf: chunk)
        adopt(index)
        open[open.count - 1].joinsText = true
    }

    mutating func breakText() {
        if !open.isEmpty {
            open[open.count - 1].joinsText = false
        } else if root < 0 {
            // A comment before the root is the document's first child.
            rootNotFirst = true
        }
    }

    mutating func doctype() {
        // libxml2 puts the DOCTYPE node first among the document's children.
        rootNotFirst = true
    }

    private mutating func adopt(_ index: Int32) {
        let k = open.count - 1
        if open[k].last >= 0 {
            fragment.nodes[Int(open[k].last)].next = index
        } else {
            fragment.nodes[Int(open[k].element)].firstChild = index
        }
        open[k].last = index
        open[k].joinsText = false
    }

    /// The fragment: the children of the root's `body` (or of the root when it has none).
    func finished() -> HTMLFragment {
        var f = fragment
        guard root >= 0 else { return f }
        var top = f.nodes[Int(root)].firstChild
        var i = top
        while i >= 0 {
            if f.nodes[Int(i)].tag == .body {
                top = f.nodes[Int(i)].firstChild
                break
            }
            i = f.nodes[Int(i)].next
        }
        f.first = top
        return f
    }
}
