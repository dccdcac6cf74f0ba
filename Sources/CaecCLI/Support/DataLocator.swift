import CaecCore
import CaecTrain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds CIFAR-10 and the shipped model weights without the user having to say where they are.
enum DataLocator {
    /// `--data` if given, else `$CAEC_DATA`, else `../shared/data/cifar-10-batches-bin` from the working directory.
    static func cifarDirectory(_ option: String?) throws(CLIFailure) -> String {
        if let option { return option }
        if let env = getenv("CAEC_DATA").map({ String(cString: $0) }), !env.isEmpty { return env }
        for candidate in ["../shared/data/cifar-10-batches-bin", "shared/data/cifar-10-batches-bin"]
        where isDirectory(candidate) {
            return candidate
        }
        throw CLIFailure(
            .missingInput, path: nil,
            "CIFAR-10 not found: pass --data DIR (the folder with data_batch_1.bin ... test_batch.bin) or set CAEC_DATA"
        )
    }

    /// Reads and parses the CIFAR-10 batch files `names` from `directory`.
    static func loadCIFAR(_ directory: String, files names: [String]) throws(CLIFailure) -> CIFAR10.Batch {
        var all: CIFAR10.Batch?
        for name in names {
            let path = directory + "/" + name
            let bytes = try FileInput.read(path)
            do {
                let batch = try CIFAR10.Batch(parsing: bytes)
                if all == nil { all = batch } else { all!.append(batch) }
            } catch {
                throw CLIFailure(.badInput, path: path, error.description)
            }
        }
        return all!
    }

    /// The folder holding `<model-id>.caew` files: `--models` if given, else `$CAEC_MODELS`, else a `Models`
    /// folder beside or above the executable (a build folder inside the repository), else `./Models`.
    static func modelsDirectory(_ option: String?) -> String {
        if let option { return option }
        if let env = getenv("CAEC_MODELS").map({ String(cString: $0) }), !env.isEmpty { return env }
        var directory = executableDirectory()
        for _ in 0..<5 {
            for candidate in [directory + "/Models", directory + "/share/caec/Models"] where isDirectory(candidate) {
                return candidate
            }
            directory = SafeOutput.directory(of: directory)
        }
        return "Models"
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func executableDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "." }
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return SafeOutput.directory(of: path)
    }
}
