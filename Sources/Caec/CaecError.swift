/// The one error the codec library throws: a code to switch on and a one-line message.
///
/// Codes are an open set (new ones may appear in later versions), so switch with a `default` case.
public struct CaecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The bytes are not a valid `.cae` file: truncated, corrupt, bad checksum, trailing data.
        public static let invalidFile = Code("invalidFile")
        /// The file needs a newer caec (newer major version).
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The file names a model this library does not have, or other weights than the ones loaded.
        public static let modelMismatch = Code("modelMismatch")
        /// The image or latent exceeds the configured limits.
        public static let tooLarge = Code("tooLarge")
        /// Model weights are corrupt, incomplete or lack the codec's tables, or a weights file exists but cannot be
        /// read.
        public static let invalidModel = Code("invalidModel")
        /// No weights file for the model was found in any folder searched (`CaecCodec(modelID:searchPaths:)`); the
        /// message lists the paths tried.
        public static let modelNotFound = Code("modelNotFound")
        /// The arguments are outside what the model supports (e.g. an unknown quality).
        public static let invalidArgument = Code("invalidArgument")
    }

    public let code: Code
    /// One line, lower case, without a file name.
    public let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
