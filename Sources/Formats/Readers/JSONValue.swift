/// One parsed JSON record, for the record decoders (BELLE, ShareGPT).
///
/// Cheaper than the `[String: Any]` tree of ``JSONDocument``: an object is its members in
/// order (a record has a handful, so a lookup scans them instead of hashing every key), and a
/// string is a case of its own instead of a dynamic cast. A number is an integer when it has
/// no fraction or exponent and fits an `Int`, as in ``JSONDocument``.
public enum JSONValue {
    case string(String)
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case null

    /// The member named `key` of an object (the last one, when a key repeats, as a dictionary
    /// built from the record would hold); `nil` for a missing key or a value that is not an
    /// object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        var i = members.count
        while i > 0 {
            i -= 1
            if members[i].key == key { return members[i].value }
        }
        return nil
    }

    /// The string, when the value is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The items, when the value is an array.
    public var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// Whether the value is an object.
    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// An object's distinct keys, sorted.
    public var keys: [String] {
        guard case .object(let members) = self else { return [] }
        return Set(members.map(\.key)).sorted()
    }
}
