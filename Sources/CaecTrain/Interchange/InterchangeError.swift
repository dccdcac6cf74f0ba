import CaecModel

/// Why a safetensors interchange file cannot be imported, or a model exported (Spec/safetensors.md §5). `path`
/// names the file at fault when there are several.
package struct InterchangeError: Error, Equatable, CustomStringConvertible {
    package enum Kind: Equatable, Sendable {
        /// The bytes are not a well-formed safetensors file (truncated, bad JSON, bad offsets...).
        case malformed
        /// A well-formed file that is not a usable model: wrong architecture, missing or extra keys, wrong shapes,
        /// non-finite values, widths that differ between checkpoints.
        case badModel
    }

    package let kind: Kind
    /// The file at fault, if known.
    package let path: String?
    package let reason: String

    package init(_ kind: Kind, path: String?, _ reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    package var description: String { path.map { "\($0): \(reason)" } ?? reason }
}
