import CShims

/// Errors of the normalisation layer.
public enum NormalizeError: Error, Sendable, CustomStringConvertible, Equatable {
    case icuTransform(id: String, status: String)
    case dictionary(path: String, line: Int, reason: String)
    case resourceMissing(name: String)
    case html(reason: String)

    public var description: String {
        switch self {
        case .dictionary(let path, let line, let reason):
            return line > 0 ? "\(path):\(line): \(reason)." : "\(path): \(reason)."
        case .html(let reason):
            return "HTML could not be parsed: \(reason)."
        case .resourceMissing(let name):
            return "The built-in resource \(name) is missing from the installation; rebuild corpus-clean."
        case .icuTransform(let id, let status):
            return "ICU could not run the transform \"\(id)\" (\(status)); check the transform id."
        }
    }
}

/// An ICU transliterator (`utrans_openU`, `utrans_transUChars` through the CShims target):
/// the one Swift file that calls ICU.
///
/// Owns its ICU handle and closes it in `deinit`; not `Sendable`, so each worker opens its own.
/// The converter of a later stage compiles what it needs from this once; it is not meant for
/// the per-record hot path.
public final class ICUTransform {
    public let id: String

    /// The version of the system ICU the process runs with (`u_getVersion`), such as `72.1`.
    ///
    /// What ICU gives can change between its versions, so the steps that use it record it
    /// among their parameters (in the manifest, and in what `--resume` compares).
    public static let libraryVersion: String = {
        var text = [CChar](repeating: 0, count: 32)
        ccs_icu_version(&text, Int32(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// The rules of `id` in ICU's transliteration index, as ``init(id:registry:)`` compiles them.
    ///
    /// Their direction (`F` or `R`) and then the rules, UTF-16; `nil` when `id` is no such entry
    /// (it is then opened by id). Reading them costs no compile.
    public static func indexedRules(id: String) -> [UInt16]? {
        let length = ccs_transform_rules_indexed(id, nil, 0)
        guard length > 0 else { return nil }
        var units = [UInt16](repeating: 0, count: Int(length))
        guard ccs_transform_rules_indexed(id, &units, length) == length else { return nil }
        return units
    }

    /// Whether the transform was compiled from its rules in ICU's index (see ``init(id:registry:)``).
    public let compiledFromIndex: Bool
    private let handle: OpaquePointer

    /// Opens the transform `id`, such as `Traditional-Simplified`.
    ///
    /// A rule-based transform is compiled from its rules in ICU's transliteration index, which
    /// is a third of the cost of opening it by id (12 ms here): that builds ICU's registry of
    /// every transform first. `registry: true` opens it by id all the same (the two give the
    /// same transform; a test compares them on every code point).
    /// - Throws: ``NormalizeError/icuTransform(id:status:)`` with ICU's error name.
    public init(id: String, registry: Bool = false) throws {
        self.id = id
        if !registry, let h = ccs_transform_open_indexed(id) {
            handle = h
            compiledFromIndex = true
            return
        }
        var status: Int32 = 0
        guard let h = ccs_transform_open_registered(id, &status) else {
            throw NormalizeError.icuTransform(id: id, status: String(cString: ccs_error_name(status)))
        }
        handle = h
        compiledFromIndex = false
    }

    deinit { ccs_transform_close(handle) }

    /// The code points the transform may change (ICU's source set), as closed ranges.
    ///
    /// - Throws: ``NormalizeError/icuTransform(id:status:)`` when ICU fails.
    public func sourceRanges() throws -> [ClosedRange<UInt32>] {
        var status: Int32 = 0
        var capacity: Int32 = 4096
        while true {
            var ranges = [UInt32](repeating: 0, count: Int(capacity) * 2)
            let n = ccs_transform_source_ranges(handle, &ranges, capacity, &status)
            guard n >= 0 else {
                throw NormalizeError.icuTransform(id: id, status: String(cString: ccs_error_name(status)))
            }
            if n <= capacity {
                return (0..<Int(n)).map { ranges[2 * $0]...ranges[2 * $0 + 1] }
            }
            capacity = n
        }
    }

    /// `text` transformed.
    public func apply(_ text: String) throws -> String {
        var units = Array(text.utf16)
        let length = Int32(units.count)
        units.append(contentsOf: repeatElement(0, count: units.count + 16))
        var status: Int32 = 0
        let n = ccs_transform_apply(handle, &units, length, Int32(units.count), &status)
        guard n >= 0 else {
            throw NormalizeError.icuTransform(id: id, status: String(cString: ccs_error_name(status)))
        }
        return String(decoding: units[0..<Int(n)], as: UTF16.self)
    }
}
