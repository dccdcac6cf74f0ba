import Caec
import CaecCore
import CaecEval
import CaecImageIO
import CaecModel
import CaecTensor
import CaecTrain

/// `caec train photos --model bmshj-f-vr|bmshj-hp-vr --codec-eval DIR` (and `caec train cifar --model cifar-task-vr
/// --codec-eval DIR`): builds the codec's tables from a trained run and measures real bytes and PSNR on every PNG of
/// DIR at every quality, through `CaecCodec`.
struct CodecEvaluationRun {
    let run: TrainRunOptions
    /// Metadata to record in the codec's weights, made from the trained parameters (a task-aware codec's figures on
    /// the first CIFAR-10 test images); nil for none.
    var recordedFigures: ((Parameters) throws(CLIFailure) -> [(key: String, value: String)])?

    /// What the evaluation needs of a trainable codec family.
    struct Model {
        let id: String
        let parameterSpecs: [ParameterSpec]
        let codecTensors: (Parameters) -> CodecTensors

        /// A photo model (`bmshj-f-vr`, `bmshj-hp-vr`) or a task-aware codec (`cifar-task-vr`); nil otherwise.
        init?(_ id: String) {
            if let model = PhotoModel(id) {
                self.id = model.id
                parameterSpecs = model.parameterSpecs
                codecTensors = model.codecTensors
            } else if ModelRegistry.taskCodecIDs.contains(id), let model = ModelRegistry.rateDistortion(id) {
                self.id = model.id
                parameterSpecs = model.parameterSpecs
                codecTensors = { RateDistortionTables.codecTensors(model: model, parameters: $0) }
            } else {
                return nil
            }
        }
    }

    func execute(directory: String) throws(CLIFailure) {
        guard let model = Model(run.model) else {
            throw CLIFailure(.usage, path: nil, "\(run.model) has no codec tables to build")
        }
        let runDirectory = run.directory
        let finalPath = runDirectory + "/\(model.id).caew"
        let path = FileSystem.exists(finalPath) ? finalPath : runDirectory + "/checkpoint.caew"
        let parameters: Parameters
        var file: WeightsFile
        do {
            file = try WeightsFile(parsing: try FileInput.read(path)).removingCodecTensors(optimizer: true)
            parameters = try Parameters(loading: file, modelID: model.id, specs: model.parameterSpecs)
        } catch let error as CLIFailure {
            throw error
        } catch {
            throw CLIFailure(.model, path: path, "\(error)")
        }
        warmUpBLAS()
        if let recordedFigures {
            let entries = try recordedFigures(parameters)
            let keys = Set(entries.map(\.key))
            file.metadata = file.metadata.filter { !keys.contains($0.key) } + entries
        }
        file.tensors += model.codecTensors(parameters).tensors
        let codecPath = runDirectory + "/\(model.id)-codec.caew"
        let codecBytes = file.serialized()
        try SafeOutput(path: codecPath, force: true).write(codecBytes, inputs: [])
        printError(
            "caec: wrote \(codecPath) (step \(file.metadata("checkpoint_step") ?? file.metadata("steps") ?? "?"))")
        let codec: CaecCodec
        do { codec = try CaecCodec(weights: codecBytes) } catch {
            throw CLIFailure(.internalError, path: codecPath, error.message)
        }

        let names = try Self.pngFiles(directory)
        var evaluation = CodecEvaluation(codec: codec)
        for name in names {
            let image: RGBImage
            do { image = try ImageReader.read(try FileInput.read(directory + "/" + name)) } catch let error
                as CLIFailure
            {
                throw error
            } catch {
                throw CLIFailure(.badInput, path: directory + "/" + name, "\(error)")
            }
            do { try evaluation.add(image, name: name) } catch {
                throw CLIFailure(.internalError, path: name, "coding failed: \(error.message)")
            }
        }
        try SafeOutput(path: runDirectory + "/codec-eval.csv", force: true).write(
            Array(evaluation.csv.utf8), inputs: [])
        print("quality  bpp (payload bytes)  mean PSNR  (\(names.count) images of \(directory))")
        for row in evaluation.summary {
            print(
                "q\(row.quality)       \(NumberFormat.fixed(row.bpp, 4))               "
                    + "\(NumberFormat.fixed(row.meanPSNR, 3)) dB")
        }
    }

    /// Names of the `.png` files in `directory`, sorted.
    static func pngFiles(_ directory: String) throws(CLIFailure) -> [String] {
        guard let names = POSIX.listDirectory(directory) else {
            throw CLIFailure(.missingInput, path: directory, "cannot list")
        }
        return names.filter { $0.hasSuffix(".png") }.sorted()
    }
}
