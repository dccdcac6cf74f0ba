import ArgumentParser
import Caec
import CaecCore
import CaecImageIO
import CaecTensor
import CaecTrain

/// `caec bench` (`caec bench machine`): kernel, model and codec speed on this machine, each against references
/// measured in the same run.
struct BenchMachineCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "machine",
        abstract: "Measure kernel, model and codec speed on this machine.",
        discussion: """
            Prints: the CPU, its instruction sets and the OpenBLAS core in use; cblas_sgemm GFLOP/s (the peak everything is compared with); a 5x5 stride-2 \
            128->128 convolution and its transposed twin on a 768x512 image; GDN over 64 channels of 384x256 \
            with the reference, portable (the encoder's, bit-identical to the reference) and fast kernels and \
            their speed-ups over the reference; each layer of the paper's rate-8 \
            autoencoder at batch 64 with its GFLOP/s and share of the sgemm peak; images/s of that autoencoder's \
            forward and forward + backward; and each codec model's encode and decode speed (cae-r4, bmshj-f-vr and \
            bmshj-hp-vr unless --model says) on CIFAR-10 test images and on a Kodak-sized image. Times vary with the machine and its load; compare figures from one run only.
            """
    )

    @Option(help: "Repetitions per measurement (the best is kept).")
    var repetitions: Int = 3

    /// Which group of figures to measure.
    enum Part: String, ExpressibleByArgument, CaseIterable { case all, sgemm, kernels, model, codec }

    @Option(help: "Measure only one part: all, sgemm (the BLAS and its 1024^3 peak), kernels, model or codec.")
    var only: Part = .all

    @Option(help: "Worker threads for the kernels (default: all CPUs).")
    var workers: Int?

    @Option(
        name: .customLong("model"),
        help: ArgumentHelp(
            "A model for the codec figures (repeatable).",
            discussion:
                "Default: \(Self.defaultCodecModels.joined(separator: ", ")), each one whose weights are present."))
    var codecModels: [String] = []

    /// The codec figures' models when `--model` is not given: the paper's autoencoder and the two photo codecs
    /// (whose speeds issue 17 compares); a model without weights in the folder is skipped with a line that says so.
    static let defaultCodecModels = ["cae-r4", "bmshj-f-vr", "bmshj-hp-vr"]

    @OptionGroup var modelsOption: ModelsOption

    @Option(help: "CIFAR-10 folder for the codec figures (default: $CAEC_DATA, else ../shared/data/...).")
    var data: String?

    @Option(help: "A large image for the seconds-per-image figure (default: Kodak's kodim01 if present).")
    var largeImage: String?

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    }

    func execute() throws(CLIFailure) {
        let workers = workers ?? TensorParallelism.maxWorkers
        var failure: CLIFailure?
        TensorParallelism.$maxWorkers.withValue(workers) {
            do throws(CLIFailure) { try measure() } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func measure() throws(CLIFailure) {
        warmUpBLAS()
        if only != .all && only != .kernels { print(BLASBackend.current.summary) }
        if only == .sgemm {
            print(SgemmPeak.measure(repetitions: repetitions).text)
            return
        }
        var peak: Double?
        if only == .all || only == .kernels {
            let report = TensorBenchmark.run(repetitions: repetitions)
            report.lines.forEach { print($0) }
            // The model's layers run on all workers: compare them with that many sgemms at once.
            peak = report.sgemmPeak(workers: report.maxWorkers)?.gflopsPerSecond
        }
        if only == .all || only == .model {
            let report = ModelBenchmark.autoencoder("cae-r8", batch: 64, repetitions: repetitions, peak: peak)
            report?.lines.forEach { print($0) }
        }
        guard only == .all || only == .codec else { return }

        let store = modelsOption.store
        let cifar: [RGBImage]?
        if let directory = try? DataLocator.cifarDirectory(data) {
            let test = try DataLocator.loadCIFAR(directory, files: [CIFAR10.testFile]).prefix(1000)
            cifar = (0..<test.count).map(test.image)
        } else {
            cifar = nil
            print("codec on CIFAR-10: skipped (no CIFAR-10 folder; pass --data)")
        }
        let largePath = largeImage ?? "../shared/data/kodak/kodim01.png"
        let large = FileSystem.exists(largePath) ? try ImageInputOptions.readDefault(largePath) : nil
        for model in codecModels.isEmpty ? Self.defaultCodecModels : codecModels {
            if codecModels.isEmpty && !FileSystem.exists(store.path(model)) {
                print("codec \(model): skipped (no weights at \(store.path(model)))")
                continue
            }
            let codec = try store.codec(model)
            if let cifar { codecFigures(codec, model: model, cifar: cifar) }
            if let large { codecFigures(codec, model: model, large: large, path: largePath) }
        }
    }

    /// The model's middle quality: 5 of 1 ... 8.
    private func middleQuality(_ codec: CaecCodec) -> Int {
        (codec.qualities.lowerBound + codec.qualities.upperBound + 1) / 2
    }

    /// Images/s encoding and decoding `images` one at a time, once each.
    private func codecFigures(_ codec: CaecCodec, model: String, cifar images: [RGBImage]) {
        let quality = middleQuality(codec)
        var files: [[UInt8]] = []
        let encodeSeconds = BenchmarkTimer.best(of: 1) {
            files = images.map { (try? codec.encode($0, quality: quality)) ?? [] }
        }
        let decodeSeconds = BenchmarkTimer.best(of: 1) { for file in files { _ = try? codec.decode(file) } }
        let bytes = files.reduce(0) { $0 + $1.count }
        print(
            "codec \(model) quality \(quality) on \(images.count) CIFAR-10 test images (one at a time): encode "
                + "\(Int(Double(images.count) / encodeSeconds)) images/s, decode "
                + "\(Int(Double(images.count) / decodeSeconds)) images/s, \(bytes / images.count) bytes/image")
    }

    /// Seconds to encode and to decode `image`, best of `repetitions`.
    private func codecFigures(_ codec: CaecCodec, model: String, large image: RGBImage, path: String) {
        let quality = middleQuality(codec)
        var file: [UInt8] = []
        let encodeSeconds = BenchmarkTimer.best(of: repetitions) {
            file = (try? codec.encode(image, quality: quality)) ?? []
        }
        let decodeSeconds = BenchmarkTimer.best(of: repetitions) { _ = try? codec.decode(file) }
        print(
            "codec \(model) quality \(quality) on \(path) (\(image.width)x\(image.height)): encode "
                + "\(NumberFormat.fixed(encodeSeconds, 3)) s, decode \(NumberFormat.fixed(decodeSeconds, 3)) s, "
                + "\(file.count) bytes")
    }

}
