import Foundation
import Testing

/// Golden files under `Samples/` of the repository.
///
/// A missing golden is a test failure, unless `CAEC_RECORD_GOLDENS=1` is set, in which case the test writes it
/// (and still fails, so that a recording run is never mistaken for a passing one).
public enum Golden {
    /// The repository root, found from this source file's location.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized

    public static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    public static var isRecording: Bool { ProcessInfo.processInfo.environment["CAEC_RECORD_GOLDENS"] == "1" }

    /// The golden bytes at `relativePath`, or nil after recording `actual` there (recording mode) or reporting a
    /// missing golden.
    public static func bytes(
        _ relativePath: String, recording actual: @autoclosure () -> [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [UInt8]? {
        let url = url(relativePath)
        if let data = FileManager.default.contents(atPath: url.path), !isRecording { return Array(data) }
        if isRecording {
            try? FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: url.path, contents: Data(actual()))
            Issue.record(
                "recorded golden \(relativePath); run again without CAEC_RECORD_GOLDENS", sourceLocation: sourceLocation
            )
        } else {
            Issue.record(
                "missing golden \(relativePath) (record with CAEC_RECORD_GOLDENS=1)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// A file of the repository that must exist (a fixture or shipped weights).
    public static func required(_ relativePath: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url(relativePath).path) else {
            throw MissingFile(path: relativePath)
        }
        return Array(data)
    }

    public struct MissingFile: Error, CustomStringConvertible {
        public let path: String
        public init(path: String) { self.path = path }
        public var description: String { "missing repository file \(path)" }
    }
}
