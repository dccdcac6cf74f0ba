// Without libFuzzer (a normal build), this target replays the files named on its command line, so that a
// finding can be reproduced and debugged. The fuzzing build (-DFUZZING) leaves main to libFuzzer.
#if !FUZZING
    import CaecFuzzing
    import Foundation

    @main
    struct ReplayContainer {
        static func main() {
            let codec = FuzzModel.load()
            for path in CommandLine.arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                    exit(2)
                }
                FuzzTargets.container(Array(data), codec: codec)
                print("ok \(path)")
            }
        }
    }
#endif
