import CaecCore
import CaecTrain

/// Finds CIFAR-10 and the shipped model weights without the user having to say where they are.
enum DataLocator {
    /// `--data` if given, else `$CAEC_DATA`, else `../shared/data/cifar-10-batches-bin` from the working directory.
    static func cifarDirectory(_ option: String?) throws(CLIFailure) -> String {
        if let option { return option }
        if let env = POSIX.environment("CAEC_DATA") { return env }
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
        if let env = POSIX.environment("CAEC_MODELS") { return env }
        var directory = executableDirectory()
        for _ in 0..<5 {
            for candidate in [directory + "/Models", directory + "/share/caec/Models"] where isDirectory(candidate) {
                return candidate
            }
            directory = SafeOutput.directory(of: directory)
        }
        return "Models"
    }

    static func isDirectory(_ path: String) -> Bool { POSIX.isDirectory(path) }

    private static func executableDirectory() -> String {
        POSIX.executablePath().map(SafeOutput.directory(of:)) ?? "."
    }
}
