/// Why a tokenizer file could not be loaded or used.
///
/// Each case names the file and what was expected, so a user can fix the file or pick another.
public enum TokenizerError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file is not a tokenizer.json: a key is missing or has the wrong type.
    case invalidFile(path: String, reason: String)
    /// The file uses a component corpus-clean does not implement (its counts would be wrong).
    case unsupported(path: String, component: String)
    /// A pre-tokenizer's regular expression does not compile.
    case invalidRegex(pattern: String, status: String, offset: Int)
    /// ICU failed while normalizing or matching text.
    case icu(operation: String, status: String)

    public var description: String {
        switch self {
        case .invalidFile(let path, let reason):
            return "\(path) is not a Hugging Face tokenizer.json: \(reason)."
        case .unsupported(let path, let component):
            return "\(path) uses \(component), which corpus-clean does not implement; "
                + "its token counts would not match the tokenizers library."
        case .invalidRegex(let pattern, let status, let offset):
            return "The pre-tokenizer pattern \(pattern) does not compile (\(status) at offset \(offset))."
        case .icu(let operation, let status):
            return "ICU failed while \(operation) (\(status))."
        }
    }
}
