import Caec
import Foundation

/// What a fuzz target's normal (non-libFuzzer) build runs: each file named on the command line through `target`,
/// so that a finding can be reproduced and debugged.
package enum FuzzReplay {
    package static func main(_ target: ([UInt8], CaecCodec) -> Void) {
        let codec = FuzzModel.load()
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(2)
            }
            target(Array(data), codec)
            print("ok \(path)")
        }
    }

    /// As `main(_:)`, for a target that needs no codec.
    package static func main(_ target: ([UInt8]) -> [String]) {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(2)
            }
            let stages = target(Array(data))
            print("ok \(path)" + (stages.isEmpty ? "" : ": " + stages.joined(separator: ", ")))
        }
    }
}
