import CaecCore
import CaecEval
import CaecImageIO
import CaecTrain

/// The images of a comparison: CIFAR-10 test images held in memory, or files read when their turn comes.
struct CompareSource: Sendable {
    enum Storage: Sendable {
        case cifar(CIFAR10.Batch)
        case files([String], ImageReadOptions)
    }

    let storage: Storage

    var kind: String {
        if case .cifar = storage { "cifar-test" } else { "files" }
    }

    var count: Int {
        switch storage {
        case .cifar(let batch): batch.count
        case .files(let paths, _): paths.count
        }
    }

    init(inputs: [String], cifarTest: String?, limit: Int?, options: ImageInputOptions) throws(CLIFailure) {
        if let cifarTest {
            var batch = try DataLocator.loadCIFAR(cifarTest, files: [CIFAR10.testFile])
            if let limit, limit < batch.count { batch = batch.prefix(limit) }
            storage = .cifar(batch)
        } else {
            var paths: [String] = []
            for input in inputs {
                if DataLocator.isDirectory(input) {
                    paths += Self.imageFiles(under: input)
                } else if FileSystem.exists(input) {
                    paths.append(input)
                } else {
                    throw CLIFailure(.missingInput, path: input, "no such file")
                }
            }
            guard !paths.isEmpty else { throw CLIFailure(.missingInput, path: inputs[0], "no PNG or JPEG files") }
            if let limit { paths = Array(paths.prefix(limit)) }
            storage = .files(paths, options.readOptions)
        }
    }

    /// Image `index`, read and decoded (files) or sliced (CIFAR-10).
    func item(_ index: Int) -> Result<CompareItem, CompareRunner.Failure> {
        switch storage {
        case .cifar(let batch):
            return .success(
                CompareItem(
                    index: index, name: "cifar-test/\(index)", image: batch.image(index),
                    label: Int(batch.labels[index])))
        case .files(let paths, let options):
            let path = paths[index]
            do {
                let bytes = try FileInput.read(path)
                let decoded = try ImageReader.decode(bytes, options: options)
                for warning in decoded.warnings { printWarning(path: path, warning) }
                return .success(CompareItem(index: index, name: path, image: decoded.image, label: nil))
            } catch {
                return .failure(CompareRunner.Failure(index: index, name: path, reason: "\(error)"))
            }
        }
    }

    /// PNG and JPEG files (by extension) under `directory`, recursively, in sorted path order.
    static func imageFiles(under directory: String) -> [String] {
        var found: [String] = []
        for name in (POSIX.listDirectory(directory) ?? []).sorted() where !name.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if DataLocator.isDirectory(path) {
                found += imageFiles(under: path)
            } else {
                let lower = name.lowercased()
                if lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") { found.append(path) }
            }
        }
        return found
    }
}
